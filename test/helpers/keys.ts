// Test helper: fresh RSA key pairs and callbacks signed with them (correctly or with a chosen mistake).

import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { buildSignString, type SignStringOptions } from '../../shared/sign-string.ts';
import { parseRawJson, type RawJsonObject } from '../../shared/raw-json.ts';
import { readPublicKey, type LabelledKey } from '../../server/signature/keys.ts';
import { signString } from '../../server/signature/rsa.ts';

export interface TestKeyPair {
  privateKey: KeyObject;
  publicKey: LabelledKey;
  publicPem: string;
  spkiBase64: string;
}

export function makeKeyPair(label = 'test'): TestKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const labelled = readPublicKey(publicPem, label);
  return { privateKey, publicKey: labelled, publicPem, spkiBase64: labelled.spkiBase64 };
}

/** Builds a callback body from the JSON text of `result`, signing it as miaPOS does (or with a mistake). */
export function signCallbackText(resultJson: string, privateKey: KeyObject, options: SignStringOptions = {}): string {
  const result = parseRawJson(resultJson) as RawJsonObject;
  const signature = signString(buildSignString(result, options), privateKey);
  return `{"result":${resultJson},"signature":"${signature}"}`;
}

export const VECTOR_RESULT = '{"terminalId":"TRMW0001","orderId":"108","paymentId":"2a663962-c954-4984-90e5-1d24c3305f7b","status":"EXPIRED","amount":1775.00,"currency":"MDL","paymentType":"qr","paymentDate":"2024-12-17T11:54:23"}';
export const VECTOR_STRING = '1775.00;MDL;108;2024-12-17T11:54:23;2a663962-c954-4984-90e5-1d24c3305f7b;qr;EXPIRED;TRMW0001';
