import { type AreaScope, areaScope, areaScopeConditions } from '../common/area-scope.js';
import type { CollectiveIncomeSummaryFilter } from './collective-income-summary.inputs.js';
import { inList } from './project-scope.js';
import { LEVEL_COLUMNS, type Sql, VILLAGE_KINDS } from './sql.js';

/**
 * Measures of villages over the facts `x` (one row per village, `cur`/`prev` null where the figure is
 * missing): sums skip missing figures, `change` sums only villages with both years, and the villages
 * missing a figure come back as id lists in code order.
 */
export const INCOME_MEASURES = [
  'count(*)::int as villages',
  'count(x.cur)::int as reporting',
  'count(x.prev)::int as prev_reporting',
  'count(*) filter (where x.cur is not null and x.prev is not null)::int as comparable',
  'coalesce(sum(x.cur), 0)::text as total',
  'coalesce(sum(x.prev), 0)::text as prev_total',
  'coalesce(sum(x.cur - x.prev), 0)::text as change',
  'coalesce(sum(x.prev) filter (where x.cur is not null), 0)::text as comparable_prev',
  `coalesce(array_agg(x._vid order by x._vcode) filter (where x.cur is null), '{}') as missing_current`,
  `coalesce(array_agg(x._vid order by x._vcode) filter (where x.prev is null), '{}') as missing_previous`,
].join(', ');

/**
 * Facts of collective income: one row per village or community in scope with its operating income
 * of `year` and of the year before (null where there is no figure), and its level columns.
 */
export function incomeFacts(
  sql: Sql,
  year: number,
  filter: CollectiveIncomeSummaryFilter | null | undefined,
  extra: { key?: string; joins?: string } = {},
): { ctes: string[]; facts: string } {
  return incomeFactsOver(sql, { from: year, to: year }, filter, extra);
}

/**
 * Facts of collective income over a range of years: one row per village or community in scope and
 * year of the range (`_year`), with its operating income of that year and of the year before, read
 * from `income_rollup` (both figures of a village and year in one row, kept by triggers), and its
 * materialised ancestors.
 */
export function incomeFactsOver(
  sql: Sql,
  years: { from: number; to: number },
  filter: CollectiveIncomeSummaryFilter | null | undefined,
  extra: { key?: string; joins?: string } = {},
): { ctes: string[]; facts: string } {
  const where = [`a.kind in ${VILLAGE_KINDS}`];
  const scope = incomeAreaScope(filter);
  for (const c of areaScopeConditions({ within: scope.within, mountain: [] }, ['a.id'])) where.push(sql.cond(c));
  for (const m of scope.mountain) where.push(`coalesce(al.mountain, false) = ${sql.v(m, 'boolean')}`);
  if (filter?.villageCodes)
    where.push(
      inList(
        sql,
        'a.code',
        filter.villageCodes.map((c) => c.trim()),
      ),
    );
  if (filter?.kinds) where.push(inList(sql, 'a.kind', filter.kinds));
  if (filter?.scenicGrades) where.push(inList(sql, 'a.scenic_grade', filter.scenicGrades));
  const facts =
    `select ${extra.key ? `${extra.key} as _key, ` : ''}a.id as _vid, a.code as _vcode, yr.y as _year, ` +
    `${LEVEL_COLUMNS}, ` +
    'ir.cur, ir.prev ' +
    `from area a ${extra.joins ?? ''} left join area_ancestry al on al.area_id = a.id ` +
    `cross join generate_series(${sql.v(years.from, 'int')}, ${sql.v(years.to, 'int')}) as yr(y) ` +
    'left join income_rollup ir on ir.village_id = a.id and ir.year = yr.y ' +
    `where ${where.join(' and ')}`;
  return { ctes: [], facts };
}

/** The area scope of a collective-income filter, deprecated spellings included. */
export function incomeAreaScope(f: CollectiveIncomeSummaryFilter | null | undefined, field = 'filter'): AreaScope {
  return areaScope(`${field}.area`, f?.area, [{ field: `${field}.areaCodes`, codes: f?.areaCodes }], f?.mountain);
}

/** Sort terms over grouped rows `g` for an order other than by key. */
const CHANGE = 'case when g.comparable > 0 then g.change::numeric end';
const GROWTH = 'case when g.comparable > 0 then g.change::numeric / nullif(g.comparable_prev::numeric, 0) end';
export const INCOME_GROUP_ORDER: Record<string, string[]> = {
  KEY: [],
  TOTAL_DESC: ['g.total::numeric desc'],
  TOTAL_ASC: ['g.total::numeric asc'],
  CHANGE_DESC: [`${CHANGE} desc nulls last`],
  CHANGE_ASC: [`${CHANGE} asc nulls last`],
  GROWTH_DESC: [`${GROWTH} desc nulls last`],
  GROWTH_ASC: [`${GROWTH} asc nulls last`],
};
