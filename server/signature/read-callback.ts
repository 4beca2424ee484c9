// Reads a callback body far enough to know what is signed, or says exactly what is wrong with it.

import { getRawField, parseRawJson, type RawJson, type RawJsonObject } from '../../shared/raw-json.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** Sorting and re-trying variants over thousands of keys would let one request hold the event loop. */
export const MAX_RESULT_FIELDS = 256;

/** A callback body read far enough to know what is signed. */
export interface ParsedCallback {
  text: string;
  result: RawJsonObject;
  signature: string;
}

/** Reads body -> JSON -> {result, signature}; or says exactly what is wrong with it. */
export type CallbackReading = ParsedCallback | { problem: string };

export function readCallback(body: Uint8Array | string): CallbackReading {
  let text: string;
  if (typeof body === 'string') {
    text = body;
  } else {
    if (body.length === 0) return { problem: 'The body is empty: a miaPOS callback is a JSON object {result, signature}.' };
    try {
      text = utf8.decode(body);
    } catch {
      return { problem: 'The body is not UTF-8 text (binary bytes): a miaPOS callback is JSON.' };
    }
  }
  if (text.trim() === '') return { problem: 'The body is empty: a miaPOS callback is a JSON object {result, signature}.' };
  let root: RawJson;
  try {
    root = parseRawJson(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    return { problem: `The body is not JSON (${(error as Error).message}).` };
  }
  if (root.kind !== 'object') return { problem: `The body is a JSON ${root.kind}, not an object {result, signature}.` };
  const result = getRawField(root, 'result');
  if (!result) return { problem: 'The body has no "result" object, so there is nothing signed.' };
  if (result.kind !== 'object') return { problem: `"result" is a ${result.kind}, not an object.` };
  if (result.entries.length > MAX_RESULT_FIELDS) {
    return { problem: `"result" has ${result.entries.length} fields; a miaPOS callback has about ten, so it is not verified (over ${MAX_RESULT_FIELDS}).` };
  }
  const signature = getRawField(root, 'signature');
  if (!signature) return { problem: 'The body has no "signature" field.' };
  if (signature.kind !== 'string') return { problem: `"signature" is a ${signature.kind}, not a base64 string.` };
  return { text, result, signature: signature.value };
}
