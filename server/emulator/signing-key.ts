// The emulator's RSA-2048 callback signing key: made once with jose, kept as PKCS#8 PEM (0600); only the public half is ever served.

import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { exportPKCS8, generateKeyPair } from 'jose';
import { createPrivateFile, readPrivateFile } from './data-files.ts';

export interface SigningKey {
  privateKey: KeyObject;
  /** Base64 DER SubjectPublicKeyInfo: what GET /ecomm/api/v1/public-key serves. */
  publicKeyBase64: string;
}

/** Reads `<dir>/signing-key.pem`, or generates the key pair and writes it (mode 0600). */
export async function loadOrCreateSigningKey(dir: string): Promise<SigningKey> {
  const path = join(dir, 'signing-key.pem');
  let pem = await readPrivateFile(path);
  if (pem === null) {
    const pair = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
    pem = await exportPKCS8(pair.privateKey);
    await createPrivateFile(path, pem);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    throw new Error(`${path} is not a PKCS#8 PEM private key (${(error as Error).message}). Delete it to make a new emulator key (the public key will change).`);
  }
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error(`${path} holds a ${privateKey.asymmetricKeyType} key; the emulator signs with RSA. Delete it to make a new one.`);
  const publicKeyBase64 = createPublicKey(privateKey).export({ type: 'spki', format: 'der' }).toString('base64');
  return { privateKey, publicKeyBase64 };
}
