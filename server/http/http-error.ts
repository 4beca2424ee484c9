// A failure with an HTTP status and a machine code, thrown by domain code and answered as {error:{code,message}}.

export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'HttpError';
  }
}
