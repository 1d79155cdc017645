/**
 * Python's `%.*g` and `%.*f` number formatting, digit for digit. JavaScript's toPrecision and
 * toFixed round a tie away from zero ((1.25).toPrecision(2) is "1.3"), while Python rounds the
 * exact binary value half to even ("1.2"), so we round the exact decimal expansion ourselves.
 */

const float = new Float64Array(1);
const bits = new BigUint64Array(float.buffer);

/** The exact value of a finite, non-negative double as `digits × 10^-scale`. */
function exactDecimal(value: number): { digits: bigint; scale: number } {
  float[0] = value;
  const raw = bits[0]!;
  const biasedExponent = Number((raw >> 52n) & 0x7ffn);
  const fraction = raw & ((1n << 52n) - 1n);
  const mantissa = biasedExponent === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biasedExponent === 0 ? 1 : biasedExponent) - 1075;
  if (exponent >= 0) return { digits: mantissa << BigInt(exponent), scale: 0 };
  // m / 2^k = m * 5^k / 10^k
  return { digits: mantissa * 5n ** BigInt(-exponent), scale: -exponent };
}

/** Divides by 10^places, rounding half to even. */
function roundOffDigits(digits: bigint, places: number): bigint {
  if (places <= 0) return digits * 10n ** BigInt(-places);
  const divisor = 10n ** BigInt(places);
  const quotient = digits / divisor;
  const twiceRemainder = 2n * (digits % divisor);
  if (twiceRemainder > divisor || (twiceRemainder === divisor && quotient % 2n === 1n)) return quotient + 1n;
  return quotient;
}

function special(value: number): string | null {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return null;
}

function isNegative(value: number): boolean {
  return value < 0 || Object.is(value, -0);
}

/**
 * Formats like Python's `'%.*g' % (precision, value)`: `precision` significant digits, fixed
 * notation when the decimal exponent is in [-4, precision), else `1.23e+05`; trailing zeros go.
 */
export function formatGeneral(value: number, precision: number): string {
  const name = special(value);
  if (name !== null) return name;
  const significant = Math.max(precision, 1);
  const sign = isNegative(value) ? '-' : '';
  let { digits, scale } = exactDecimal(Math.abs(value));
  let exponent = 0;
  if (digits === 0n) {
    digits = 0n;
  } else {
    const length = digits.toString().length;
    digits = roundOffDigits(digits, length - significant);
    exponent = length - 1 - scale;
    if (digits.toString().length > significant) {
      digits /= 10n; // 999.5 rounded up to 1000: one more digit before the point
      exponent += 1;
    }
  }
  const text = digits.toString().padEnd(significant, '0');
  if (exponent >= -4 && exponent < significant) {
    const fixed = exponent >= 0
      ? `${text.slice(0, exponent + 1).padEnd(exponent + 1, '0')}.${text.slice(exponent + 1)}`
      : `0.${'0'.repeat(-exponent - 1)}${text}`;
    return sign + stripZeros(fixed);
  }
  const mantissa = stripZeros(`${text[0]}.${text.slice(1)}`);
  const power = Math.abs(exponent).toString().padStart(2, '0');
  return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${power}`;
}

/** Formats like Python's `'%.*f' % (decimals, value)`. */
export function formatFixed(value: number, decimals: number): string {
  const name = special(value);
  if (name !== null) return name;
  const sign = isNegative(value) ? '-' : '';
  const { digits, scale } = exactDecimal(Math.abs(value));
  const text = roundOffDigits(digits, scale - decimals).toString().padStart(decimals + 1, '0');
  const point = text.length - decimals;
  return decimals === 0 ? sign + text : `${sign}${text.slice(0, point)}.${text.slice(point)}`;
}

/** Python's `'{:,}'.format(n)` for integers: 1234567 → "1,234,567". */
export function groupThousands(integer: number): string {
  return BigInt(integer).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function stripZeros(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}
