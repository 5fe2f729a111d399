import { inList } from './project-scope.js';
import type { CollectiveIncomeSummaryFilter } from './collective-income-summary.inputs.js';
import { AREA_LEVELS_CTE, type Sql, subtreeByCodes, VILLAGE_KINDS } from './sql.js';

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
  const ctes = [AREA_LEVELS_CTE];
  const where = [`a.kind in ${VILLAGE_KINDS}`];
  if (filter?.areaCodes) {
    if (filter.areaCodes.length === 0) where.push('false');
    else {
      ctes.push(subtreeByCodes(sql, 'area_scope', filter.areaCodes.map((c) => c.trim())));
      where.push('a.id in (select id from area_scope)');
    }
  }
  if (filter?.villageCodes) where.push(inList(sql, 'a.code', filter.villageCodes.map((c) => c.trim())));
  if (filter?.kinds) where.push(inList(sql, 'a.kind', filter.kinds));
  if (filter?.scenicGrades) where.push(inList(sql, 'a.scenic_grade', filter.scenicGrades));
  if (filter?.mountain !== null && filter?.mountain !== undefined) where.push(`coalesce(al.mountain, false) = ${sql.v(filter.mountain)}`);
  const facts =
    `select ${extra.key ? `${extra.key} as _key, ` : ''}a.id as _vid, a.code as _vcode, ` +
    'al.platform_id as _platform, al.town_id as _town, al.village_id as _village, coalesce(al.mountain, false) as _mountain, ' +
    'cur.operating_income as cur, prev.operating_income as prev ' +
    `from area a ${extra.joins ?? ''} left join area_levels al on al.id = a.id ` +
    `left join collective_income cur on cur.village_id = a.id and cur.year = ${sql.v(year)} ` +
    `left join collective_income prev on prev.village_id = a.id and prev.year = ${sql.v(year - 1)} ` +
    `where ${where.join(' and ')}`;
  return { ctes, facts };
}

/** Sort terms over grouped rows `g` for an order other than by key. */
export const INCOME_GROUP_ORDER: Record<string, string[]> = {
  KEY: [],
  TOTAL_DESC: ['g.total::numeric desc'],
  CHANGE_DESC: ['case when g.comparable > 0 then g.change::numeric end desc nulls last'],
  GROWTH_DESC: ['case when g.comparable > 0 then g.change::numeric / nullif(g.comparable_prev::numeric, 0) end desc nulls last'],
};
