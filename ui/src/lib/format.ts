// Formatting for display: times, amounts, sizes, durations.

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/** HH:MM:SS for today's times, with the day in front otherwise. */
export function formatTime(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const sameDay = date.toDateString() === now.toDateString();
  return sameDay ? timeFormat.format(date) : `${date.getMonth() + 1}/${date.getDate()} ${timeFormat.format(date)}`;
}

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTimeFormat.format(date);
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** A JS number amount with two decimals (the registered amount of a payment). */
export function formatMoney(amount: number, currency: string): string {
  return `${amount.toFixed(2)} ${currency}`;
}

export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

/** Groups a fingerprint in blocks of four for reading aloud, shortened unless `full`. */
export function formatFingerprint(hex: string, full = false): string {
  const shown = full ? hex : hex.slice(0, 16);
  return (shown.match(/.{1,4}/g) ?? []).join(' ') + (full || hex.length <= 16 ? '' : ' …');
}
