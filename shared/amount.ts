// Writes an amount with exactly two decimals, from its JSON text, with decimal (never float) arithmetic.

const DECIMAL_PATTERN = /^(-?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Formats a decimal literal ("1775", "12.5", "1.5e2", "123456789012345.67") with exactly two
 * decimals, rounding half up on the decimal digits. Returns null when the text is not a number.
 */
export function formatAmountText(text: string): string | null {
  const match = DECIMAL_PATTERN.exec(text.trim());
  if (!match) return null;
  const [, sign, intPart, fracPart = '', expPart = '0'] = match;
  const exponent = Number(expPart);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 10_000) return null;
  let digits = intPart! + fracPart;
  let point = intPart!.length + exponent; // where the decimal point sits within `digits`
  // Pad so that there are at least 3 digits after the point and at least 1 before it.
  if (point < 1) {
    digits = '0'.repeat(1 - point) + digits;
    point = 1;
  }
  const needed = point + 3;
  if (digits.length < needed) digits += '0'.repeat(needed - digits.length);
  const kept = digits.slice(0, point + 2);
  const roundUp = Number(digits[point + 2]) >= 5;
  const rounded = roundUp ? incrementDigits(kept) : kept;
  const whole = rounded.slice(0, rounded.length - 2).replace(/^0+(?=\d)/, '');
  const cents = rounded.slice(-2);
  const isZero = /^0*$/.test(whole + cents);
  return `${sign && !isZero ? '-' : ''}${whole}.${cents}`;
}

/** Formats a JS number with two decimals through its shortest round-trip text. */
export function formatAmountNumber(value: number): string | null {
  if (!Number.isFinite(value)) return null;
  return formatAmountText(String(value));
}

function incrementDigits(digits: string): string {
  const chars = digits.split('');
  for (let i = chars.length - 1; i >= 0; i--) {
    if (chars[i] === '9') {
      chars[i] = '0';
    } else {
      chars[i] = String(Number(chars[i]) + 1);
      return chars.join('');
    }
  }
  return `1${chars.join('')}`;
}
