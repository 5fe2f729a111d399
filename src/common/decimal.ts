/**
 * Exact decimal arithmetic for money in yuan (元), using BigInt internally — no JS floats.
 *
 * Values travel as canonical decimal strings: optional `-`, no leading zeros, no trailing
 * fraction zeros, no `-0` (e.g. `"710000000"`, `"1234.5"`, `"0.01"`, `"-3"`).
 */

/** Thrown for malformed or out-of-range decimal input; the message names the failed rule. */
export class DecimalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecimalError';
  }
}

/** Units an amount in yuan can be expressed in. */
export type YuanUnit = 'YUAN' | 'WAN' | 'YI';

/** Power of ten of each unit relative to yuan. */
const UNIT_EXPONENT: Record<YuanUnit, number> = { YUAN: 0, WAN: 4, YI: 8 };
const SUFFIX_EXPONENT: Record<string, number> = { 元: 0, 万: 4, 万元: 4, 亿: 8, 亿元: 8 };

/** Maximum accepted raw input length for {@link parseYuan}. */
const MAX_INPUT_LENGTH = 40;

/** A decimal value `units / 10^scale` (scale >= 0). */
interface Dec {
  units: bigint;
  scale: number;
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** Formats `units / 10^scale` canonically (negative scale means multiply). */
function format(units: bigint, scale: number): string {
  if (scale <= 0) return (units * pow10(-scale)).toString();
  const neg = units < 0n;
  const digits = (neg ? -units : units).toString().padStart(scale + 1, '0');
  const int = digits.slice(0, -scale);
  const frac = digits.slice(-scale).replace(/0+$/, '');
  return (neg ? '-' : '') + int + (frac ? '.' + frac : '');
}

/** Parses a plain decimal string (`[+-]digits[.digits]`). */
function parsePlain(value: string): Dec {
  const m = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(value);
  if (!m) throw new DecimalError(`invalid decimal '${value}': expected [-]digits[.digits]`);
  const frac = m[3] ?? '';
  const units = BigInt(m[2]! + frac);
  return { units: m[1] === '-' ? -units : units, scale: frac.length };
}

/** Brings two decimals to a common scale. */
function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const s = Math.max(a.scale, b.scale);
  return [a.units * pow10(s - a.scale), b.units * pow10(s - b.scale), s];
}

/** Integer division rounding half away from zero. */
function divHalfUp(n: bigint, d: bigint): bigint {
  const neg = n < 0n !== d < 0n;
  const an = n < 0n ? -n : n;
  const ad = d < 0n ? -d : d;
  let q = an / ad;
  if (2n * (an % ad) >= ad) q += 1n;
  return neg ? -q : q;
}

function checkScale(scale: number): void {
  if (!Number.isInteger(scale) || scale < 0 || scale > 100) {
    throw new DecimalError(`scale must be an integer between 0 and 100, got ${scale}`);
  }
}

/** Converts full-width ASCII (U+FF01–U+FF5E) and the ideographic space to half-width. */
function toHalfWidth(s: string): string {
  return s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/**
 * Parses a money amount into a canonical decimal string in yuan.
 *
 * Accepts safe-integer numbers, or strings with: surrounding spaces, optional `+`/`-`,
 * full-width digits, thousands separators `,` in correct positions (`1,234.50`), and an
 * optional unit suffix `元`, `万`/`万元` (×10⁴) or `亿`/`亿元` (×10⁸), e.g. `7.1亿` → `"710000000"`.
 * @throws DecimalError for empty / NaN-like / exponent / malformed input, non-integer numbers,
 *   input longer than 40 characters, or more than 2 decimal places (fen) after unit conversion.
 */
export function parseYuan(input: string | number): string {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new DecimalError(`amount must be a finite number, got ${input}`);
    if (!Number.isInteger(input)) {
      throw new DecimalError(`non-integer number ${input} is not accepted: pass decimals as strings`);
    }
    if (!Number.isSafeInteger(input)) {
      throw new DecimalError(`number ${input} exceeds the safe integer range: pass large amounts as strings`);
    }
    return format(BigInt(input), 0);
  }
  if (typeof input !== 'string') throw new DecimalError('amount must be a string or an integer number');
  if (input.length > MAX_INPUT_LENGTH) {
    throw new DecimalError(`amount is too long (${input.length} characters, at most ${MAX_INPUT_LENGTH})`);
  }
  let s = toHalfWidth(input).trim();
  if (s === '') throw new DecimalError('amount is empty');
  let exponent = 0;
  const suffix = /(万元|亿元|万|亿|元)$/.exec(s);
  if (suffix) {
    exponent = SUFFIX_EXPONENT[suffix[1]!]!;
    s = s.slice(0, -suffix[1]!.length).trim();
  }
  if (/nan|inf/i.test(s)) throw new DecimalError(`amount '${input}' is not a number`);
  if (/^[+-]?[\d,]*\.?\d*e/i.test(s)) {
    throw new DecimalError(`exponent notation is not accepted: '${input}'`);
  }
  const m = /^([+-]?)(\d+|\d{1,3}(?:,\d{3})+)(?:\.(\d+))?$/.exec(s);
  if (!m) {
    const hint = s.includes(',') ? ' (thousands separators must group 3 digits)' : '';
    throw new DecimalError(`invalid amount '${input}': expected [-]digits[.digits] with optional unit 元/万/亿${hint}`);
  }
  const frac = m[3] ?? '';
  const units = BigInt(m[2]!.replace(/,/g, '') + frac);
  const value = format(m[1] === '-' ? -units : units, frac.length - exponent);
  if ((value.split('.')[1] ?? '').length > 2) {
    throw new DecimalError(`amount '${input}' must have at most 2 decimal places (fen)`);
  }
  return value;
}

/**
 * Expresses an amount in yuan in another unit by shifting the decimal point, exactly,
 * e.g. `toUnit("710000000", "YI")` → `"7.1"`, `toUnit("1234.5", "WAN")` → `"0.12345"`.
 */
export function toUnit(yuan: string, unit: YuanUnit): string {
  const d = parsePlain(yuan);
  return format(d.units, d.scale + UNIT_EXPONENT[unit]);
}

/** Exact sum `a + b` of two decimal strings, canonical. */
export function addYuan(a: string, b: string): string {
  const [x, y, s] = align(parsePlain(a), parsePlain(b));
  return format(x + y, s);
}

/** Exact difference `a − b` of two decimal strings, canonical. */
export function subYuan(a: string, b: string): string {
  const [x, y, s] = align(parsePlain(a), parsePlain(b));
  return format(x - y, s);
}

/** Compares two decimal strings numerically: -1 if a < b, 0 if equal, 1 if a > b. */
export function compareYuan(a: string, b: string): -1 | 0 | 1 {
  const [x, y] = align(parsePlain(a), parsePlain(b));
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Exact sum of a list of decimal strings (`"0"` for an empty list), canonical. */
export function sumYuan(list: readonly string[]): string {
  return list.reduce((acc, v) => addYuan(acc, v), '0');
}

/**
 * `numerator / denominator` rounded half away from zero to `scale` fraction digits, canonical
 * (trailing zeros dropped), e.g. `ratio("15000000", "115000000", 4)` → `"0.1304"`.
 * @returns `null` when the denominator is zero.
 */
export function ratio(numerator: string, denominator: string, scale: number): string | null {
  checkScale(scale);
  const n = parsePlain(numerator);
  const d = parsePlain(denominator);
  if (d.units === 0n) return null;
  // n/d = (N / 10^sn) / (D / 10^sd); result·10^scale = N·10^(sd+scale) / (D·10^sn)
  const q = divHalfUp(n.units * pow10(d.scale + scale), d.units * pow10(n.scale));
  return format(q, scale);
}

/** Rounds a decimal string half away from zero to `scale` fraction digits, canonical. */
export function roundDecimal(value: string, scale: number): string {
  checkScale(scale);
  const d = parsePlain(value);
  if (d.scale <= scale) return format(d.units, d.scale);
  return format(divHalfUp(d.units, pow10(d.scale - scale)), scale);
}

/** Largest amount a money column holds (numeric(20,2)): below 10^18 yuan. */
export function withinMoneyRange(yuan: string): boolean {
  return yuan.replace(/^-/, '').split('.')[0].length <= 18;
}
