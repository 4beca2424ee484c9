// Reads RSA public keys in the forms developers hold them (miaPOS base64 DER, PEM, DER bytes, {publicKey} JSON).

import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import type { KeyInfo } from '../../shared/verdict.ts';

export class KeyFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyFormatError';
  }
}

/** A public key ready to verify with, and how to name it to a developer. */
export interface LabelledKey extends KeyInfo {
  key: KeyObject;
  /** Base64 DER SPKI, the form miaPOS serves. */
  spkiBase64: string;
}

const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;

/** Reads a key from text or bytes; throws KeyFormatError saying what was expected. */
export function readPublicKey(input: string | Uint8Array, label: string): LabelledKey {
  const key = parseKeyObject(input);
  if (key.asymmetricKeyType !== 'rsa') {
    throw new KeyFormatError(`The key "${label}" is a ${key.asymmetricKeyType ?? 'non-RSA'} key; miaPOS signs with RSA. Use the key from GET /ecomm/api/v1/public-key.`);
  }
  const der = key.export({ type: 'spki', format: 'der' });
  return {
    key,
    label,
    spkiBase64: der.toString('base64'),
    fingerprint: createHash('sha256').update(der).digest('hex'),
  };
}

function parseKeyObject(input: string | Uint8Array): KeyObject {
  if (typeof input !== 'string') {
    const text = Buffer.from(input).toString('utf8');
    if (/^[\s\x20-\x7e]*$/.test(text)) return parseKeyObject(text);
    return importDer(Buffer.from(input));
  }
  const text = input.trim();
  if (text === '') throw new KeyFormatError('The public key is empty. Pass a PEM file, or the base64 text of GET /ecomm/api/v1/public-key.');
  if (text.startsWith('{')) {
    let publicKey: unknown;
    try {
      publicKey = (JSON.parse(text) as { publicKey?: unknown }).publicKey;
    } catch {
      throw new KeyFormatError('The public key looks like JSON but does not parse. Pass the {"publicKey": "..."} answer of /ecomm/api/v1/public-key as it came.');
    }
    if (typeof publicKey !== 'string') throw new KeyFormatError('The JSON has no "publicKey" string. Pass the answer of GET /ecomm/api/v1/public-key.');
    return parseKeyObject(publicKey);
  }
  if (text.includes('-----BEGIN')) {
    try {
      return createPublicKey(text);
    } catch (error) {
      throw new KeyFormatError(`The PEM key could not be read (${(error as Error).message}). Expected "-----BEGIN PUBLIC KEY-----".`);
    }
  }
  const compact = text.replace(/\s+/g, '');
  if (!BASE64_PATTERN.test(compact) || compact.length % 4 !== 0) {
    throw new KeyFormatError('The public key is neither PEM nor base64. Pass a PEM file, or the base64 DER text miaPOS serves at /ecomm/api/v1/public-key.');
  }
  return importDer(Buffer.from(compact, 'base64'));
}

function importDer(der: Buffer): KeyObject {
  try {
    return createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    try {
      return createPublicKey({ key: der, format: 'der', type: 'pkcs1' });
    } catch {
      throw new KeyFormatError('The key bytes are not a DER SubjectPublicKeyInfo. Use the base64 text of GET /ecomm/api/v1/public-key, or a PEM "PUBLIC KEY".');
    }
  }
}
