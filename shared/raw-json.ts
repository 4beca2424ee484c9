// A JSON reader that keeps what JSON.parse throws away: number literals as written and keys in received order.

export type RawJson =
  | { kind: 'object'; entries: Array<[string, RawJson]> }
  | { kind: 'array'; items: RawJson[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; raw: string; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' };

export type RawJsonObject = Extract<RawJson, { kind: 'object' }>;

export class JsonSyntaxError extends Error {
  constructor(message: string, readonly position: number) {
    super(`${message} at position ${position}`);
    this.name = 'JsonSyntaxError';
  }
}

const NUMBER_PATTERN = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Parses JSON text strictly (like JSON.parse) into a RawJson tree. Throws JsonSyntaxError. */
export function parseRawJson(text: string): RawJson {
  let pos = 0;

  const fail = (message: string): never => {
    throw new JsonSyntaxError(message, pos);
  };
  const skipSpace = () => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos]!)) pos++;
  };
  const expect = (char: string) => {
    if (text[pos] !== char) fail(`expected '${char}'`);
    pos++;
  };

  const readString = (): string => {
    expect('"');
    let out = '';
    for (;;) {
      const start = pos;
      while (pos < text.length && text[pos] !== '"' && text[pos] !== '\\' && text.charCodeAt(pos) >= 0x20) pos++;
      out += text.slice(start, pos);
      if (pos >= text.length) fail('unterminated string');
      const char = text[pos]!;
      if (char === '"') {
        pos++;
        return out;
      }
      if (char !== '\\') fail('control character in string');
      const escape = text[pos + 1];
      if (escape === 'u') {
        const hex = text.slice(pos + 2, pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
        out += String.fromCharCode(parseInt(hex, 16));
        pos += 6;
      } else if (escape !== undefined && escape in ESCAPES) {
        out += ESCAPES[escape];
        pos += 2;
      } else {
        fail('bad escape');
      }
    }
  };

  const readValue = (depth: number): RawJson => {
    if (depth > 512) fail('nesting too deep');
    skipSpace();
    const char = text[pos];
    if (char === '{') {
      pos++;
      const entries: Array<[string, RawJson]> = [];
      skipSpace();
      if (text[pos] === '}') {
        pos++;
        return { kind: 'object', entries };
      }
      for (;;) {
        skipSpace();
        const key = readString();
        skipSpace();
        expect(':');
        entries.push([key, readValue(depth + 1)]);
        skipSpace();
        if (text[pos] === ',') { pos++; continue; }
        expect('}');
        return { kind: 'object', entries };
      }
    }
    if (char === '[') {
      pos++;
      const items: RawJson[] = [];
      skipSpace();
      if (text[pos] === ']') {
        pos++;
        return { kind: 'array', items };
      }
      for (;;) {
        items.push(readValue(depth + 1));
        skipSpace();
        if (text[pos] === ',') { pos++; continue; }
        expect(']');
        return { kind: 'array', items };
      }
    }
    if (char === '"') return { kind: 'string', value: readString() };
    if (text.startsWith('true', pos)) { pos += 4; return { kind: 'boolean', value: true }; }
    if (text.startsWith('false', pos)) { pos += 5; return { kind: 'boolean', value: false }; }
    if (text.startsWith('null', pos)) { pos += 4; return { kind: 'null' }; }
    NUMBER_PATTERN.lastIndex = pos;
    const match = NUMBER_PATTERN.exec(text);
    if (!match) return fail(pos >= text.length ? 'unexpected end of input' : `unexpected '${char}'`);
    pos += match[0].length;
    return { kind: 'number', raw: match[0], value: Number(match[0]) };
  };

  const value = readValue(0);
  skipSpace();
  if (pos < text.length) fail('unexpected text after the JSON value');
  return value;
}

/** Looks a key up in a RawJson object (the last occurrence wins, as with JSON.parse). */
export function getRawField(object: RawJsonObject, key: string): RawJson | undefined {
  for (let i = object.entries.length - 1; i >= 0; i--) {
    const entry = object.entries[i]!;
    if (entry[0] === key) return entry[1];
  }
  return undefined;
}

/** Builds a RawJson tree from a plain JS value (numbers keep their shortest round-trip text). */
export function toRawJson(value: unknown): RawJson {
  if (value === null || value === undefined) return { kind: 'null' };
  if (typeof value === 'string') return { kind: 'string', value };
  if (typeof value === 'number') return { kind: 'number', raw: String(value), value };
  if (typeof value === 'boolean') return { kind: 'boolean', value };
  if (Array.isArray(value)) return { kind: 'array', items: value.map(toRawJson) };
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]): [string, RawJson] => [k, toRawJson(v)]);
  return { kind: 'object', entries };
}

/** Writes a RawJson tree back as compact JSON text, numbers exactly as they were written. */
export function stringifyRawJson(value: RawJson): string {
  switch (value.kind) {
    case 'object':
      return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${stringifyRawJson(v)}`).join(',')}}`;
    case 'array':
      return `[${value.items.map(stringifyRawJson).join(',')}]`;
    case 'string':
      return JSON.stringify(value.value);
    case 'number':
      return value.raw;
    case 'boolean':
      return String(value.value);
    case 'null':
      return 'null';
  }
}
