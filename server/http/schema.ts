// A small schema reader for API input (JSON bodies and query strings): every field's type is checked and a
// wrong one is a 400 naming the field and what it must be. Ours rather than a validator package: the routes
// have a dozen flat fields, and zod/valibot would add megabytes to an install that aims at < 20 MB.

import { HttpError } from './http-error.ts';

/** Reads one field's value (never undefined/null: `optional` handles those) or throws with the field named. */
export interface Field<T> {
  read(value: unknown, name: string): T;
  /** Absent (undefined or null) is allowed and reads as undefined. */
  optional?: boolean;
}

type Shape = Record<string, Field<unknown>>;
type Read<S extends Shape> = { [K in keyof S]: S[K] extends Field<infer T> ? (S[K]['optional'] extends true ? T | undefined : T) : never };

export class FieldError extends HttpError {
  constructor(readonly field: string, message: string) {
    super(400, 'invalid_field', message);
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function fail(name: string, what: string, value: unknown): never {
  throw new FieldError(name, `"${name}" must be ${what}, not ${describe(value)}.`);
}

export const field = {
  string(what = 'a string'): Field<string> {
    return { read: (value, name) => (typeof value === 'string' ? value : fail(name, what, value)) };
  },
  number(what = 'a number', test: (n: number) => boolean = Number.isFinite): Field<number> {
    return { read: (value, name) => (typeof value === 'number' && test(value) ? value : fail(name, what, value)) };
  },
  boolean(): Field<boolean> {
    return { read: (value, name) => (typeof value === 'boolean' ? value : fail(name, 'true or false', value)) };
  },
  oneOf<T extends string>(values: readonly T[]): Field<T> {
    const what = `one of ${values.join(', ')}`;
    return { read: (value, name) => (values.includes(value as T) ? (value as T) : fail(name, what, value)) };
  },
  /** Ordered [name, value] string pairs. */
  headerPairs(): Field<Array<[string, string]>> {
    return {
      read(value, name) {
        const ok = Array.isArray(value) && value.every((pair) => Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string' && typeof pair[1] === 'string');
        return ok ? (value as Array<[string, string]>) : fail(name, 'a list of [name, value] string pairs', value);
      },
    };
  },
  object<S extends Shape>(shape: S): Field<Read<S>> {
    return { read: (value, name) => readObject(value, shape, `${name}.`) };
  },
};

export function optional<T>(inner: Field<T>): Field<T> & { optional: true } {
  return { read: inner.read, optional: true };
}

/** Reads a JSON body (absent reads as {}); unknown fields are left out of the result. */
export function readObject<S extends Shape>(input: unknown, shape: S, prefix = ''): Read<S> {
  const body = input === undefined ? {} : input;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new FieldError(prefix.replace(/\.$/, '') || 'body', `${prefix ? `"${prefix.slice(0, -1)}"` : 'The body'} must be a JSON object, not ${describe(body)}.`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(shape)) {
    const value = (body as Record<string, unknown>)[key];
    const name = `${prefix}${key}`;
    if (value === undefined || value === null) {
      if (!spec.optional) throw new FieldError(name, `"${name}" is required.`);
      continue;
    }
    out[key] = spec.read(value, name);
  }
  return out as Read<S>;
}

/** Reads a query string: each parameter once, as text; a parameter the route does not take is a 400 naming it. */
export function readQuery<S extends Record<string, Field<unknown> & { optional: true }>>(query: Record<string, unknown>, shape: S, route: string): Read<S> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) {
    const spec = shape[key];
    if (!spec) throw new FieldError(key, `Query parameter "${key}" is not known: ${route} takes ${Object.keys(shape).join(', ') || 'no parameters'}.`);
    if (typeof value !== 'string') throw new FieldError(key, `Query parameter "${key}" must be given once, as text.`);
    if (value !== '') out[key] = spec.read(value, key);
  }
  return out as Read<S>;
}

/** Query fields arrive as text: these read and convert it. */
export const queryField = {
  text: (): Field<string> & { optional: true } => optional(field.string()),
  wholeNumber: (): Field<number> & { optional: true } => optional({
    read: (value, name) => {
      const n = Number(value);
      return /^\d+$/.test(String(value)) && Number.isSafeInteger(n) ? n : fail(name, 'a whole number >= 0', value);
    },
  }),
  oneOf: <T extends string>(values: readonly T[]): Field<T> & { optional: true } => optional(field.oneOf(values)),
};
