// Read-only share links: JWTs (issuer, audience, expiry, id, and for a one-capture link the capture id) signed with a
// per-instance key. Revoking every link at once replaces the key, so no list of issued tokens is kept and none survives a restart.

import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

const ISSUER = 'miahook';
const AUDIENCE = 'miahook-share';
const MAX_TTL_SECONDS = 7 * 24 * 3600;

/** What a valid token allows: until when (ms since epoch), and the one capture it shows (null: every capture). */
export interface ShareGrant {
  expiresAt: number;
  captureId: string | null;
}

export interface ShareTokens {
  /** Issues a token valid for `ttlSeconds`, for every capture or for `captureId` alone. */
  issue(ttlSeconds: number, captureId?: string): Promise<{ token: string; expiresAt: Date }>;
  /** For a token this instance issued, not expired, not revoked: what it grants; else null. */
  verify(token: string): Promise<ShareGrant | null>;
  revokeAll(): void;
}

export function createShareTokens(now: () => number = Date.now): ShareTokens {
  let key = randomBytes(32);
  return {
    async issue(ttlSeconds, captureId) {
      const seconds = Math.floor(ttlSeconds);
      if (!Number.isFinite(seconds) || seconds < 60 || seconds > MAX_TTL_SECONDS) {
        throw new RangeError(`ttlSeconds must be between 60 and ${MAX_TTL_SECONDS} (7 days).`);
      }
      const issuedAt = Math.floor(now() / 1000);
      const token = await new SignJWT(captureId === undefined ? {} : { cap: captureId })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setJti(randomUUID())
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + seconds)
        .sign(key);
      return { token, expiresAt: new Date((issuedAt + seconds) * 1000) };
    },
    async verify(token) {
      if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) return null;
      try {
        const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], requiredClaims: ['exp', 'jti'], currentDate: new Date(now()) });
        if (payload.cap !== undefined && typeof payload.cap !== 'string') return null;
        return { expiresAt: payload.exp! * 1000, captureId: payload.cap ?? null };
      } catch {
        return null;
      }
    },
    revokeAll() {
      key = randomBytes(32);
    },
  };
}
