// The body as parsed JSON for the inspector's tree view, or null with a note when it is too deep or too big to show as one.

/** Deeper than this, a tree is unreadable and JSON.stringify of it could overflow the stack: shown as text. */
export const MAX_DISPLAY_DEPTH = 64;
/** Bigger than this, the tree view would stall the browser: shown as text. */
export const MAX_DISPLAY_BYTES = 1024 * 1024;

export interface DisplayJson {
  /** The parsed body, or null (not JSON, or shown as text for the reason in `note`). */
  json: unknown;
  /** Why a JSON body is shown as raw text instead of a tree. */
  note: string | null;
}

export function readDisplayJson(body: Buffer): DisplayJson {
  if (body.length > MAX_DISPLAY_BYTES) {
    return { json: null, note: `The body is ${body.length} bytes, over ${MAX_DISPLAY_BYTES}: it is shown as raw text, not as a tree.` };
  }
  const depth = measureDepth(body);
  if (depth > MAX_DISPLAY_DEPTH) {
    return { json: null, note: `The body nests ${depth} levels deep (over ${MAX_DISPLAY_DEPTH}): it is shown as raw text, not as a tree.` };
  }
  try {
    return { json: JSON.parse(body.toString('utf8')) as unknown, note: null };
  } catch {
    return { json: null, note: null };
  }
}

/** Deepest nesting of [ and { outside strings, in one pass without recursion. */
function measureDepth(body: Buffer): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i]!;
    if (inString) {
      if (byte === 0x5c) i++;
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x5b || byte === 0x7b) {
      depth++;
      if (depth > max) max = depth;
    } else if (byte === 0x5d || byte === 0x7d) {
      depth--;
    }
  }
  return max;
}
