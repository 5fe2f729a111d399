import { Field, InputType, Int } from 'type-graphql';
import type { ProblemList } from '../common/errors.js';
import { LocalDateScalar } from '../common/scalars.js';

/** Years a period may name (as for collective income). */
const MIN_YEAR = 1949;
const MAX_YEAR = 2100;

/** A period of calendar days: either `from`/`to`, or a `year` narrowed by a `quarter` or a `month`. */
@InputType('PeriodInput', {
  description:
    '期间 A period of days, all ends inclusive: give `from` and/or `to` (an open end when left out), ' +
    'or a `year`, optionally narrowed to one `quarter` or one `month` of it. Leave everything out for all time.',
})
export class PeriodInput {
  @Field(() => LocalDateScalar, { nullable: true, description: '起 First day included; not with `year`.' })
  from?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '止 Last day included; not with `year`.' })
  to?: string | null;

  @Field(() => Int, { nullable: true, description: `年度 A calendar year (${MIN_YEAR}–${MAX_YEAR}).` })
  year?: number | null;

  @Field(() => Int, { nullable: true, description: '季度 A quarter (1–4) of `year`; needs `year`.' })
  quarter?: number | null;

  @Field(() => Int, { nullable: true, description: '月份 A month (1–12) of `year`; needs `year`; not with `quarter`.' })
  month?: number | null;
}

/** Inclusive day bounds of a period; null is an open end. */
export interface DateBounds {
  from: string | null;
  to: string | null;
}

export const ALL_TIME: DateBounds = { from: null, to: null };

const given = <T>(v: T | null | undefined): v is T => v !== null && v !== undefined;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Last day of a month (1–12) of a year, as YYYY-MM-DD. */
function lastDay(year: number, month: number): string {
  return `${pad(year, 4)}-${pad(month)}-${pad(new Date(Date.UTC(year, month, 0)).getUTCDate())}`;
}

/** First and last month of the period named by a year and an optional quarter or month. */
function monthSpan(year: number, quarter: number | null | undefined, month: number | null | undefined): [number, number] {
  if (given(month)) return [month, month];
  if (given(quarter)) return [quarter * 3 - 2, quarter * 3];
  return [1, 12];
}

/**
 * Checks a period and returns its day bounds; every broken rule is recorded on `problems`
 * under `field` (e.g. `filter.period.quarter`). Returns ALL_TIME for a missing period.
 */
export function periodBounds(period: PeriodInput | null | undefined, field: string, problems: ProblemList): DateBounds {
  if (!period) return ALL_TIME;
  const { from, to, year, quarter, month } = period;
  const before = problems.problems.length;
  if (given(year)) {
    problems.check(Number.isInteger(year) && year >= MIN_YEAR && year <= MAX_YEAR, `${field}.year`, `must be a year between ${MIN_YEAR} and ${MAX_YEAR}`, year);
    problems.check(!given(from) && !given(to), `${field}.year`, 'give either year (with quarter or month) or from/to, not both', year);
  }
  if (given(quarter)) {
    problems.check(given(year), `${field}.quarter`, 'needs year', quarter);
    problems.check(Number.isInteger(quarter) && quarter >= 1 && quarter <= 4, `${field}.quarter`, 'must be between 1 and 4', quarter);
  }
  if (given(month)) {
    problems.check(given(year), `${field}.month`, 'needs year', month);
    problems.check(Number.isInteger(month) && month >= 1 && month <= 12, `${field}.month`, 'must be between 1 and 12', month);
    problems.check(!given(quarter), `${field}.month`, 'give either quarter or month, not both', month);
  }
  if (given(from) && given(to)) problems.check(from <= to, `${field}.to`, `must not be before from (${from})`, to);
  if (problems.problems.length > before) return ALL_TIME;
  if (!given(year)) return { from: from ?? null, to: to ?? null };
  const [first, last] = monthSpan(year, quarter, month);
  return { from: `${pad(year, 4)}-${pad(first)}-01`, to: lastDay(year, last) };
}
