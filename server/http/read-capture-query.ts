// Reads the capture list's query string (limit, before, q, channel, status, verdict), refusing bad values clearly.

import type { Request } from 'express';
import type { CaptureListQuery } from '../inspector/inspector-model.ts';
import { HttpError } from './http-error.ts';

export function readCaptureQuery(req: Request): CaptureListQuery {
  const q = req.query;
  const number = (value: unknown, name: string) => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new HttpError(400, 'bad_query', `${name} must be a whole number >= 0.`);
    return n;
  };
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const verdict = text(q.verdict);
  if (verdict && !['valid', 'invalid', 'unverifiable'].includes(verdict)) throw new HttpError(400, 'bad_query', 'verdict must be valid, invalid or unverifiable.');
  return {
    limit: number(q.limit, 'limit'),
    before: number(q.before, 'before'),
    q: text(q.q),
    channel: text(q.channel),
    status: text(q.status),
    verdict: verdict as CaptureListQuery['verdict'],
  };
}
