/**
 * Periods of indicator values, as canonical text: a year `2022`, a quarter `2023-Q1`, a month
 * `2023-03`, or an as-of date `2023-03-31` (a stock at that day). Plain functions, used by the
 * API and the importer alike.
 */

export type PeriodKind = 'YEAR' | 'QUARTER' | 'MONTH' | 'DATE';

export interface Period {
  kind: PeriodKind;
  /** canonical text */
  text: string;
  /** first and last day covered (the same day for an as-of date) */
  start: string;
  end: string;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const MIN_YEAR = 1949;
const MAX_YEAR = 2100;

/** The rule a period text must follow, for error messages. */
export const PERIOD_RULE = 'must be a year (2022), a quarter (2023-Q1), a month (2023-03) or an as-of date (2023-03-31), years 1949–2100';

function build(kind: PeriodKind, y: number, a = 0, b = 0): Period | null {
  if (y < MIN_YEAR || y > MAX_YEAR) return null;
  switch (kind) {
    case 'YEAR':
      return { kind, text: String(y), start: `${y}-01-01`, end: `${y}-12-31` };
    case 'QUARTER': {
      if (a < 1 || a > 4) return null;
      const m = a * 3;
      return { kind, text: `${y}-Q${a}`, start: `${y}-${pad(m - 2)}-01`, end: `${y}-${pad(m)}-${pad(lastDay(y, m))}` };
    }
    case 'MONTH':
      if (a < 1 || a > 12) return null;
      return { kind, text: `${y}-${pad(a)}`, start: `${y}-${pad(a)}-01`, end: `${y}-${pad(a)}-${pad(lastDay(y, a))}` };
    case 'DATE': {
      if (a < 1 || a > 12 || b < 1 || b > lastDay(y, a)) return null;
      const d = `${y}-${pad(a)}-${pad(b)}`;
      return { kind, text: d, start: d, end: d };
    }
  }
}

/**
 * Parses a period; also accepts `2023Q1`, `2023年`, `2023年一季度`/`2023年第1季度`, `2023年3月`,
 * `2023/3/31`, `2023年3月31日`. Returns null when the text is not a period.
 */
export function parsePeriod(input: string): Period | null {
  const s = input.trim().replace(/\s+/g, '');
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})年?$/.exec(s))) return build('YEAR', Number(m[1]));
  if ((m = /^(\d{4})-?[Qq]([1-4])$/.exec(s))) return build('QUARTER', Number(m[1]), Number(m[2]));
  if ((m = /^(\d{4})年第?([1-4一二三四])季度$/.exec(s))) return build('QUARTER', Number(m[1]), '一二三四'.indexOf(m[2]) + 1 || Number(m[2]));
  if ((m = /^(\d{4})[-/年](\d{1,2})月?$/.exec(s))) return build('MONTH', Number(m[1]), Number(m[2]));
  if ((m = /^(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?$/.exec(s))) return build('DATE', Number(m[1]), Number(m[2]), Number(m[3]));
  return null;
}

/** The same period one year earlier (29 February becomes 28 February); null before 1949. */
export function yearEarlier(p: Period): Period | null {
  const y = Number(p.text.slice(0, 4)) - 1;
  switch (p.kind) {
    case 'YEAR':
      return build('YEAR', y);
    case 'QUARTER':
      return build('QUARTER', y, Number(p.text.slice(6)));
    case 'MONTH':
      return build('MONTH', y, Number(p.text.slice(5, 7)));
    case 'DATE': {
      const mo = Number(p.text.slice(5, 7));
      return build('DATE', y, mo, Math.min(Number(p.text.slice(8, 10)), lastDay(y, mo)));
    }
  }
}

/** How the article writes a period: 2022年, 2023年一季度, 2023年3月, 截至2023年3月31日. */
export function periodDisplay(p: Period): string {
  const y = p.text.slice(0, 4);
  switch (p.kind) {
    case 'YEAR':
      return `${y}年`;
    case 'QUARTER':
      return `${y}年${'一二三四'[Number(p.text.slice(6)) - 1]}季度`;
    case 'MONTH':
      return `${y}年${Number(p.text.slice(5, 7))}月`;
    case 'DATE':
      return `截至${y}年${Number(p.text.slice(5, 7))}月${Number(p.text.slice(8, 10))}日`;
  }
}

/** The period after `p` of the same kind (null after 2100; for an as-of date, the next day). */
export function nextPeriod(p: Period): Period | null {
  const y = Number(p.text.slice(0, 4));
  switch (p.kind) {
    case 'YEAR':
      return build('YEAR', y + 1);
    case 'QUARTER': {
      const q = Number(p.text.slice(6));
      return q === 4 ? build('QUARTER', y + 1, 1) : build('QUARTER', y, q + 1);
    }
    case 'MONTH': {
      const m = Number(p.text.slice(5, 7));
      return m === 12 ? build('MONTH', y + 1, 1) : build('MONTH', y, m + 1);
    }
    case 'DATE': {
      const d = new Date(`${p.text}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() + 1);
      return parsePeriod(d.toISOString().slice(0, 10));
    }
  }
}
