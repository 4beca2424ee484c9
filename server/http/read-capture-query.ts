// Reads the capture list's query string (limit, before, q, channel, status, verdict), refusing bad values,
// repeated parameters and unknown ones (such as "limit[]") with a 400 naming the parameter.

import type { Request } from 'express';
import type { CaptureListQuery } from '../inspector/inspector-model.ts';
import { queryField, readQuery } from './schema.ts';

const CAPTURE_QUERY = {
  limit: queryField.wholeNumber(),
  before: queryField.wholeNumber(),
  q: queryField.text(),
  channel: queryField.text(),
  status: queryField.text(),
  verdict: queryField.oneOf(['valid', 'invalid', 'unverifiable'] as const),
};

export function readCaptureQuery(req: Request): CaptureListQuery {
  return readQuery(req.query as Record<string, unknown>, CAPTURE_QUERY, 'GET /api/captures');
}
