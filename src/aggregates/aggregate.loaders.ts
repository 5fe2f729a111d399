import DataLoader from 'dataloader';
import type { RequestContext } from '../common/context.js';
import { INCOME_MEASURES, incomeFacts } from './collective-income-summary.sql.js';
import { CollectiveIncomeTotals, type IncomeRow } from './collective-income-summary.types.js';
import { FUNDS_MEASURES, FUNDS_ROLLUP_MEASURES, type FundsRow, FundsTotals } from './funds.types.js';
import { fundFlowFacts, fundRollupFacts, FUNDS_LANDED_MEASURES, FUNDS_LANDED_ROLLUP_MEASURES, fundsLandedFacts } from './funds-landed.sql.js';
import { type FundsLandedRow, FundsLandedTotal } from './funds-landed.types.js';
import { keyedStatement } from './grouping.js';
import type { DateBounds } from './period.input.js';
import { checkKnownCodes, projectScopeCodes } from './project-scope.js';
import type { ProjectTiersFilter } from './project-tiers.inputs.js';
import { projectTiersFacts, projectTiersMeasures, type TierBounds } from './project-tiers.sql.js';
import { type ProjectTiersRow, ProjectTierSummary } from './project-tiers.types.js';
import { singlePeriod } from './rollup-grain.js';
import { Sql } from './sql.js';

/** Joins each area under one of the areas `ids` (itself included) to those areas as `s.root`, through the materialised path. */
const underRoots = (sql: Sql, ids: readonly number[], column: string) =>
  `join area_ancestry sx on sx.area_id = ${column} join lateral unnest(sx.path) as s(root) on s.root = any(${sql.ints(ids)})`;

/** Facts keyed by `_key`; `measures` when they differ from the loader's (rollup rows). */
type Facts = (sql: Sql, ids: readonly number[]) => { ctes: string[]; facts: string; measures?: string };

/**
 * A per-request DataLoader that computes one aggregate for many records in one statement:
 * the facts carry the record id as `_key` and are grouped by it; records without facts get `empty`.
 */
function keyedLoader<R, T>(
  ctx: RequestContext,
  name: string,
  facts: Facts,
  measures: () => string,
  make: (row: R | undefined) => T,
  before?: () => Promise<void>,
) {
  return ctx.loaders.get(
    `aggregate:${name}`,
    () =>
      new DataLoader<number, T>(async (ids) => {
        await before?.();
        const sql = new Sql(ctx);
        const { ctes, facts: text, measures: own } = facts(sql, ids);
        const rows = await sql.run<R & { key: number }>(keyedStatement({ ctes, facts: text, measures: own ?? measures() }));
        const byKey = new Map(rows.map((r) => [Number(r.key), r]));
        return ids.map((id) => make(byKey.get(id)));
      }),
  );
}

/** `Area.fundsLanded(period)`: funds landed in projects hosted in each area or anywhere under it. */
export function areaFundsLandedLoader(ctx: RequestContext, bounds: DateBounds) {
  return keyedLoader<FundsLandedRow, FundsLandedTotal>(
    ctx,
    `Area.fundsLanded:${JSON.stringify(bounds)}`,
    (sql, ids) => {
      const grain = singlePeriod(bounds);
      if (grain)
        return {
          ctes: [],
          facts: fundRollupFacts(sql, null, bounds, grain, { key: 's.root', joins: underRoots(sql, ids, 'r.host_id'), landedOnly: true }),
          measures: FUNDS_LANDED_ROLLUP_MEASURES,
        };
      return fundsLandedFacts(sql, null, bounds, { key: 's.root', joins: underRoots(sql, ids, 'p.host_id') });
    },
    () => FUNDS_LANDED_MEASURES,
    (row) => new FundsLandedTotal().setMeasures(row),
  );
}

/** `Pairing.fundsLanded(period)`: funds landed in projects signed under each pairing. */
export function pairingFundsLandedLoader(ctx: RequestContext, bounds: DateBounds) {
  return keyedLoader<FundsLandedRow, FundsLandedTotal>(
    ctx,
    `Pairing.fundsLanded:${JSON.stringify(bounds)}`,
    (sql, ids) => {
      const grain = singlePeriod(bounds);
      if (grain)
        return {
          ctes: [],
          facts: fundRollupFacts(sql, null, bounds, grain, { key: 'r.pairing_id', where: [`r.pairing_id = any(${sql.ints(ids)})`], landedOnly: true }),
          measures: FUNDS_LANDED_ROLLUP_MEASURES,
        };
      return fundsLandedFacts(sql, null, bounds, { key: 'p.pairing_id', where: [`p.pairing_id = any(${sql.ints(ids)})`] });
    },
    () => FUNDS_LANDED_MEASURES,
    (row) => new FundsLandedTotal().setMeasures(row),
  );
}

/** `Area.funds(period)`: funds committed and landed in projects hosted in each area or anywhere under it. */
export function areaFundsLoader(ctx: RequestContext, bounds: DateBounds) {
  return keyedLoader<FundsRow, FundsTotals>(
    ctx,
    `Area.funds:${JSON.stringify(bounds)}`,
    (sql, ids) => {
      const grain = singlePeriod(bounds);
      if (grain)
        return {
          ctes: [],
          facts: fundRollupFacts(sql, null, bounds, grain, { key: 's.root', joins: underRoots(sql, ids, 'r.host_id') }),
          measures: FUNDS_ROLLUP_MEASURES,
        };
      return fundFlowFacts(sql, null, bounds, { key: 's.root', joins: underRoots(sql, ids, 'p.host_id') });
    },
    () => FUNDS_MEASURES,
    (row) => new FundsTotals().setMeasures(row),
  );
}

/** `Pairing.funds(period)`: funds committed and landed in projects signed under each pairing. */
export function pairingFundsLoader(ctx: RequestContext, bounds: DateBounds) {
  return keyedLoader<FundsRow, FundsTotals>(
    ctx,
    `Pairing.funds:${JSON.stringify(bounds)}`,
    (sql, ids) => {
      const grain = singlePeriod(bounds);
      if (grain)
        return {
          ctes: [],
          facts: fundRollupFacts(sql, null, bounds, grain, { key: 'r.pairing_id', where: [`r.pairing_id = any(${sql.ints(ids)})`] }),
          measures: FUNDS_ROLLUP_MEASURES,
        };
      return fundFlowFacts(sql, null, bounds, { key: 'p.pairing_id', where: [`p.pairing_id = any(${sql.ints(ids)})`] });
    },
    () => FUNDS_MEASURES,
    (row) => new FundsTotals().setMeasures(row),
  );
}

/** `Project.funds(period)`: funds committed to and landed in each project. */
export function projectFundsLoader(ctx: RequestContext, bounds: DateBounds) {
  return keyedLoader<FundsRow, FundsTotals>(
    ctx,
    `Project.funds:${JSON.stringify(bounds)}`,
    (sql, ids) => fundFlowFacts(sql, null, bounds, { key: 'p.id', where: [`p.id = any(${sql.ints(ids)})`] }),
    () => FUNDS_MEASURES,
    (row) => new FundsTotals().setMeasures(row),
  );
}

/** `Enterprise.projectTiers(filter)`: tiers of the projects each enterprise invests in. */
export function enterpriseTiersLoader(ctx: RequestContext, filter: ProjectTiersFilter | null, bounds: TierBounds) {
  return keyedLoader<ProjectTiersRow, ProjectTierSummary>(
    ctx,
    `Enterprise.projectTiers:${JSON.stringify(filter)}`,
    (sql, ids) =>
      projectTiersFacts(sql, filter, bounds, {
        key: 'inv.enterprise_id',
        joins: 'join project_investor inv on inv.project_id = p.id',
        where: [`inv.enterprise_id = any(${sql.ints(ids)})`],
      }),
    projectTiersMeasures,
    (row) => new ProjectTierSummary().setMeasures(row),
    () => checkKnownCodes(ctx, projectScopeCodes(filter, 'filter')),
  );
}

/** `Area.collectiveIncome(year)`: collective income of the villages and communities in each area or under it (a village: itself). */
export function areaIncomeLoader(ctx: RequestContext, year: number) {
  return keyedLoader<IncomeRow, CollectiveIncomeTotals>(
    ctx,
    `Area.collectiveIncome:${year}`,
    (sql, ids) => incomeFacts(sql, year, null, { key: 's.root', joins: underRoots(sql, ids, 'a.id') }),
    () => INCOME_MEASURES,
    (row) => new CollectiveIncomeTotals().setMeasures(year, row),
  );
}
