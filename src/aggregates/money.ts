import { GraphQLScalarType, Kind } from 'graphql';
import { ratio, roundDecimal, toUnit } from '../common/decimal.js';
import { BadInputError } from '../common/errors.js';
import type { MoneyUnit } from '../common/scalars.js';

/** Largest `scale` a client may ask for. */
const MAX_SCALE = 12;

/** Options of every aggregate money field's `scale` argument. */
export const SCALE_ARG = {
  nullable: true,
  description: `小数位 Round half away from zero to this many decimal places (0–${MAX_SCALE}) of the chosen unit; exact when left out.`,
};

function checkScale(scale: number, field: string): void {
  if (!Number.isInteger(scale) || scale < 0 || scale > MAX_SCALE) {
    throw new BadInputError([{ field, rule: `must be an integer between 0 and ${MAX_SCALE}`, value: scale }]);
  }
}

/** An exact yuan amount in the unit a client asked for, rounded only when it asked for a scale. */
export function moneyIn(yuan: string, unit: MoneyUnit, scale: number | null | undefined): string {
  const value = toUnit(yuan, unit);
  if (scale === null || scale === undefined) return value;
  checkScale(scale, 'scale');
  return roundDecimal(value, scale);
}

/** `numerator / denominator` in a unit, rounded to `scale` places; null when the denominator is zero. */
export function quotientIn(numerator: string, denominator: string, unit: MoneyUnit, scale: number): string | null {
  checkScale(scale, 'scale');
  return ratio(toUnit(numerator, unit), denominator, scale);
}

/** Moves the decimal point `places` to the right, exactly (`"0.1304"`, 2 → `"13.04"`). */
export function movePoint(value: string, places: number): string {
  const neg = value.startsWith('-');
  const [int, frac = ''] = (neg ? value.slice(1) : value).split('.');
  const digits = int + frac.padEnd(places, '0');
  const point = int.length + places;
  const whole = digits.slice(0, point).replace(/^0+(?=\d)/, '');
  const rest = digits.slice(point).replace(/0+$/, '');
  const out = rest ? `${whole}.${rest}` : whole;
  return neg && /[1-9]/.test(out) ? `-${out}` : out;
}

/** A growth rate `change / base` as a fraction or a percentage, rounded to `scale`; null when base is zero. */
export function growth(change: string, base: string, asPercent: boolean, scale: number): string | null {
  checkScale(scale, 'scale');
  if (!asPercent) return ratio(change, base, scale);
  const fraction = ratio(change, base, scale + 2);
  return fraction === null ? null : movePoint(fraction, 2);
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** An exact decimal number that is not money (a ratio or a percentage). */
export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: '小数 An exact decimal number serialised as a string, e.g. "0.1304" or "13.04"; never a float.',
  serialize: (value) => String(value),
  parseValue(value) {
    if (typeof value !== 'string' || !DECIMAL.test(value)) throw new TypeError('Decimal must be a string like "13.04"');
    return value;
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING || !DECIMAL.test(ast.value)) throw new TypeError('Decimal must be a string like "13.04"');
    return ast.value;
  },
});
