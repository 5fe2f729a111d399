import { Stage, TIER_THRESHOLD } from '../project/project.enums.js';
import type { DateBounds } from './period.input.js';
import { projectScopeSql } from './project-scope.js';
import type { ProjectTiersFilter } from './project-tiers.inputs.js';
import { REPORTED_TIERS } from './project-tiers.types.js';
import { dateWithin, LEVEL_COLUMNS, type Sql } from './sql.js';

/** Measures of projects over the facts `x`: in all, and count and sum per reported threshold (FILTER clauses). */
export function projectTiersMeasures(): string {
  const perTier = REPORTED_TIERS.map((t) => {
    // Note: the thresholds are constants of the code, not client values.
    const at = `filter (where x.amount >= ${TIER_THRESHOLD[t]}::numeric)`;
    return `count(distinct x._pid) ${at}::int as n_${t.toLowerCase()}, coalesce(sum(x.amount) ${at}, 0)::text as s_${t.toLowerCase()}`;
  });
  return ['count(distinct x._pid)::int as projects', 'coalesce(sum(x.amount), 0)::text as total', ...perTier].join(', ');
}

/** The same measures over `tier_rollup` rows `x` (one row per project behind them: they add up). */
export function projectTiersRollupMeasures(): string {
  const perTier = REPORTED_TIERS.map((t) => {
    const n = `n_${t.toLowerCase()}`;
    const s = `s_${t.toLowerCase()}`;
    return `coalesce(sum(x.${n}), 0)::int as ${n}, coalesce(sum(x.${s}), 0)::text as ${s}`;
  });
  return ['coalesce(sum(x.projects), 0)::int as projects', 'coalesce(sum(x.total), 0)::text as total', ...perTier].join(', ');
}

/**
 * Whether cancelled projects stay out of the tiers: unless `includeCancelled` is true or the filter
 * asks for the CANCELLED stage (default: out; a missing filter counts as the defaults).
 */
export function excludesCancelled(filter: ProjectTiersFilter | null | undefined): boolean {
  return filter?.includeCancelled !== true && !(filter?.stages ?? []).includes(Stage.CANCELLED);
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
  if (excludesCancelled(filter)) where.push(`not exists (select 1 from project_stage cx where cx.project_id = p.id and cx.stage = 'CANCELLED')`);
  if (bounds.landed) {
    where.push(`landing.reached_on is not null and ${dateWithin(sql, 'landing.reached_on', bounds.landed)}`);
  }
  const facts =
    `select ${extra.key ? `${extra.key} as _key, ` : ''}p.id as _pid, p.signed_amount as amount, p.signed_on as _date, ` +
    'p.sector as _sector, p.pairing_id as _pairing, pr.scheme as _scheme, ' +
    `${LEVEL_COLUMNS}, landing.reached_on as _landed ` +
    `from project p ${extra.joins ?? ''} ` +
    'left join pairing pr on pr.id = p.pairing_id left join area_ancestry al on al.area_id = p.host_id ' +
    `left join project_stage landing on landing.project_id = p.id and landing.stage = 'LANDED' ` +
    `where ${where.join(' and ')}`;
  return { ctes: [], facts };
}

/**
 * Facts of project tiers from `tier_rollup`: one row per host area, pairing, sector, signing month
 * (`_date`) and landing month (`_landed`), within whole-month bounds. The filter must not need project
 * rows (see needsProjects).
 */
export function tierRollupFacts(sql: Sql, filter: ProjectTiersFilter | null | undefined, bounds: TierBounds): string {
  const scope = projectScopeSql(sql, filter, { host: 'r.host_id', sector: 'r.sector' });
  const where = [dateWithin(sql, 'r.signed_month', bounds.signed), ...scope.where];
  if (excludesCancelled(filter)) where.push('not r.cancelled');
  if (bounds.landed) where.push(`r.landed_month is not null and ${dateWithin(sql, 'r.landed_month', bounds.landed)}`);
  return (
    `select r.signed_month as _date, r.landed_month as _landed, r.sector as _sector, r.pairing_id as _pairing, pr.scheme as _scheme, ${LEVEL_COLUMNS}, ` +
    'r.projects, r.total, r.n_yi_1, r.s_yi_1, r.n_yi_10, r.s_yi_10, r.n_yi_50, r.s_yi_50 ' +
    'from tier_rollup r left join pairing pr on pr.id = r.pairing_id left join area_ancestry al on al.area_id = r.host_id ' +
    `where ${where.join(' and ')}`
  );
}
