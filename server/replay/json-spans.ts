// Finds where values sit in JSON text, so a callback can be edited surgically (every other byte kept).

/** A value's place in the text: [start, end). */
export interface Span {
  start: number;
  end: number;
}

export interface ObjectSpan extends Span {
  kind: 'object';
  entries: Array<{ key: string; keyStart: number; value: SpanNode }>;
}

export type SpanNode = ObjectSpan | (Span & { kind: 'other'; text: string });

/** Scans JSON text already known to be valid (check it with parseRawJson first). A leading BOM is skipped. */
export function scanJsonSpans(text: string): SpanNode {
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const skipSpace = () => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos]!)) pos++;
  };
  const skipString = () => {
    pos++;
    while (pos < text.length && text[pos] !== '"') pos += text[pos] === '\\' ? 2 : 1;
    pos++;
  };
  const readValue = (): SpanNode => {
    skipSpace();
    const start = pos;
    const char = text[pos];
    if (char === '{') {
      pos++;
      const entries: ObjectSpan['entries'] = [];
      for (;;) {
        skipSpace();
        if (text[pos] === '}') break;
        const keyStart = pos;
        skipString();
        const key = JSON.parse(text.slice(keyStart, pos)) as string;
        skipSpace();
        pos++; // ':'
        entries.push({ key, keyStart, value: readValue() });
        skipSpace();
        if (text[pos] === ',') pos++;
      }
      pos++;
      return { kind: 'object', start, end: pos, entries };
    }
    if (char === '[') {
      pos++;
      for (;;) {
        skipSpace();
        if (text[pos] === ']') break;
        readValue();
        skipSpace();
        if (text[pos] === ',') pos++;
      }
      pos++;
    } else if (char === '"') {
      skipString();
    } else {
      while (pos < text.length && !',}] \t\n\r'.includes(text[pos]!)) pos++;
    }
    return { kind: 'other', start, end: pos, text: text.slice(start, pos) };
  };
  return readValue();
}

/** The last entry with this key (the one JSON.parse and the sign string use). */
export function findEntry(object: ObjectSpan, key: string): ObjectSpan['entries'][number] | undefined {
  for (let i = object.entries.length - 1; i >= 0; i--) {
    if (object.entries[i]!.key === key) return object.entries[i];
  }
  return undefined;
}

/** Applies non-overlapping replacements to text (each over [start, end)). */
export function replaceSpans(text: string, edits: ReadonlyArray<Span & { text: string }>): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}
