// Errors of the emulator: miaPOS API errors (rendered in the observed or documented shape) and control-route errors.

import { randomUUID } from 'node:crypto';

export type ErrorStyle = 'observed' | 'documented';

/** Documented error codes (the guide's list plus the ones the emulator needs for the other cases). */
export type MiaposErrorCode =
  | 'INVALID_TOKEN'
  | 'TOKEN_EXPIRED'
  | 'INVALID_CREDENTIALS'
  | 'INVALID_REQUEST'
  | 'INVALID_AMOUNT'
  | 'UNKNOWN_TERMINAL'
  | 'WRONG_TERMINAL_TYPE'
  | 'UNKNOWN_PAYMENT'
  | 'NOT_FOUND'
  | 'PAYLOAD_TOO_LARGE'
  | 'INTERNAL_ERROR';

/** An error of the miaPOS API itself. `emptyWhenObserved`: the real service answers with no body (401s). */
export class MiaposError extends Error {
  constructor(
    readonly status: number,
    readonly code: MiaposErrorCode,
    message: string,
    readonly emptyWhenObserved = false,
  ) {
    super(message);
    this.name = 'MiaposError';
  }
}

/** The observed "Field 'x' with value 'y' failed validation, reason - z." error. */
export function fieldError(field: string, value: unknown, reason: string, code: MiaposErrorCode = 'INVALID_REQUEST'): MiaposError {
  return new MiaposError(400, code, `Field '${field}' with value '${describeValue(value)}' failed validation, reason - ${reason}.`);
}

/** A 401 for a missing, malformed, expired or foreign token (empty body in the observed style). */
export function tokenError(code: 'INVALID_TOKEN' | 'TOKEN_EXPIRED', message: string): MiaposError {
  return new MiaposError(401, code, message, true);
}

/** Renders a miaPOS error as status + JSON text ('' for the observed empty 401 body). */
export function renderMiaposError(error: MiaposError, style: ErrorStyle): { status: number; body: string } {
  if (style === 'documented') {
    return { status: error.status, body: JSON.stringify({ error: { code: error.code, message: error.message, requestId: randomUUID() } }) };
  }
  if (error.emptyWhenObserved) return { status: error.status, body: '' };
  return { status: error.status, body: JSON.stringify({ errorCode: '1', errorMessage: error.message }) };
}

export type EmulatorErrorCode = 'UNKNOWN_PAYMENT' | 'INVALID_STATUS' | 'ILLEGAL_TRANSITION' | 'INVALID_FAULTS' | 'INVALID_REQUEST' | 'UNSUPPORTED_MEDIA_TYPE' | 'FORBIDDEN_ORIGIN' | 'NOT_FOUND';

/** An error of the emulator's own control surface (control routes, checkout page, setOutcome). */
export class EmulatorError extends Error {
  constructor(
    readonly status: number,
    readonly code: EmulatorErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EmulatorError';
  }
}

/** The `{error:{code,message}}` body of a control-route error. */
export function renderEmulatorError(error: EmulatorError): { status: number; body: string } {
  return { status: error.status, body: JSON.stringify({ error: { code: error.code, message: error.message } }) };
}

function describeValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
