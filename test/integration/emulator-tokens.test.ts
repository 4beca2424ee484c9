// The emulator's token, refresh, bearer checks and public-key endpoints, in both error styles, over real HTTP.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../server/emulator/index.ts';
import { readPublicKey } from '../../server/signature/keys.ts';
import { waitFor } from '../helpers/wait-for.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: Partial<EmulatorOptions> = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'miahook-emu-'));
  const logs: string[] = [];
  const emulator = await startEmulator({ dataDir, port: 0, log: (line) => logs.push(line), ...options });
  cleanups.push(async () => {
    await emulator.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  return { emulator, logs };
}

async function call(emulator: EmulatorHandle, method: string, path: string, init: { body?: unknown; auth?: string } = {}) {
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  if (init.auth !== undefined) headers.Authorization = init.auth;
  const res = await fetch(`${emulator.url}${path}`, { method, headers, body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body) });
  const text = await res.text();
  return { status: res.status, text, json: text ? (JSON.parse(text) as Record<string, any>) : null, headers: res.headers };
}

async function issueTokens(emulator: EmulatorHandle) {
  const { merchantId, secretKey, terminalId } = emulator.credentials;
  const res = await call(emulator, 'POST', '/ecomm/api/v1/token', { body: { merchantId, secretKey, terminalId } });
  expect(res.status).toBe(200);
  return res.json as { accessToken: string; refreshToken: string };
}

describe('POST /ecomm/api/v1/token', () => {
  it('answers the five token fields with the observed lifetimes, a JWT access token, and ignores terminalId', async () => {
    const { emulator } = await setup();
    const { merchantId, secretKey } = emulator.credentials;
    const res = await call(emulator, 'POST', '/ecomm/api/v1/token', { body: { merchantId, secretKey, terminalId: 'ANYTHING' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(res.json!)).toEqual(['accessToken', 'accessTokenExpiresIn', 'refreshToken', 'refreshTokenExpiresIn', 'tokenType']);
    expect(res.json).toMatchObject({ accessTokenExpiresIn: 300, refreshTokenExpiresIn: 432000, tokenType: 'Bearer' });
    const [header, payload, signature] = String(res.json!.accessToken).split('.');
    expect(signature).toBeTruthy();
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toMatchObject({ alg: 'HS256', typ: 'JWT' });
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { exp: number; iat: number; sub: string };
    expect(claims.sub).toBe(merchantId);
    expect(claims.exp - claims.iat).toBe(300);
  });

  it('refuses wrong credentials with 401 and never echoes the secret', async () => {
    const { emulator } = await setup();
    const wrong = await call(emulator, 'POST', '/ecomm/api/v1/token', { body: { merchantId: emulator.credentials.merchantId, secretKey: 'not-the-secret' } });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ errorCode: '1', errorMessage: 'Invalid merchantId or secretKey.' });
    const numeric = await call(emulator, 'POST', '/ecomm/api/v1/token', { body: { merchantId: emulator.credentials.merchantId, secretKey: 123456789 } });
    expect(numeric.status).toBe(400);
    expect(numeric.text).not.toContain('123456789');
  });

  it('answers missing fields and broken JSON with the observed 400 shape', async () => {
    const { emulator } = await setup();
    const missing = await call(emulator, 'POST', '/ecomm/api/v1/token', { body: { merchantId: emulator.credentials.merchantId } });
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ errorCode: '1', errorMessage: "Field 'secretKey' with value 'null' failed validation, reason - secretKey is required." });
    const broken = await call(emulator, 'POST', '/ecomm/api/v1/token', { body: '{"merchantId":' });
    expect(broken.status).toBe(400);
    expect(broken.json!.errorCode).toBe('1');
    expect(broken.json!.errorMessage).toMatch(/JSON/);
    const empty = await call(emulator, 'POST', '/ecomm/api/v1/token');
    expect(empty.status).toBe(400);
    expect(empty.json!.errorMessage).toMatch(/body is missing/);
  });
});

describe('bearer checks', () => {
  it('answers a missing, malformed, foreign or refresh-as-access token with 401 and an empty body', async () => {
    const { emulator } = await setup();
    const other = (await setup()).emulator;
    const mine = await issueTokens(emulator);
    const foreign = await issueTokens(other);
    const cases: Array<string | undefined> = [
      undefined,
      'Bearer',
      'Bearer not-a-jwt',
      `Basic ${Buffer.from('a:b').toString('base64')}`,
      `Bearer ${mine.refreshToken}`,
      `Bearer ${foreign.accessToken}`,
      `Bearer ${mine.accessToken.slice(0, -2)}xx`,
    ];
    for (const auth of cases) {
      for (const path of ['/ecomm/api/v1/public-key', '/ecomm/api/v1/payment/abc']) {
        const res = await call(emulator, 'GET', path, { auth });
        expect(res.status, `${path} with ${auth}`).toBe(401);
        expect(res.text, `${path} with ${auth}`).toBe('');
      }
      const pay = await call(emulator, 'POST', '/ecomm/api/v1/pay', { auth, body: {} });
      expect([pay.status, pay.text]).toEqual([401, '']);
    }
    expect((await call(emulator, 'GET', '/ecomm/api/v1/public-key', { auth: `bearer ${mine.accessToken}` })).status).toBe(200);
  });

  it('expires access tokens after the configured lifetime, and refresh gives a working pair', async () => {
    const { emulator } = await setup({ accessTokenSeconds: 2 });
    const tokens = await issueTokens(emulator);
    const auth = `Bearer ${tokens.accessToken}`;
    expect((await call(emulator, 'GET', '/ecomm/api/v1/public-key', { auth })).status).toBe(200);
    const expired = await waitFor(async () => {
      const res = await call(emulator, 'GET', '/ecomm/api/v1/public-key', { auth });
      return res.status === 401 ? res : null;
    }, { timeoutMs: 5000, intervalMs: 100 });
    expect(expired.text).toBe('');
    const refreshed = await call(emulator, 'POST', '/ecomm/api/v1/token/refresh', { body: { refreshToken: tokens.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json).toMatchObject({ accessTokenExpiresIn: 2, refreshTokenExpiresIn: 432000, tokenType: 'Bearer' });
    expect(refreshed.json!.accessToken).not.toBe(tokens.accessToken);
    expect((await call(emulator, 'GET', '/ecomm/api/v1/public-key', { auth: `Bearer ${refreshed.json!.accessToken}` })).status).toBe(200);
  });

  it('refuses a bad, expired or access-token refresh and asks for the field when it is missing', async () => {
    const { emulator } = await setup({ refreshTokenSeconds: 1 });
    const tokens = await issueTokens(emulator);
    const asAccess = await call(emulator, 'POST', '/ecomm/api/v1/token/refresh', { body: { refreshToken: tokens.accessToken } });
    expect([asAccess.status, asAccess.text]).toEqual([401, '']);
    const garbage = await call(emulator, 'POST', '/ecomm/api/v1/token/refresh', { body: { refreshToken: 'garbage' } });
    expect([garbage.status, garbage.text]).toEqual([401, '']);
    const missing = await call(emulator, 'POST', '/ecomm/api/v1/token/refresh', { body: {} });
    expect(missing.status).toBe(400);
    expect(missing.json!.errorMessage).toBe("Field 'refreshToken' with value 'null' failed validation, reason - refreshToken is required.");
    await waitFor(async () => (await call(emulator, 'POST', '/ecomm/api/v1/token/refresh', { body: { refreshToken: tokens.refreshToken } })).status === 401, { timeoutMs: 4000, intervalMs: 100 });
  });
});

describe('documented error style', () => {
  it('answers 401s and credential errors with {error:{code,message,requestId}}', async () => {
    const { emulator } = await setup({ errorStyle: 'documented', accessTokenSeconds: 1 });
    const missing = await call(emulator, 'GET', '/ecomm/api/v1/public-key');
    expect(missing.status).toBe(401);
    expect(missing.json!.error).toMatchObject({ code: 'INVALID_TOKEN' });
    expect(missing.json!.error.message).toMatch(/Authorization/);
    expect(missing.json!.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const credentials = await call(emulator, 'POST', '/ecomm/api/v1/token', { body: { merchantId: 'x', secretKey: 'y' } });
    expect(credentials.status).toBe(401);
    expect(credentials.json!.error.code).toBe('INVALID_CREDENTIALS');
    const validation = await call(emulator, 'POST', '/ecomm/api/v1/token', { body: {} });
    expect(validation.status).toBe(400);
    expect(validation.json!.error).toMatchObject({ code: 'INVALID_REQUEST', message: "Field 'merchantId' with value 'null' failed validation, reason - merchantId is required." });
    const tokens = await issueTokens(emulator);
    const expired = await waitFor(async () => {
      const res = await call(emulator, 'GET', '/ecomm/api/v1/public-key', { auth: `Bearer ${tokens.accessToken}` });
      return res.status === 401 ? res : null;
    }, { timeoutMs: 4000, intervalMs: 100 });
    expect(expired.json!.error.code).toBe('TOKEN_EXPIRED');
  });
});

describe('public key', () => {
  it('serves {publicKey} as base64 DER SPKI of an RSA-2048 key; the old /api/v1 path answers 500', async () => {
    const { emulator } = await setup();
    const { accessToken } = await issueTokens(emulator);
    const res = await call(emulator, 'GET', '/ecomm/api/v1/public-key', { auth: `Bearer ${accessToken}` });
    expect(res.status).toBe(200);
    expect(Object.keys(res.json!)).toEqual(['publicKey']);
    expect(res.json!.publicKey).toBe(emulator.publicKeyBase64);
    expect(res.text).not.toMatch(/PRIVATE/);
    const key = readPublicKey(res.json!.publicKey as string, 'emulator');
    expect(key.key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const old = await call(emulator, 'GET', '/api/v1/public-key', { auth: `Bearer ${accessToken}` });
    expect(old.status).toBe(500);
    expect(old.json!.errorCode).toBe('1');
    expect(old.json!.errorMessage).toMatch(/\/ecomm\/api\/v1\/public-key/);
    expect((await call(emulator, 'GET', '/api/v1/public-key')).status).toBe(401);
  });

  it('answers unknown paths with 404 naming the endpoints that exist', async () => {
    const { emulator } = await setup();
    const res = await call(emulator, 'GET', '/ecomm/api/v2/pay');
    expect(res.status).toBe(404);
    expect(res.json!.errorMessage).toMatch(/POST \/ecomm\/api\/v1\/pay/);
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});
