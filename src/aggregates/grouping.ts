import type { ProblemList } from '../common/errors.js';

/** Every dimension an aggregate can be grouped by (each root offers a subset). */
export type Dimension = 'PLATFORM' | 'TOWN' | 'VILLAGE' | 'MOUNTAIN' | 'SCHEME' | 'PAIRING' | 'INVESTOR' | 'SECTOR' | 'YEAR' | 'QUARTER' | 'MONTH';

export const AREA_LEVELS: readonly Dimension[] = ['PLATFORM', 'TOWN', 'VILLAGE'];

interface DimensionSql {
  /** output columns, computed over the facts row `x` */
  columns: string[];
  /** sort terms over the grouped row `g` */
  order: string[];
  /** a join that brings the dimension in (it may repeat facts) */
  join?: string;
}

const areaLevel = (column: string): DimensionSql => ({
  columns: [`x.${column} as k_area`],
  order: ['(select code from area where id = g.k_area) nulls last'],
});

/**
 * The columns a facts CTE must have for these dimensions: `_pid` (project id), `_platform`, `_town`,
 * `_village`, `_mountain`, `_scheme`, `_pairing`, `_sector` and `_date` (the day that places a row in time).
 */
const DIMENSIONS: Record<Dimension, DimensionSql> = {
  PLATFORM: areaLevel('_platform'),
  TOWN: areaLevel('_town'),
  VILLAGE: areaLevel('_village'),
  MOUNTAIN: { columns: ['x._mountain as k_mountain'], order: ['g.k_mountain desc'] },
  SCHEME: {
    columns: ['x._scheme as k_scheme'],
    order: [`array_position(array['CITY_MOUNTAIN', 'SOE_TOWN', 'ENTERPRISE_VILLAGE', 'OTHER'], g.k_scheme) nulls last`],
  },
  PAIRING: { columns: ['x._pairing as k_pairing'], order: ['(select code from pairing where id = g.k_pairing) nulls last'] },
  INVESTOR: {
    columns: ['pi.enterprise_id as k_investor'],
    order: ['(select credit_code from enterprise where id = g.k_investor) nulls last'],
    join: 'left join project_investor pi on pi.project_id = x._pid',
  },
  SECTOR: { columns: ['x._sector as k_sector'], order: ['g.k_sector nulls last'] },
  YEAR: { columns: ['extract(year from x._date)::int as k_year'], order: ['g.k_year'] },
  QUARTER: {
    columns: ['extract(year from x._date)::int as k_quarter_year', 'extract(quarter from x._date)::int as k_quarter'],
    order: ['g.k_quarter_year', 'g.k_quarter'],
  },
  MONTH: {
    columns: ['extract(year from x._date)::int as k_month_year', 'extract(month from x._date)::int as k_month'],
    order: ['g.k_month_year', 'g.k_month'],
  },
};

/** Group key columns of one grouped row, as they come back from the database. */
export interface KeyRow {
  k_area?: number | null;
  k_mountain?: boolean | null;
  k_scheme?: string | null;
  k_pairing?: number | null;
  k_investor?: number | null;
  k_sector?: string | null;
  k_year?: number | null;
  k_quarter_year?: number | null;
  k_quarter?: number | null;
  k_month_year?: number | null;
  k_month?: number | null;
}

/** Drops repeated dimensions and refuses two area levels at once (an area group key is one area). */
export function checkDimensions<D extends Dimension>(dims: readonly D[] | null | undefined, problems: ProblemList, field = 'groupBy'): D[] {
  const unique = [...new Set(dims ?? [])];
  const levels = unique.filter((d) => AREA_LEVELS.includes(d));
  problems.check(levels.length <= 1, field, `group by at most one area level (PLATFORM, TOWN or VILLAGE), got ${levels.join(' and ')}`, levels);
  return unique;
}

export interface GroupedQuery {
  /** CTEs the facts need (without `with`), e.g. AREA_LEVELS_CTE */
  ctes: string[];
  /** select producing one row per fact, with the columns the dimensions need */
  facts: string;
  /** aggregate select list over facts `x`, e.g. `sum(x.amount)::text as total` */
  measures: string;
  dims: readonly Dimension[];
  /** sort terms over the grouped row `g` that come before the group keys */
  orderFirst?: string[];
}

/**
 * One statement that returns the overall measures (as JSON column `overall`, on every row) and, when
 * there are dimensions, one row per group (JSON column `grp`, null when there are no groups),
 * groups in key order. The overall measures never go through a repeating join (INVESTOR).
 */
export function groupedStatement(q: GroupedQuery): string {
  const ctes = [...q.ctes, `facts as (${q.facts})`, `overall as (select ${q.measures} from facts x)`];
  if (q.dims.length === 0) return `with recursive ${ctes.join(',\n')}\nselect to_json(o) as overall, null::json as grp from overall o`;
  const parts = q.dims.map((d) => DIMENSIONS[d]);
  const columns = parts.flatMap((p) => p.columns);
  const aliases = columns.map((c) => c.split(' as ')[1]);
  const joins = parts.map((p) => p.join ?? '').join(' ');
  ctes.push(`groups as (select ${columns.join(', ')}, ${q.measures} from facts x ${joins} group by ${aliases.join(', ')})`);
  const order = [...(q.orderFirst ?? []), ...parts.flatMap((p) => p.order)];
  return (
    `with recursive ${ctes.join(',\n')}\n` +
    `select to_json(o) as overall, to_json(g) as grp from overall o left join groups g on true order by ${order.join(', ')}`
  );
}

/**
 * One statement that returns the measures per `_key` of the facts (for the per-record shortcuts);
 * keys without facts have no row.
 */
export function keyedStatement(q: Omit<GroupedQuery, 'dims' | 'orderFirst'>): string {
  const ctes = [...q.ctes, `facts as (${q.facts})`];
  return `with recursive ${ctes.join(',\n')}\nselect x._key as key, ${q.measures} from facts x group by x._key`;
}

/** Rows of a grouped statement, split into the overall measures and the groups. */
export function splitGrouped<M>(rows: { overall: M; grp: (M & KeyRow) | null }[]): { overall: M; groups: (M & KeyRow)[] } {
  return { overall: rows[0]!.overall, groups: rows.flatMap((r) => (r.grp ? [r.grp] : [])) };
}
