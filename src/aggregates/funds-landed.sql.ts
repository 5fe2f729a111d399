import type { DateBounds } from './period.input.js';
import { projectScopeSql, type ProjectScopeFilter } from './project-scope.js';
import type { FundsLandedFilter } from './funds-landed.inputs.js';
import { dateWithin, LEVEL_COLUMNS, type Sql } from './sql.js';

/** Measures of landed funds over the facts `x`. */
export const FUNDS_LANDED_MEASURES = 'coalesce(sum(x.amount), 0)::text as total, count(distinct x._pid)::int as projects';

/**
 * Facts of funds landed: one row per LANDED fund flow within the period whose project passes the
 * filter, with the columns the group dimensions need. `key` adds a `_key` column (for the shortcuts)
 * and `joins`/`where` restrict further.
 */
export function fundsLandedFacts(
  sql: Sql,
  filter: FundsLandedFilter | null | undefined,
  bounds: DateBounds,
  extra: { key?: string; joins?: string; where?: string[] } = {},
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
  extra: { key?: string; joins?: string; where?: string[] } = {},
): { ctes: string[]; facts: string } {
  const scope = projectScopeSql(sql, filter);
  const where = [dateWithin(sql, 'f.occurred_on', bounds), ...scope.where, ...(extra.where ?? [])];
  const facts =
    `select ${extra.key ? `${extra.key} as _key, ` : ''}f.project_id as _pid, f.kind as _kind, f.amount, f.occurred_on as _date, ` +
    'p.sector as _sector, p.pairing_id as _pairing, pr.scheme as _scheme, ' +
    `${LEVEL_COLUMNS} ` +
    'from fund_flow f join project p on p.id = f.project_id ' +
    `${extra.joins ?? ''} ` +
    'left join pairing pr on pr.id = p.pairing_id left join area_levels al on al.id = p.host_id ' +
    `where ${where.join(' and ')}`;
  return { ctes: scope.ctes, facts };
}
