// Verifies a miaPOS callback's RSA-SHA256 signature and explains the verdict.

import { buildSignFields, joinSignFields } from '../../shared/sign-string.ts';
import type { KeyInfo, Verdict } from '../../shared/verdict.ts';
import { diagnoseSignature } from './diagnose.ts';
import type { LabelledKey } from './keys.ts';
import { readCallback, type CallbackReading } from './read-callback.ts';
import { verifyString } from './rsa.ts';

const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;
/**
 * Verifies a callback body as received, against `keys[0]` (the environment in use). Further keys are
 * only used to diagnose a failure ("signed by the emulator key, not the sandbox one").
 */
export function verifyCallback(body: Uint8Array | string, keys: readonly LabelledKey[]): Verdict {
  return verifyReadCallback(readCallback(body), keys);
}

/** Verifies a body already read by readCallback (so callers that also summarise it read it once). */
export function verifyReadCallback(read: CallbackReading, keys: readonly LabelledKey[]): Verdict {
  const key = keys[0] ? describeKey(keys[0]) : null;
  if ('problem' in read) {
    return { verdict: 'unverifiable', reason: read.problem, canonical: null, fields: [], key, diagnosis: null };
  }
  const fields = buildSignFields(read.result);
  const canonical = joinSignFields(fields);
  const unverifiable = (reason: string): Verdict => ({ verdict: 'unverifiable', reason, canonical, fields, key, diagnosis: null });
  if (read.signature === '') return unverifiable('The "signature" field is empty, so nothing can be verified.');
  if (!keys[0]) return unverifiable('No public key is configured: pass --public-key, or use the emulator or sandbox key.');
  const signature = decodeSignature(read.signature);
  if (!signature) {
    return { verdict: 'invalid', reason: 'The "signature" field is not base64, so it cannot be an RSA signature.', canonical, fields, key, diagnosis: null };
  }
  if (verifyString(canonical, signature, keys[0])) {
    return { verdict: 'valid', reason: `The signature matches the canonical string under the ${keys[0].label} key.`, canonical, fields, key, diagnosis: null };
  }
  const diagnosis = diagnoseSignature(read, canonical, signature, keys);
  return {
    verdict: 'invalid',
    reason: `The signature does not match the canonical string under the ${keys[0].label} key.`,
    canonical,
    fields,
    key,
    diagnosis,
  };
}

function decodeSignature(signature: string): Buffer | null {
  // MIME encoders (Java's among them) wrap base64 at 76 characters: line breaks are not part of the value.
  const compact = signature.replace(/[\r\n]/g, '');
  if (!BASE64_PATTERN.test(compact) || compact.length % 4 !== 0) return null;
  return Buffer.from(compact, 'base64');
}

function describeKey(key: LabelledKey): KeyInfo {
  return { label: key.label, fingerprint: key.fingerprint };
}
