// Access and refresh tokens of the emulated miaPOS API: HS256 JWTs (jose) under a secret kept in the data dir (0600).

import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { SignJWT, errors, jwtVerify } from 'jose';
import type { TokenResponse } from '../../shared/protocol.ts';
import { createPrivateFile, readPrivateFile } from './data-files.ts';
import { tokenError } from './errors.ts';

const ISSUER = 'miahook-emulator';
const AUDIENCE = 'miapos-ecomm';

export interface TokenIssuer {
  /** A fresh access + refresh token pair for the merchant. */
  issue(): Promise<TokenResponse>;
  /** A new pair from a refresh token; throws a 401 MiaposError when it is invalid or expired. */
  refresh(refreshToken: string): Promise<TokenResponse>;
  /** Checks an `Authorization` header value; throws a 401 MiaposError unless it carries a valid access token. */
  checkBearer(header: string | undefined): Promise<void>;
}

export interface TokenIssuerOptions {
  secret: Uint8Array;
  merchantId: string;
  accessSeconds: number;
  refreshSeconds: number;
}

/** Reads `<dir>/token-secret`, or makes a 32-byte secret and writes it (mode 0600), so tokens survive restarts. */
export async function loadOrCreateTokenSecret(dir: string): Promise<Uint8Array> {
  const path = join(dir, 'token-secret');
  const text = await readPrivateFile(path);
  if (text !== null && text.trim().length >= 43) return Buffer.from(text.trim(), 'base64url');
  if (text !== null) throw new Error(`${path} is too short to be a token secret. Delete it (issued tokens will stop working).`);
  const secret = randomBytes(32);
  await createPrivateFile(path, secret.toString('base64url'));
  return secret;
}

export function createTokenIssuer(options: TokenIssuerOptions): TokenIssuer {
  const sign = (use: 'access' | 'refresh', seconds: number) =>
    new SignJWT({ use })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(options.merchantId)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + seconds)
      .sign(options.secret);

  const issue = async (): Promise<TokenResponse> => ({
    accessToken: await sign('access', options.accessSeconds),
    accessTokenExpiresIn: options.accessSeconds,
    refreshToken: await sign('refresh', options.refreshSeconds),
    refreshTokenExpiresIn: options.refreshSeconds,
    tokenType: 'Bearer',
  });

  const check = async (token: string, use: 'access' | 'refresh', what: string): Promise<void> => {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, options.secret, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw tokenError('TOKEN_EXPIRED', `The ${what} has expired.`);
      throw tokenError('INVALID_TOKEN', `The ${what} is not valid (not issued by this emulator, or damaged).`);
    }
    if (payload.use !== use) throw tokenError('INVALID_TOKEN', `A ${String(payload.use)} token was sent where the ${what} was expected.`);
    if (payload.sub !== options.merchantId) throw tokenError('INVALID_TOKEN', `The ${what} belongs to another merchant.`);
  };

  return {
    issue,
    async refresh(refreshToken) {
      await check(refreshToken, 'refresh', 'refresh token');
      return issue();
    },
    async checkBearer(header) {
      if (!header) throw tokenError('INVALID_TOKEN', 'The Authorization header is missing: send "Authorization: Bearer <accessToken>".');
      const match = /^Bearer[ ]+([A-Za-z0-9_.-]+)\s*$/i.exec(header);
      if (!match) throw tokenError('INVALID_TOKEN', 'The Authorization header is not "Bearer <accessToken>".');
      await check(match[1]!, 'access', 'access token');
    },
  };
}
