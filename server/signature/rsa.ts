// Checks an RSA-SHA256 PKCS#1 v1.5 signature over a string, the primitive miaPOS signatures use.

import { sign, verify, type KeyObject } from 'node:crypto';
import type { LabelledKey } from './keys.ts';

/** Checks an RSA-SHA256 PKCS#1 v1.5 signature over the UTF-8 bytes of a string. */
export function verifyString(text: string, signature: Uint8Array, key: LabelledKey): boolean {
  try {
    return verify('RSA-SHA256', Buffer.from(text, 'utf8'), key.key, signature);
  } catch {
    return false;
  }
}

/** Signs the UTF-8 bytes of a string with RSA-SHA256 PKCS#1 v1.5; returns base64 (what miaPOS sends). */
export function signString(text: string, privateKey: KeyObject): string {
  return sign('RSA-SHA256', Buffer.from(text, 'utf8'), privateKey).toString('base64');
}
