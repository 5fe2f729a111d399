import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { registerEnumType } from 'type-graphql';
import { DecimalError, parseYuan, withinMoneyRange } from './decimal.js';

function inputError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

function parseMoney(value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw inputError('Money must be a decimal string in yuan, e.g. "710000000" or "1234.50"');
  }
  try {
    const yuan = parseYuan(value);
    if (!withinMoneyRange(yuan)) throw inputError('Money must be less than 10^18 yuan');
    return yuan;
  } catch (e) {
    if (e instanceof DecimalError) throw inputError(`Money: ${e.message}`);
    throw e;
  }
}

/** Exact decimal money. Always a string on the wire so no client parses it into a float. */
export const MoneyScalar = new GraphQLScalarType({
  name: 'Money',
  description:
    '金额 Money: an exact decimal number serialised as a string, e.g. "710000000" or "1234.5". ' +
    'Outputs are in yuan (元) unless the field’s `unit` argument asks for 万元 or 亿元. ' +
    'Inputs are yuan; a unit suffix is accepted ("7.1亿", "450万"), as are thousands separators. ' +
    'At most 2 decimal places (分) after conversion to yuan.',
  serialize: (value) => String(value),
  parseValue: parseMoney,
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT) return parseMoney(ast.value);
    throw inputError('Money must be a decimal string in yuan (floats are not accepted: pass "12.5", not 12.5)');
  },
});

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Returns the canonical `YYYY-MM-DD` or throws a message describing the rule. */
export function parseLocalDate(value: unknown): string {
  if (typeof value !== 'string') throw inputError('Date must be a string YYYY-MM-DD');
  const m = ISO_DATE.exec(value.trim());
  if (!m) throw inputError(`Date must be YYYY-MM-DD, got "${value}"`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    throw inputError(`Date ${value} does not exist`);
  }
  return m[0];
}

/** Calendar date without time zone. */
export const LocalDateScalar = new GraphQLScalarType({
  name: 'Date',
  description: '日期 Calendar date without time or time zone, ISO 8601 `YYYY-MM-DD`, e.g. "2023-03-15".',
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value)),
  parseValue: parseLocalDate,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw inputError('Date must be a string YYYY-MM-DD');
    return parseLocalDate(ast.value);
  },
});

/** Unit in which a Money field is returned. */
export enum MoneyUnit {
  YUAN = 'YUAN',
  WAN = 'WAN',
  YI = 'YI',
}

registerEnumType(MoneyUnit, {
  name: 'MoneyUnit',
  description: '金额单位 Money unit for output fields; conversion is exact (the decimal point moves, nothing is rounded).',
  valuesConfig: {
    YUAN: { description: '元 yuan' },
    WAN: { description: '万元 ten thousand yuan (10⁴)' },
    YI: { description: '亿元 hundred million yuan (10⁸)' },
  },
});
