// Signed miaPOS callback bodies of an exact byte size for the benchmark: valid under the key that signs them.

import type { KeyObject } from 'node:crypto';
import { buildSignString } from '../shared/sign-string.ts';
import { signString } from '../server/signature/rsa.ts';

/** A callback `{result, signature}` of exactly `size` bytes (or the smallest possible one), signed with `privateKey`. */
export function makeSignedCallback(size: number, privateKey: KeyObject): string {
  const build = (note: string) => {
    const result = { terminalId: 'TRMW0001', orderId: 'bench-1', paymentId: '2a663962-c954-4984-90e5-1d24c3305f7b', status: 'SUCCESS', amount: 1775, currency: 'MDL', paymentType: 'qr', paymentDate: '2026-10-05T22:13:42', swiftMessageId: 'SWIFT-1', swiftPayerBank: 'BANK', note };
    // The amount goes on the wire as 1775.00, the way miaPOS writes it; the canonical string has two decimals either way.
    return `{"result":${JSON.stringify(result).replace('"amount":1775', '"amount":1775.00')},"signature":"${signString(buildSignString(result), privateKey)}"}`;
  };
  const base = Buffer.byteLength(build(''));
  return build('x'.repeat(Math.max(0, size - base)));
}
