/**
 * The vocabulary of record rules: plain functions over plain values that return problems. Each
 * record kind's rules live in its folder (`src/<kind>/<kind>.rules.ts`); the GraphQL services and
 * the importer both call them, so the two write paths cannot drift apart.
 */
import { compareYuan } from './decimal.js';

/**
 * One broken rule of a record: `field` is the GraphQL input field (`jobsCreated`, `stages[1].stage`);
 * the API reports it as `input.<field>`, the importer as the sheet column that feeds that field.
 * `code` is stable (clients and tests may switch on it); `rule` is the message.
 */
export interface Problem {
  field: string;
  code: RuleCode;
  rule: string;
  value?: unknown;
}

/** Stable codes of the rules. */
export type RuleCode =
  | 'REQUIRED'
  | 'EMPTY'
  | 'TOO_LONG'
  | 'FORMAT'
  | 'OUT_OF_RANGE'
  | 'NEGATIVE'
  | 'NOT_POSITIVE'
  | 'SUM'
  | 'ORDER'
  | 'KIND'
  | 'NOT_FOUND'
  | 'DUPLICATE'
  | 'EXCLUSIVE'
  | 'TRANSITION';

/** Longest plain text (names); sources and notes have their own limits. */
export const NAME_MAX = 200;
export const SOURCE_MAX = 500;
export const NOTE_MAX = 2000;
/** Exclusive bound of a numeric(20,2) column in yuan. */
export const MONEY_LIMIT = '1000000000000000000';

export const problem = (field: string, code: RuleCode, rule: string, value?: unknown): Problem =>
  value === undefined ? { field, code, rule } : { field, code, rule, value };

/** A text value present in the input: trimmed, not empty, at most `max` characters. Returns the trimmed text or undefined (with a problem). */
export function text(out: Problem[], field: string, value: string, max = NAME_MAX): string | undefined {
  const v = value.trim();
  if (v.length === 0) out.push(problem(field, 'EMPTY', 'must not be empty', value));
  else if ([...v].length > max) out.push(problem(field, 'TOO_LONG', `must be at most ${max} characters`, value));
  else return v;
  return undefined;
}

/** A whole number within bounds. */
export function integer(out: Problem[], field: string, value: number, min: number, max: number): number | undefined {
  if (Number.isInteger(value) && value >= min && value <= max) return value;
  out.push(problem(field, 'OUT_OF_RANGE', `must be an integer between ${min} and ${max}`, value));
  return undefined;
}

/** An amount in yuan (already exact decimal text): its sign and its size. */
export function amount(out: Problem[], field: string, value: string, sign: 'positive' | 'nonnegative' | 'any'): string | undefined {
  const before = out.length;
  if (sign === 'positive' && compareYuan(value, '0') <= 0) out.push(problem(field, 'NOT_POSITIVE', 'must be more than 0', value));
  if (sign === 'nonnegative' && compareYuan(value, '0') < 0) out.push(problem(field, 'NEGATIVE', 'must be 0 or more', value));
  if (compareYuan(value, MONEY_LIMIT) >= 0 || compareYuan(value, `-${MONEY_LIMIT}`) <= 0)
    out.push(problem(field, 'OUT_OF_RANGE', 'must be less than 10^18 yuan in size', value));
  return out.length === before ? value : undefined;
}
