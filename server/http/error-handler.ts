// The one Express error handler: HttpError and body-parser failures become {error:{code,message}}; crashes are logged.

import type { ErrorRequestHandler } from 'express';
import { HttpError } from './http-error.ts';

export function createErrorHandler(log?: (line: string) => void): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    const status = error instanceof HttpError ? error.status : typeof error?.status === 'number' && error.status < 500 ? error.status : 500;
    const code = error instanceof HttpError ? error.code : error?.type === 'entity.parse.failed' ? 'bad_json' : status === 413 ? 'too_large' : status < 500 ? 'bad_request' : 'internal';
    const message = error instanceof HttpError ? error.message
      : code === 'bad_json' ? 'The body is not valid JSON.'
      : status < 500 ? String(error?.message ?? 'Bad request.')
      : 'miahook hit an unexpected error; the terminal shows the details.';
    if (status >= 500) log?.(`http: ${error?.stack ?? String(error)}`);
    res.status(status).json({ error: { code, message } });
  };
}
