import { describe, expect, it } from 'vitest';
import { verifyCallback } from '../../server/signature/verify.ts';
import { readPublicKey, KeyFormatError } from '../../server/signature/keys.ts';
import { signString } from '../../server/signature/rsa.ts';
import { makeKeyPair, signCallbackText, VECTOR_RESULT, VECTOR_STRING } from '../helpers/keys.ts';

const pair = makeKeyPair('emulator');
const other = makeKeyPair('sandbox');

describe('verifyCallback', () => {
  it('accepts a callback signed over the canonical string', () => {
    const body = signCallbackText(VECTOR_RESULT, pair.privateKey);
    const verdict = verifyCallback(Buffer.from(body), [pair.publicKey]);
    expect(verdict.verdict).toBe('valid');
    expect(verdict.canonical).toBe(VECTOR_STRING);
    expect(verdict.key).toEqual({ label: 'emulator', fingerprint: pair.publicKey.fingerprint });
    expect(verdict.fields[0]).toEqual({ key: 'amount', value: '1775.00' });
  });

  it('turns invalid when any single character of any value changes', () => {
    const body = signCallbackText(VECTOR_RESULT, pair.privateKey);
    const result = JSON.parse(VECTOR_RESULT) as Record<string, string | number>;
    for (const [key, value] of Object.entries(result)) {
      const text = String(value);
      for (let i = 0; i < text.length; i++) {
        const flipped = text.slice(0, i) + (text[i] === '1' ? '2' : '1') + text.slice(i + 1);
        const needle = typeof value === 'number' ? `"${key}":1775.00` : `"${key}":${JSON.stringify(value)}`;
        const replacement = typeof value === 'number' ? `"${key}":${flipped}` : `"${key}":${JSON.stringify(flipped)}`;
        expect(body.includes(needle)).toBe(true);
        const verdict = verifyCallback(body.replace(needle, replacement), [pair.publicKey]);
        expect(verdict.verdict, `${key}[${i}]`).toBe('invalid');
      }
    }
  });

  it('turns invalid when any character of the signature changes', () => {
    const body = signCallbackText(VECTOR_RESULT, pair.privateKey);
    const signature = (JSON.parse(body) as { signature: string }).signature;
    for (let i = 0; i < signature.length - 2; i += 7) {
      const flipped = signature.slice(0, i) + (signature[i] === 'A' ? 'B' : 'A') + signature.slice(i + 1);
      expect(verifyCallback(body.replace(signature, flipped), [pair.publicKey]).verdict, `sig[${i}]`).toBe('invalid');
    }
  });

  it('verifies upper-case keys, extra fields, unicode and ";" inside values', () => {
    const result = '{"status":"SUCCESS","Zeta":"x;y","amount":12.5,"payDescription":"Plată 😀 ; ok","currency":"MDL"}';
    const verdict = verifyCallback(signCallbackText(result, pair.privateKey), [pair.publicKey]);
    expect(verdict.verdict).toBe('valid');
    expect(verdict.canonical).toBe('x;y;12.50;MDL;Plată 😀 ; ok;SUCCESS');
  });

  it('accepts the key as PEM and as base64 DER with the same fingerprint', () => {
    const fromBase64 = readPublicKey(pair.spkiBase64, 'b64');
    const fromJson = readPublicKey(JSON.stringify({ publicKey: pair.spkiBase64 }), 'json');
    expect(fromBase64.fingerprint).toBe(pair.publicKey.fingerprint);
    expect(fromJson.fingerprint).toBe(pair.publicKey.fingerprint);
    expect(verifyCallback(signCallbackText(VECTOR_RESULT, pair.privateKey), [fromBase64]).verdict).toBe('valid');
  });

  it('refuses key text that is not a key, saying what is expected', () => {
    expect(() => readPublicKey('not a key!', 'x')).toThrow(KeyFormatError);
    expect(() => readPublicKey('QUJD', 'x')).toThrow(/SubjectPublicKeyInfo/);
  });

  it.each([
    ['', /empty/],
    ['not json', /not JSON/],
    ['[1,2]', /array/],
    ['{"signature":"AAAA"}', /no "result"/],
    ['{"result":"x","signature":"AAAA"}', /"result" is a string/],
    ['{"result":{"amount":1}}', /no "signature"/],
    ['{"result":{"amount":1},"signature":""}', /empty/],
  ])('calls %j unverifiable with a reason', (body, reason) => {
    const verdict = verifyCallback(Buffer.from(body), [pair.publicKey]);
    expect(verdict.verdict).toBe('unverifiable');
    expect(verdict.reason).toMatch(reason);
  });

  it('calls binary bytes unverifiable', () => {
    const verdict = verifyCallback(Buffer.from([0xff, 0xfe, 0x00, 0x81]), [pair.publicKey]);
    expect(verdict.verdict).toBe('unverifiable');
    expect(verdict.reason).toMatch(/UTF-8/);
  });

  it('is unverifiable without a key, but still shows the canonical string', () => {
    const verdict = verifyCallback(signCallbackText(VECTOR_RESULT, pair.privateKey), []);
    expect(verdict.verdict).toBe('unverifiable');
    expect(verdict.canonical).toBe(VECTOR_STRING);
  });

  it('calls a non-base64 signature invalid', () => {
    const verdict = verifyCallback(`{"result":${VECTOR_RESULT},"signature":"***"}`, [pair.publicKey]);
    expect(verdict.verdict).toBe('invalid');
    expect(verdict.reason).toMatch(/not base64/);
  });
});

describe('diagnosis of an invalid signature', () => {
  const result = '{"terminalId":"T1","orderId":"7","paymentId":"p-1","status":"SUCCESS","amount":12.5,"currency":"MDL","swiftMessageId":null,"loyaltyPoints":"3"}';

  it.each([
    ['amount-as-written', { amount: 'as-written' as const }],
    ['received-order', { order: 'received' as const }],
    ['nulls-kept', { nulls: 'as-null' as const }],
    ['nulls-kept', { nulls: 'as-empty' as const }],
    ['field-list', { onlyKeys: ['terminalId', 'orderId', 'paymentId', 'status', 'amount', 'currency'] }],
  ])('names %s', (cause, options) => {
    const verdict = verifyCallback(signCallbackText(result, pair.privateKey, options), [pair.publicKey]);
    expect(verdict.verdict).toBe('invalid');
    expect(verdict.diagnosis?.cause).toBe(cause);
    expect(verdict.diagnosis?.signedString).not.toBe(verdict.canonical);
  });

  it('names an amount read through a float', () => {
    const big = '{"orderId":"1","amount":9007199254740993.25,"currency":"MDL"}';
    const verdict = verifyCallback(signCallbackText(big, pair.privateKey, { amount: 'float' }), [pair.publicKey]);
    expect(verdict.diagnosis?.cause).toBe('amount-through-float');
  });

  it('names the JSON text of result as what was signed', () => {
    const jsonSigned = `{"result":${result},"signature":"${signString(result, pair.privateKey)}"}`;
    const verdict = verifyCallback(jsonSigned, [pair.publicKey]);
    expect(verdict.diagnosis?.cause).toBe('raw-body');
    expect(verdict.diagnosis?.signedString).toBe(result);
  });

  it('names the other environment key', () => {
    const verdict = verifyCallback(signCallbackText(result, other.privateKey), [pair.publicKey, other.publicKey]);
    expect(verdict.diagnosis?.cause).toBe('other-key');
    expect(verdict.diagnosis?.keyLabel).toBe('sandbox');
    expect(verdict.diagnosis?.message).toMatch(/sandbox key/);
  });

  it('says tampered or unknown key when nothing explains it', () => {
    const body = signCallbackText(result, pair.privateKey).replace('"amount":12.5', '"amount":125');
    const verdict = verifyCallback(body, [pair.publicKey, other.publicKey]);
    expect(verdict.diagnosis?.cause).toBe('tampered-or-unknown-key');
    const stranger = makeKeyPair('stranger');
    expect(verifyCallback(signCallbackText(result, stranger.privateKey), [pair.publicKey]).diagnosis?.cause).toBe('tampered-or-unknown-key');
  });
});

describe('limits and encodings', () => {
  it('accepts a signature wrapped at 76 characters by a MIME encoder', () => {
    const body = signCallbackText(VECTOR_RESULT, pair.privateKey);
    const signature = (JSON.parse(body) as { signature: string }).signature;
    const wrapped = signature.replace(/(.{76})/g, '$1\r\n');
    expect(wrapped).toContain('\r\n');
    expect(verifyCallback(body.replace(signature, JSON.stringify(wrapped).slice(1, -1)), [pair.publicKey]).verdict).toBe('valid');
  });

  it('does not verify a result with thousands of fields, and says why', () => {
    const fields = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, String(i)]));
    const verdict = verifyCallback(JSON.stringify({ result: fields, signature: 'QUJD' }), [pair.publicKey, other.publicKey]);
    expect(verdict.verdict).toBe('unverifiable');
    expect(verdict.reason).toMatch(/5000 fields/);
  });
});
