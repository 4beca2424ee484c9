// Other ways to write a payment's amount in JSON that keep its value: 12.50 as 12.5, 100.00 as 100 (or 100.0).

/** "12.50" -> "12.5", "100.00" -> "100.0"; null when the amount needs two decimals ("12.34"). */
export function writeOneDecimal(twoDecimals: string): string | null {
  const match = /^(-?\d+)\.(\d)(\d)$/.exec(twoDecimals);
  if (!match || match[3] !== '0') return null;
  return `${match[1]}.${match[2]}`;
}

/** "100.00" -> "100"; null when the amount has cents ("12.50"). */
export function writeNoDecimals(twoDecimals: string): string | null {
  const match = /^(-?\d+)\.00$/.exec(twoDecimals);
  return match ? match[1]! : null;
}
