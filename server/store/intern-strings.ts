// Shares the strings and key objects that repeat across captures (sender, reason, key, status...), so the index costs less per capture.

import type { CaptureInfo } from '../../shared/records.ts';

const MAX_ENTRIES = 4096;

/** A bounded table of values: the first instance of a value is the one kept (cleared when it fills). */
export function createInterner(): (capture: CaptureInfo) => void {
  const strings = new Map<string, string>();
  const keys = new Map<string, NonNullable<CaptureInfo['verification']['key']>>();
  const share = (value: string): string => {
    const known = strings.get(value);
    if (known !== undefined) return known;
    if (strings.size >= MAX_ENTRIES) strings.clear();
    strings.set(value, value);
    return value;
  };
  return (capture) => {
    capture.method = share(capture.method);
    capture.url = share(capture.url);
    capture.remoteAddress = share(capture.remoteAddress);
    capture.sender = share(capture.sender);
    if (capture.channel !== null) capture.channel = share(capture.channel);
    capture.verification.reason = share(capture.verification.reason);
    const key = capture.verification.key;
    if (key) {
      const known = keys.get(key.fingerprint);
      if (known && known.label === key.label) capture.verification.key = known;
      else {
        if (keys.size >= 64) keys.clear();
        keys.set(key.fingerprint, key);
      }
    }
    const { summary } = capture;
    if (summary.status !== undefined) summary.status = share(summary.status);
    if (summary.currency !== undefined) summary.currency = share(summary.currency);
  };
}
