// The one place that talks HTTP to the inspector API: adds the bearer token, reads `{error:{code,message}}` answers.

import type { Session } from './session.ts';

/** An API call that failed, with a message fit to show as is. */
export class ApiRequestError extends Error {
  constructor(message: string, readonly status: number, readonly code: string) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

let session: Session | null = null;
let onUnauthorized: (message: string) => void = () => {};

/** Sets who calls the API, and what to do when the server refuses the token or the share link. */
export function configureApi(next: Session, unauthorized: (message: string) => void): void {
  session = next;
  onUnauthorized = unauthorized;
}

export function currentSession(): Session {
  if (!session) throw new Error('The API is used before the session was read.');
  return session;
}

/** Calls `/api<path>` and returns the parsed JSON answer; throws ApiRequestError with a readable message. */
export async function requestJson<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, body);
  const text = await response.text();
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiRequestError(`miahook answered ${method} ${path} with something that is not JSON.`, response.status, 'bad_answer');
  }
}

/** Calls `/api<path>` and returns the body as a Blob (downloads). */
export async function requestBlob(path: string): Promise<Blob> {
  const response = await send('GET', path);
  return response.blob();
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  const current = currentSession();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (current.kind === 'owner') headers.authorization = `Bearer ${current.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`${current.base}/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch {
    throw new ApiRequestError('miahook is not answering. Is it still running in your terminal?', 0, 'network');
  }
  if (response.ok) return response;
  const error = await readError(response, method, path);
  if (response.status === 401 || (current.kind === 'share' && response.status === 403 && error.code !== 'read_only')) onUnauthorized(error.message);
  throw error;
}

async function readError(response: Response, method: string, path: string): Promise<ApiRequestError> {
  const text = await response.text().catch(() => '');
  let code = `http_${response.status}`;
  let message = '';
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (parsed.error) {
      code = String(parsed.error.code ?? code);
      message = String(parsed.error.message ?? '');
    }
  } catch {
    message = text.trim().slice(0, 300);
  }
  if (response.status === 404 && code === 'not_found') {
    message = `This miahook does not offer ${method} /api${path.split('?')[0]} yet (${message || 'no such route'}).`;
  }
  if (!message) message = `${method} /api${path} failed with HTTP ${response.status}.`;
  return new ApiRequestError(message, response.status, code);
}
