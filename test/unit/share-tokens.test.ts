import { describe, expect, it } from 'vitest';
import { createShareTokens } from '../../server/share/share-tokens.ts';

describe('share tokens', () => {
  it('accepts a fresh token and refuses it once expired', async () => {
    let now = Date.parse('2026-11-26T10:00:00Z');
    const tokens = createShareTokens(() => now);
    const { token, expiresAt } = await tokens.issue(7200);
    expect(expiresAt.toISOString()).toBe('2026-11-26T12:00:00.000Z');
    expect(await tokens.verify(token)).toEqual({ expiresAt: expiresAt.getTime(), captureId: null });
    now += 7200 * 1000 + 1000;
    expect(await tokens.verify(token)).toBeNull();
  });

  it('refuses tampered tokens, tokens of another instance and revoked ones', async () => {
    const tokens = createShareTokens();
    const other = createShareTokens();
    const { token } = await tokens.issue(600);
    const [head, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { iss: string; aud: string; jti: string; exp: number };
    expect(claims).toMatchObject({ iss: 'miahook', aud: 'miahook-share' });
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    const longer = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 1e6 })).toString('base64url');
    expect(await tokens.verify(`${head}.${longer}.${signature}`)).toBeNull();
    expect(await tokens.verify(`${head}.${payload}.${signature}x`)).toBeNull();
    expect(await tokens.verify('../../etc/passwd')).toBeNull();
    expect(await other.verify(token)).toBeNull();
    tokens.revokeAll();
    expect(await tokens.verify(token)).toBeNull();
  });

  it('scopes a one-capture token to its capture, and a forged scope fails the signature', async () => {
    const tokens = createShareTokens();
    const { token, expiresAt } = await tokens.issue(600, 'cap-1');
    expect(await tokens.verify(token)).toEqual({ expiresAt: expiresAt.getTime(), captureId: 'cap-1' });
    const [head, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims.cap).toBe('cap-1');
    const widened = Buffer.from(JSON.stringify({ ...claims, cap: undefined })).toString('base64url');
    expect(await tokens.verify(`${head}.${widened}.${signature}`)).toBeNull();
    const other = Buffer.from(JSON.stringify({ ...claims, cap: 'cap-2' })).toString('base64url');
    expect(await tokens.verify(`${head}.${other}.${signature}`)).toBeNull();
  });

  it('keeps lifetimes between a minute and a week', async () => {
    const tokens = createShareTokens();
    await expect(tokens.issue(10)).rejects.toThrow(/between 60 and 604800/);
    await expect(tokens.issue(Number.NaN)).rejects.toThrow(RangeError);
  });
});
