// The emulator's merchant credentials (merchantId, secretKey, QR and RTP terminal ids): made once, kept in the data dir (0600).

import { randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';
import { createPrivateFile, readPrivateFile } from './data-files.ts';

export interface EmulatorCredentials {
  merchantId: string;
  secretKey: string;
  /** The QR (ecomm) terminal. */
  terminalId: string;
  /** The Request-to-Pay terminal. */
  rtpTerminalId: string;
}

const FIELDS = ['merchantId', 'secretKey', 'terminalId', 'rtpTerminalId'] as const;

/** Reads `<dir>/credentials.json`, or makes new credentials and writes it (mode 0600). */
export async function loadOrCreateCredentials(dir: string): Promise<EmulatorCredentials> {
  const path = join(dir, 'credentials.json');
  const text = await readPrivateFile(path);
  if (text !== null) return parseCredentials(text, path);
  const credentials = makeCredentials();
  await createPrivateFile(path, `${JSON.stringify(credentials, null, 2)}\n`);
  return credentials;
}

function makeCredentials(): EmulatorCredentials {
  const digits = () => String(randomInt(0, 10_000)).padStart(4, '0');
  const terminalId = `TRMW${digits()}`;
  let rtpTerminalId = `TRMR${digits()}`;
  while (rtpTerminalId.slice(4) === terminalId.slice(4)) rtpTerminalId = `TRMR${digits()}`;
  return {
    merchantId: `EMU${randomBytes(4).toString('hex').toUpperCase()}`,
    secretKey: randomBytes(24).toString('base64url'),
    terminalId,
    rtpTerminalId,
  };
}

function parseCredentials(text: string, path: string): EmulatorCredentials {
  const fail = (why: string): never => {
    throw new Error(`${path} is not usable (${why}). Fix it, or delete it to make new emulator credentials (then update the secretKey your app uses).`);
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail('not JSON');
  }
  if (!value || typeof value !== 'object') return fail('not an object');
  const record = value as Record<string, unknown>;
  const out: Partial<EmulatorCredentials> = {};
  for (const field of FIELDS) {
    const item = record[field];
    if (typeof item !== 'string' || item === '') return fail(`"${field}" is missing`);
    out[field] = item;
  }
  return out as EmulatorCredentials;
}
