import type { FundsLandedFilter } from './funds-landed.inputs.js';
import type { DateBounds } from './period.input.js';
import { type ProjectScopeFilter, projectScopeSql } from './project-scope.js';
import type { Grain } from './rollup-grain.js';
import { dateWithin, LEVEL_COLUMNS, type Sql } from './sql.js';

/** Measures of landed funds over the facts `x`. */
export const FUNDS_LANDED_MEASURES = 'coalesce(sum(x.amount), 0)::text as total, count(distinct x._pid)::int as projects';

/** The same measures over fund rollup rows `x` of one grain (distinct projects add up within a period). */
export const FUNDS_LANDED_ROLLUP_MEASURES = 'coalesce(sum(x.landed), 0)::text as total, coalesce(sum(x.landed_projects), 0)::int as projects';

interface Extra {
  key?: string;
  joins?: string;
  where?: string[];
}

/**
 * Facts of funds landed: one row per LANDED fund flow within the period whose project passes the
 * filter, with the columns the group dimensions need. `key` adds a `_key` column (for the shortcuts)
 * and `joins`/`where` restrict further.
 */
export function fundsLandedFacts(
  sql: Sql,
  filter: FundsLandedFilter | null | undefined,
  bounds: DateBounds,
  extra: Extra = {},
): { ctes: string[]; facts: string } {
  return fundFlowFacts(sql, filter, bounds, { ...extra, where: [`f.kind = 'LANDED'`, ...(extra.where ?? [])] });
}

/**
 * Facts of fund flows of both kinds (`_kind`: COMMITMENT or LANDED) within the period whose project
 * passes the filter; as fundsLandedFacts otherwise.
 */
export function fundFlowFacts(
  sql: Sql,
  filter: ProjectScopeFilter | null | undefined,
  bounds: DateBounds,
  extra: Extra = {},
): { ctes: string[]; facts: string } {
  const scope = projectScopeSql(sql, filter);
  const where = [dateWithin(sql, 'f.occurred_on', bounds), ...scope.where, ...(extra.where ?? [])];
  const facts =
    `select ${extra.key ? `${extra.key} as _key, ` : ''}f.project_id as _pid, f.kind as _kind, f.amount, f.occurred_on as _date, ` +
    'p.sector as _sector, p.pairing_id as _pairing, pr.scheme as _scheme, ' +
    `${LEVEL_COLUMNS} ` +
    'from fund_flow f join project p on p.id = f.project_id ' +
    `${extra.joins ?? ''} ` +
    'left join pairing pr on pr.id = p.pairing_id left join area_ancestry al on al.area_id = p.host_id ' +
    `where ${where.join(' and ')}`;
  return { ctes: [], facts };
}

/**
 * Facts of fund flows from `fund_rollup` at one grain: one row per host area, pairing, sector and
 * period (`_date` = its first day) within the bounds (whole periods of that grain), with the measures
 * `committed`, `landed`, `projects`, `committed_projects`, `landed_projects`; `landedOnly` keeps the
 * rows with a landing. The filter must not need project rows (see needsProjects).
 */
export function fundRollupFacts(
  sql: Sql,
  filter: ProjectScopeFilter | null | undefined,
  bounds: DateBounds,
  grain: Grain,
  extra: Extra & { landedOnly?: boolean } = {},
): string {
  const scope = projectScopeSql(sql, filter, { host: 'r.host_id', sector: 'r.sector' });
  const where = [`r.grain = '${grain}'`, dateWithin(sql, 'r.period', bounds), ...scope.where, ...(extra.where ?? [])];
  if (extra.landedOnly) where.push('r.landed_flows > 0');
  return (
    `select ${extra.key ? `${extra.key} as _key, ` : ''}r.period as _date, r.sector as _sector, r.pairing_id as _pairing, pr.scheme as _scheme, ${LEVEL_COLUMNS}, ` +
    'r.committed, r.landed, r.projects, r.committed_projects, r.landed_projects ' +
    `from fund_rollup r ${extra.joins ?? ''} left join pairing pr on pr.id = r.pairing_id left join area_ancestry al on al.area_id = r.host_id ` +
    `where ${where.join(' and ')}`
  );
}
