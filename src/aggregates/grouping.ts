import type { ProblemList } from '../common/errors.js';

/** Every dimension an aggregate can be grouped by (each root offers a subset). */
export type Dimension =
  | 'TOWN_OR_PLATFORM'
  | 'PLATFORM'
  | 'TOWN'
  | 'VILLAGE'
  | 'MOUNTAIN'
  | 'SCHEME'
  | 'PAIRING'
  | 'PROJECT'
  | 'INVESTOR'
  | 'SECTOR'
  | 'YEAR'
  | 'QUARTER'
  | 'MONTH'
  | 'LANDED_YEAR'
  | 'LANDED_QUARTER'
  | 'LANDED_MONTH'
  | 'TYPE'
  | 'HOST_ENTERPRISE';

export const AREA_LEVELS: readonly Dimension[] = ['TOWN_OR_PLATFORM', 'PLATFORM', 'TOWN', 'VILLAGE'];

/** Most groups a client may ask for with `first`. */
export const MAX_GROUPS = 1000;

/** Options of every aggregate root's `first` argument. */
export const FIRST_GROUPS_ARG = {
  nullable: true,
  description: `前N组 Return only the first N groups (1–${MAX_GROUPS}) in the order asked for, e.g. the top ten; all groups when left out. \`groupCount\` still counts them all.`,
};

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
 * The columns a facts CTE must have for these dimensions: `_pid` (project id), `_top` (the area
 * directly under the district), `_platform`, `_town`, `_village`, `_mountain`, `_scheme`, `_pairing`,
 * `_sector`, `_date` (the day that places a row in time), and for the dimensions that use them
 * `_landed` (a project's landing day), `_type` and `_host` (a workshop's type and host enterprise).
 */
const DIMENSIONS: Record<Dimension, DimensionSql> = {
  TOWN_OR_PLATFORM: areaLevel('_top'),
  PLATFORM: areaLevel('_platform'),
  TOWN: areaLevel('_town'),
  VILLAGE: areaLevel('_village'),
  MOUNTAIN: { columns: ['x._mountain as k_mountain'], order: ['g.k_mountain desc'] },
  SCHEME: {
    columns: ['x._scheme as k_scheme'],
    order: [`array_position(array['CITY_MOUNTAIN', 'SOE_TOWN', 'ENTERPRISE_VILLAGE', 'OTHER'], g.k_scheme) nulls last`],
  },
  PAIRING: { columns: ['x._pairing as k_pairing'], order: ['(select code from pairing where id = g.k_pairing) nulls last'] },
  PROJECT: { columns: ['x._pid as k_project'], order: ['(select code from project where id = g.k_project) nulls last'] },
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
  LANDED_YEAR: { columns: ['extract(year from x._landed)::int as k_landed_year'], order: ['g.k_landed_year nulls last'] },
  LANDED_QUARTER: {
    columns: ['extract(year from x._landed)::int as k_landed_quarter_year', 'extract(quarter from x._landed)::int as k_landed_quarter'],
    order: ['g.k_landed_quarter_year nulls last', 'g.k_landed_quarter'],
  },
  LANDED_MONTH: {
    columns: ['extract(year from x._landed)::int as k_landed_month_year', 'extract(month from x._landed)::int as k_landed_month'],
    order: ['g.k_landed_month_year nulls last', 'g.k_landed_month'],
  },
  TYPE: {
    columns: ['x._type as k_type'],
    order: [
      `array_position(array['PROCESSING', 'TARGETED_HIRING', 'LIVE_COMMERCE', 'AGRI_TOURISM', 'BRAND_LED', 'INDUSTRY_EMPOWERMENT'], g.k_type) nulls last`,
    ],
  },
  HOST_ENTERPRISE: { columns: ['x._host as k_host'], order: ['(select credit_code from enterprise where id = g.k_host) nulls last'] },
};

/** Group key columns of one grouped row, as they come back from the database. */
export interface KeyRow {
  k_area?: number | null;
  k_mountain?: boolean | null;
  k_scheme?: string | null;
  k_pairing?: number | null;
  k_project?: number | null;
  k_investor?: number | null;
  k_sector?: string | null;
  k_year?: number | null;
  k_quarter_year?: number | null;
  k_quarter?: number | null;
  k_month_year?: number | null;
  k_month?: number | null;
  k_landed_year?: number | null;
  k_landed_quarter_year?: number | null;
  k_landed_quarter?: number | null;
  k_landed_month_year?: number | null;
  k_landed_month?: number | null;
  k_type?: string | null;
  k_host?: number | null;
}

/** Drops repeated dimensions and refuses two area levels at once (an area group key is one area). */
export function checkDimensions<D extends Dimension>(dims: readonly D[] | null | undefined, problems: ProblemList, field = 'groupBy'): D[] {
  const unique = [...new Set(dims ?? [])];
  const levels = unique.filter((d) => AREA_LEVELS.includes(d));
  problems.check(
    levels.length <= 1,
    field,
    `group by at most one area level (TOWN_OR_PLATFORM, PLATFORM, TOWN or VILLAGE), got ${levels.join(' and ')}`,
    levels,
  );
  return unique;
}

/** Checks `first` (how many groups to return); null: all of them. */
export function checkFirst(first: number | null | undefined, problems: ProblemList, field = 'first'): number | null {
  if (first === null || first === undefined) return null;
  problems.check(Number.isInteger(first) && first >= 1 && first <= MAX_GROUPS, field, `must be an integer between 1 and ${MAX_GROUPS}`, first);
  return first;
}

export interface GroupedQuery {
  /** CTEs the facts need (without `with`) */
  ctes: string[];
  /** select producing one row per fact, with the columns the dimensions need */
  facts: string;
  /** aggregate select list over facts `x`, e.g. `sum(x.amount)::text as total` */
  measures: string;
  /** facts and measures of the overall row when they differ from the groups' (e.g. a rollup at another grain) */
  overall?: { facts: string; measures: string };
  dims: readonly Dimension[];
  /** sort terms over the grouped row `g` that come before the group keys */
  orderFirst?: string[];
  /** return only the first this many groups in that order (all when null): a placeholder of a bound parameter */
  limit?: string | null;
}

/** The select list, joins and group-by aliases of these dimensions over facts `x`, and their key order over `g`. */
export function dimensionSql(dims: readonly Dimension[]): { columns: string[]; aliases: string[]; joins: string; order: string[] } {
  const parts = dims.map((d) => DIMENSIONS[d]);
  const columns = parts.flatMap((p) => p.columns);
  return {
    columns,
    aliases: columns.map((c) => c.split(' as ')[1]!),
    joins: parts.map((p) => p.join ?? '').join(' '),
    order: parts.flatMap((p) => p.order),
  };
}

/**
 * One statement that returns the overall measures (as JSON column `overall`, on every row) and, when
 * there are dimensions, one row per group (JSON column `grp`, null when there are no groups), in the
 * order asked for and then in key order (so ties are broken by the keys), cut to `limit` groups;
 * `group_count` is the number of groups before the cut. The overall measures never go through a
 * repeating join (INVESTOR).
 */
export function groupedStatement(q: GroupedQuery): string {
  const ctes = [...q.ctes, `facts as (${q.facts})`];
  if (q.overall) ctes.push(`overall_facts as (${q.overall.facts})`, `overall as (select ${q.overall.measures} from overall_facts x)`);
  else ctes.push(`overall as (select ${q.measures} from facts x)`);
  if (q.dims.length === 0) return `with ${ctes.join(',\n')}\nselect to_json(o) as overall, null::json as grp, 0 as group_count from overall o`;
  const { columns, aliases, joins, order: keyOrder } = dimensionSql(q.dims);
  ctes.push(`groups as (select ${columns.join(', ')}, ${q.measures} from facts x ${joins} group by ${aliases.join(', ')})`);
  const order = [...(q.orderFirst ?? []), ...keyOrder].join(', ');
  const limit = q.limit === null || q.limit === undefined ? '' : ` limit ${q.limit}`;
  return (
    `with ${ctes.join(',\n')}\n` +
    `select to_json(o) as overall, to_json(g) as grp, (select count(*) from groups)::int as group_count ` +
    `from overall o left join (select * from groups g order by ${order}${limit}) g on true order by ${order}`
  );
}

/**
 * One statement that returns the measures per `_key` of the facts (for the per-record shortcuts);
 * keys without facts have no row.
 */
export function keyedStatement(q: Omit<GroupedQuery, 'dims' | 'orderFirst' | 'overall'>): string {
  const ctes = [...q.ctes, `facts as (${q.facts})`];
  return `with ${ctes.join(',\n')}\nselect x._key as key, ${q.measures} from facts x group by x._key`;
}

/** Rows of a grouped statement, split into the overall measures, the groups and the number of groups before any cut. */
export function splitGrouped<M>(rows: { overall: M; grp: (M & KeyRow) | null; group_count?: number }[]): {
  overall: M;
  groups: (M & KeyRow)[];
  groupCount: number;
} {
  return { overall: rows[0]!.overall, groups: rows.flatMap((r) => (r.grp ? [r.grp] : [])), groupCount: Number(rows[0]!.group_count ?? 0) };
}
