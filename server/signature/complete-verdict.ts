// Gives a stored verdict back its canonical string and fields, computed again from the body (they are never stored).

import { buildSignFields, joinSignFields } from '../../shared/sign-string.ts';
import type { StoredVerdict, Verdict } from '../../shared/verdict.ts';
import { readCallback } from './read-callback.ts';

export function completeVerdict(stored: StoredVerdict, body: Uint8Array): Verdict {
  const read = readCallback(body);
  if ('problem' in read) return { ...stored, canonical: null, fields: [] };
  const fields = buildSignFields(read.result);
  return { ...stored, canonical: joinSignFields(fields), fields };
}
