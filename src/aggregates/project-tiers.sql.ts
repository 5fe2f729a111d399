import { TIER_THRESHOLD } from '../project/project.enums.js';
import type { DateBounds } from './period.input.js';
import { projectScopeSql } from './project-scope.js';
import type { ProjectTiersFilter } from './project-tiers.inputs.js';
import { REPORTED_TIERS } from './project-tiers.types.js';
import { dateWithin, LEVEL_COLUMNS, type Sql } from './sql.js';

/** Measures of projects over the facts `x`: in all, and count and sum per reported threshold (FILTER clauses). */
export function projectTiersMeasures(sql: Sql): string {
  const perTier = REPORTED_TIERS.map((t) => {
    const at = `filter (where x.amount >= ${sql.v(TIER_THRESHOLD[t])}::numeric)`;
    return `count(distinct x._pid) ${at}::int as n_${t.toLowerCase()}, coalesce(sum(x.amount) ${at}, 0)::text as s_${t.toLowerCase()}`;
  });
  return ['count(distinct x._pid)::int as projects', 'coalesce(sum(x.amount), 0)::text as total', ...perTier].join(', ');
}

export interface TierBounds {
  signed: DateBounds;
  /** null: no condition on landing */
  landed: DateBounds | null;
}

/**
 * Facts of project tiers: one row per project passing the filter (amount = signed amount,
 * `_date` = signing date, `_landed` = landing date or null), with the columns the group dimensions need.
 */
export function projectTiersFacts(
  sql: Sql,
  filter: ProjectTiersFilter | null | undefined,
  bounds: TierBounds,
  extra: { key?: string; joins?: string; where?: string[] } = {},
): { ctes: string[]; facts: string } {
  const scope = projectScopeSql(sql, filter);
  const where = [dateWithin(sql, 'p.signed_on', bounds.signed), ...scope.where, ...(extra.where ?? [])];
  if (bounds.landed) {
    where.push(`landing.reached_on is not null and ${dateWithin(sql, 'landing.reached_on', bounds.landed)}`);
  }
  const facts =
    `select ${extra.key ? `${extra.key} as _key, ` : ''}p.id as _pid, p.signed_amount as amount, p.signed_on as _date, ` +
    'p.sector as _sector, p.pairing_id as _pairing, pr.scheme as _scheme, ' +
    `${LEVEL_COLUMNS}, landing.reached_on as _landed ` +
    `from project p ${extra.joins ?? ''} ` +
    'left join pairing pr on pr.id = p.pairing_id left join area_levels al on al.id = p.host_id ' +
    `left join project_stage landing on landing.project_id = p.id and landing.stage = 'LANDED' ` +
    `where ${where.join(' and ')}`;
  return { ctes: scope.ctes, facts };
}
