import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { applyPreset, PresetError, resignBody, type PresetName } from '../../server/replay/presets.ts';
import { readPublicKey } from '../../server/signature/keys.ts';
import { signString } from '../../server/signature/rsa.ts';
import { verifyCallback } from '../../server/signature/verify.ts';
import { buildSignString } from '../../shared/sign-string.ts';
import { parseRawJson, type RawJsonObject } from '../../shared/raw-json.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const key = readPublicKey(publicKey.export({ type: 'spki', format: 'pem' }).toString(), 'emulator');
const signText = (canonical: string) => signString(canonical, privateKey);
const verdictOf = (body: Buffer | string) => verifyCallback(typeof body === 'string' ? body : new Uint8Array(body), [key]);

const RESULT = '{"terminalId":"TRMW0001","orderId":"108","paymentId":"2a663962-c954-4984-90e5-1d24c3305f7b","status":"SUCCESS","amount":1775.00,"currency":"MDL","paymentType":"qr","paymentDate":"2024-12-17T11:54:23"}';
const sign = (resultJson: string) => signString(buildSignString(parseRawJson(resultJson) as RawJsonObject), privateKey);
const ORIGINAL = Buffer.from(`{"result":${RESULT},"signature":"${sign(RESULT)}"}`);
/** Pretty-printed with CRLF, to prove edits keep every other byte. */
const PRETTY_RESULT = RESULT.replace('{', '{\r\n  ').replaceAll(',"', ',\r\n  "').replace(/}$/, '\r\n}');
const PRETTY = Buffer.from(`{\r\n"result": ${PRETTY_RESULT},\r\n"signature": "${sign(RESULT)}"\r\n}\r\n`);

function readResult(body: Buffer): Record<string, unknown> {
  return (JSON.parse(body.toString('utf8')) as { result: Record<string, unknown> }).result;
}

describe('handler-test presets', () => {
  it('starts from a valid callback', () => {
    expect(verdictOf(ORIGINAL).verdict).toBe('valid');
    expect(verdictOf(PRETTY).verdict).toBe('valid');
  });

  it('duplicate: the same bytes', () => {
    const out = applyPreset('duplicate', ORIGINAL);
    expect(out.body.equals(ORIGINAL)).toBe(true);
    expect(out.resigned).toBe(false);
  });

  it('tampered-amount: another amount, old signature, so verification fails', () => {
    const out = applyPreset('tampered-amount', ORIGINAL, signText);
    expect(out.resigned).toBe(false);
    expect(readResult(out.body).amount).toBe(0.01);
    expect(out.body.toString()).toBe(ORIGINAL.toString().replace('"amount":1775.00', '"amount":0.01'));
    const verdict = verdictOf(out.body);
    expect(verdict.verdict).toBe('invalid');
    expect(verdict.diagnosis?.cause).toBe('tampered-or-unknown-key');
    expect(readResult(applyPreset('tampered-amount', ORIGINAL, undefined, { amount: '99999.99' }).body).amount).toBe(99999.99);
  });

  it('status-downgrade: PENDING after SUCCESS, re-signed and valid', () => {
    const out = applyPreset('status-downgrade', ORIGINAL, signText);
    expect(out.resigned).toBe(true);
    expect(readResult(out.body).status).toBe('PENDING');
    expect(verdictOf(out.body).verdict).toBe('valid');
    const failed = applyPreset('status-downgrade', ORIGINAL, signText, { status: 'FAILED' });
    expect(readResult(failed.body).status).toBe('FAILED');
    expect(verdictOf(failed.body).verdict).toBe('valid');
  });

  it('extra-field: an unknown field in result, re-signed and valid', () => {
    const out = applyPreset('extra-field', ORIGINAL, signText);
    const result = readResult(out.body);
    expect(result.extraField).toBe('added by miahook');
    expect(Object.keys(result).at(-1)).toBe('extraField');
    const verdict = verdictOf(out.body);
    expect(verdict.verdict).toBe('valid');
    expect(verdict.fields.map((field) => field.key)).toContain('extraField');
  });

  it('amount-no-decimals: 1775 in the JSON text, still valid (re-signed, or with the original signature)', () => {
    const out = applyPreset('amount-no-decimals', ORIGINAL, signText);
    expect(out.resigned).toBe(true);
    expect(out.body.toString()).toContain('"amount":1775,');
    expect(verdictOf(out.body)).toMatchObject({ verdict: 'valid', canonical: expect.stringContaining('1775.00;MDL') });
    const unsigned = applyPreset('amount-no-decimals', ORIGINAL);
    expect(unsigned.resigned).toBe(false);
    expect(unsigned.body.toString()).toBe(ORIGINAL.toString().replace('1775.00', '1775'));
    expect(verdictOf(unsigned.body).verdict).toBe('valid');
    const half = Buffer.from(`{"result":${RESULT.replace('1775.00', '12.50')},"signature":"x"}`);
    expect(applyPreset('amount-no-decimals', half).body.toString()).toContain('"amount":12.5,');
    const round = Buffer.from(`{"result":${RESULT.replace('1775.00', '100.00')},"signature":"x"}`);
    expect(applyPreset('amount-no-decimals', round).body.toString()).toContain('"amount":100,');
  });

  it.each<[PresetName, string]>([
    ['tampered-amount', '0.01'],
    ['status-downgrade', '"PENDING"'],
    ['amount-no-decimals', '1775'],
  ])('%s edits a pretty-printed body in place', (preset, expected) => {
    const out = applyPreset(preset, PRETTY, signText).body.toString();
    const field = preset === 'status-downgrade' ? '"status":' : '"amount":';
    const original = PRETTY.toString();
    const before = original.slice(0, original.indexOf(field) + field.length);
    expect(out.startsWith(before + expected + ',\r\n')).toBe(true);
    expect(out.endsWith('"\r\n}\r\n')).toBe(true);
  });

  it('extra-field keeps a pretty-printed body and handles an empty result', () => {
    const out = applyPreset('extra-field', PRETTY, signText).body.toString();
    expect(out).toContain('"paymentDate":"2024-12-17T11:54:23","extraField":"added by miahook"\r\n}');
    expect(verdictOf(out).verdict).toBe('valid');
    const empty = applyPreset('extra-field', Buffer.from('{"result":{},"signature":""}'), signText).body.toString();
    expect(empty.startsWith('{"result":{"extraField":"added by miahook"},"signature":"')).toBe(true);
  });

  it('refuses a re-signing preset without a signer, naming the way out', () => {
    for (const preset of ['status-downgrade', 'extra-field'] as const) {
      expect(() => applyPreset(preset, ORIGINAL)).toThrow(PresetError);
      expect(() => applyPreset(preset, ORIGINAL)).toThrow(/only the emulator holds a signing key/);
    }
  });

  it.each([
    ['not json', /not JSON/],
    ['[1,2]', /JSON array, not a callback/],
    ['{"signature":"x"}', /no "result" object/],
  ])('refuses a body that is not a callback: %s', (body, message) => {
    try {
      applyPreset('tampered-amount', Buffer.from(body));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PresetError);
      expect((error as PresetError).code).toBe('not-a-callback');
      expect((error as Error).message).toMatch(message);
    }
  });

  it('refuses binary bytes and a result without the field to change', () => {
    expect(() => applyPreset('tampered-amount', Buffer.from([0xff, 0xfe, 0x00]))).toThrow(/not UTF-8/);
    expect(() => applyPreset('status-downgrade', Buffer.from('{"result":{"amount":1},"signature":""}'), signText)).toThrow(/no "status" value/);
  });
});

describe('resignBody', () => {
  it('re-signs a hand-edited body so it verifies again', () => {
    const edited = ORIGINAL.toString().replace('"orderId":"108"', '"orderId":"109"');
    expect(verdictOf(edited).verdict).toBe('invalid');
    const resigned = resignBody(edited, signText);
    expect(verdictOf(resigned).verdict).toBe('valid');
    expect(resigned.replace(/"signature":"[^"]*"/, '')).toBe(edited.replace(/"signature":"[^"]*"/, ''));
  });

  it('adds a signature when the edited body has none', () => {
    const resigned = resignBody(`{"result":${RESULT}}`, signText);
    expect(verdictOf(resigned).verdict).toBe('valid');
  });
});
