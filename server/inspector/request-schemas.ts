// The inspector API's request shapes: what each JSON body and query string may hold, checked before the model runs.

import { PRESET_NAMES } from '../replay/presets.ts';
import { field, optional, queryField } from '../http/schema.ts';

const text = () => optional(field.string());

export const REPLAY_BODY = {
  target: optional(field.string('a URL string')),
  body: optional(field.string('the edited body as text')),
  headers: optional(field.headerPairs()),
  preset: optional(field.oneOf(PRESET_NAMES)),
  resign: optional(field.boolean()),
};

export const NEW_PAYMENT_BODY = {
  /** Its range (> 0) is the payment service's rule, with its own message. */
  amount: field.number('a number, e.g. 12.5'),
  terminalId: text(),
  orderId: text(),
  currency: text(),
  payDescription: text(),
  language: optional(field.oneOf(['ro', 'ru', 'en'] as const)),
  paymentType: optional(field.oneOf(['qr', 'rtp'] as const)),
  clientName: text(),
  clientPhone: text(),
  clientEmail: text(),
  callbackUrl: optional(field.string('a URL string')),
  successUrl: optional(field.string('a URL string')),
  failUrl: optional(field.string('a URL string')),
};

export const SIMULATE_BODY = { status: field.string('a status such as "SUCCESS"') };

/** `target: null` (or absent) turns forwarding off. */
export const FORWARDING_BODY = { target: optional(field.string('a URL string, or null to stop forwarding')) };

export const SHARE_BODY = { ttlSeconds: optional(field.number('a number of seconds')) };

export const CHECK_BODY = {
  handlerUrl: field.string('the URL where your app receives miaPOS callbacks'),
  paymentId: text(),
  timing: optional(field.object({ warnMs: optional(field.number('a number of milliseconds')), failMs: optional(field.number('a number of milliseconds')) })),
};

export const EXPORT_QUERY = { format: queryField.oneOf(['har', 'json'] as const) };
export const IMPORT_QUERY = { source: queryField.text(), force: queryField.oneOf(['1', 'true', '0', 'false'] as const) };
