// Fault switches for callback delivery (duplicate, delay, drop, tampered amount), changed at runtime.

import { EmulatorError } from './errors.ts';

export interface Faults {
  /** Send every callback twice. */
  duplicate: boolean;
  /** Wait this long before sending. */
  delayMs: number;
  /** Never send (the delivery is recorded as dropped). */
  drop: boolean;
  /** Change the amount after signing, so the signature no longer matches. */
  tamperAmount: boolean;
}

export const NO_FAULTS: Faults = { duplicate: false, delayMs: 0, drop: false, tamperAmount: false };
const MAX_DELAY_MS = 10 * 60_000;

/** Checks a `POST /_emulator/faults` body (any subset of the switches); throws a 400 EmulatorError. */
export function readFaultsUpdate(body: unknown): Partial<Faults> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new EmulatorError(400, 'INVALID_FAULTS', 'Send a JSON object such as {"duplicate": true, "delayMs": 2000, "drop": false, "tamperAmount": false}.');
  }
  const update: Partial<Faults> = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key === 'duplicate' || key === 'drop' || key === 'tamperAmount') {
      if (typeof value !== 'boolean') throw new EmulatorError(400, 'INVALID_FAULTS', `"${key}" must be true or false.`);
      update[key] = value;
    } else if (key === 'delayMs') {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_DELAY_MS) {
        throw new EmulatorError(400, 'INVALID_FAULTS', `"delayMs" must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS}.`);
      }
      update.delayMs = value;
    } else {
      throw new EmulatorError(400, 'INVALID_FAULTS', `Unknown fault switch "${key}". Known: duplicate, delayMs, drop, tamperAmount.`);
    }
  }
  return update;
}

/** Names the switches that are on, for logs and delivery listings. */
export function listActiveFaults(faults: Faults): string[] {
  const active: string[] = [];
  if (faults.drop) active.push('drop');
  if (faults.delayMs > 0) active.push(`delay ${faults.delayMs} ms`);
  if (faults.duplicate) active.push('duplicate');
  if (faults.tamperAmount) active.push('tamperAmount');
  return active;
}
