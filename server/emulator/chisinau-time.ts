// Formats instants as miaPOS paymentDate: Chisinau local time (Europe/Chisinau) without an offset, e.g. 2026-10-05T22:13:42.

const FORMAT = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Chisinau',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** The wall-clock time in Chisinau at `date`, as `YYYY-MM-DDTHH:mm:ss`. */
export function formatChisinauTime(date: Date): string {
  const parts: Record<string, string> = {};
  for (const part of FORMAT.formatToParts(date)) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}
