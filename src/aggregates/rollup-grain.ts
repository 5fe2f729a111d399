import type { Dimension } from './grouping.js';
import type { DateBounds } from './period.input.js';

/**
 * Time grains of the rollups: month, quarter, year, all time. A rollup row of grain G holds one
 * G-period (its first day in `period`), so it can answer a group whose period is exactly that
 * G-period: sums add up over any set of periods, distinct project counts only within one.
 */
export type Grain = 'M' | 'Q' | 'Y' | 'A';

const TIME_GRAINS: Partial<Record<Dimension, Grain>> = { MONTH: 'M', QUARTER: 'Q', YEAR: 'Y' };
const FINENESS: Grain[] = ['M', 'Q', 'Y'];

/** The finest time dimension of a grouping as a grain (null: not grouped by time). */
export function finestTime(dims: readonly Dimension[]): Grain | null {
  const grains = dims.map((d) => TIME_GRAINS[d]).filter((g): g is Grain => g !== undefined);
  return FINENESS.find((g) => grains.includes(g)) ?? null;
}

const parse = (day: string) => ({ y: Number(day.slice(0, 4)), m: Number(day.slice(5, 7)), d: Number(day.slice(8, 10)) });
const lastDayOf = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const months = (g: Grain) => (g === 'M' ? 1 : g === 'Q' ? 3 : 12);

/** Whether a day is the first day of a period of this grain. */
function startsPeriod(day: string, g: Grain): boolean {
  const { m, d } = parse(day);
  return d === 1 && (m - 1) % months(g) === 0;
}

/** Whether a day is the last day of a period of this grain. */
function endsPeriod(day: string, g: Grain): boolean {
  const { y, m, d } = parse(day);
  return d === lastDayOf(y, m) && m % months(g) === 0;
}

/** Whether the bounds cover whole periods of this grain (an open end always does). */
export function alignedTo(bounds: DateBounds, g: Grain): boolean {
  if (g === 'A') return bounds.from === null && bounds.to === null;
  return (bounds.from === null || startsPeriod(bounds.from, g)) && (bounds.to === null || endsPeriod(bounds.to, g));
}

/** The grain of which the bounds are exactly one period (all time: A), or null. */
export function singlePeriod(bounds: DateBounds): Grain | null {
  if (bounds.from === null && bounds.to === null) return 'A';
  if (bounds.from === null || bounds.to === null) return null;
  const from = parse(bounds.from);
  const to = parse(bounds.to);
  for (const g of FINENESS) {
    const sameStart = from.y === to.y && Math.floor((from.m - 1) / months(g)) === Math.floor((to.m - 1) / months(g));
    if (sameStart && startsPeriod(bounds.from, g) && endsPeriod(bounds.to, g)) return g;
  }
  return null;
}

/**
 * Grains at which a rollup with distinct counts answers a query exactly: the groups at the finest time
 * dimension (the period must be whole periods of it) or, without one, at the period's own grain; the
 * overall row at the period's own grain. Null where no grain fits (the base tables answer).
 */
export function distinctGrains(dims: readonly Dimension[], bounds: DateBounds): { groups: Grain | null; overall: Grain | null } {
  const overall = singlePeriod(bounds);
  const time = finestTime(dims);
  if (time === null) return { groups: overall, overall };
  // one period finer than the time groups (a quarter grouped by year): each group is that period
  if (overall !== null && overall !== 'A' && FINENESS.indexOf(overall) <= FINENESS.indexOf(time)) return { groups: overall, overall };
  return { groups: alignedTo(bounds, time) ? time : null, overall };
}
