import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../common/context.js';
import { ProblemList } from '../common/errors.js';
import { FUNDS_LANDED_GROUP_ORDER, FundsLandedFilter, FundsLandedGrouping, FundsLandedGroupOrder } from './funds-landed.inputs.js';
import { fundRollupFacts, FUNDS_LANDED_MEASURES, FUNDS_LANDED_ROLLUP_MEASURES, fundsLandedFacts } from './funds-landed.sql.js';
import { FundsLanded, FundsLandedGroup, type FundsLandedRow } from './funds-landed.types.js';
import { checkDimensions, checkFirst, type Dimension, FIRST_GROUPS_ARG, type GroupedQuery, groupedStatement, type KeyRow, splitGrouped } from './grouping.js';
import { type DateBounds, periodBounds } from './period.input.js';
import { checkKnownCodes, needsProjects, projectScopeCodes } from './project-scope.js';
import { distinctGrains } from './rollup-grain.js';
import { sourceBreakdown } from './sources.js';
import { Sql } from './sql.js';

/** `fundsLanded`: landed money and project counts, summed and grouped in SQL. */
@Resolver()
export class FundsLandedResolver {
  @Query(() => FundsLanded, {
    description:
      '落地资金 Funds landed (sum of fund flows of kind LANDED) and the number of distinct projects they landed in, ' +
      'over the filter, optionally grouped. Exact decimal yuan; ask a field for 万元/亿元 with `unit`.',
  })
  async fundsLanded(
    @Arg('filter', () => FundsLandedFilter, { nullable: true, description: '筛选 Which fund flows count.' }) filter: FundsLandedFilter | null,
    @Arg('groupBy', () => [FundsLandedGrouping], { nullable: true, description: '分组 Dimensions to group by, in key order; at most one area level.' })
    groupBy: FundsLandedGrouping[] | null,
    @Arg('orderBy', () => FundsLandedGroupOrder, {
      defaultValue: FundsLandedGroupOrder.KEY,
      description: '分组排序 Order of the groups; ties in group key order.',
    })
    orderBy: FundsLandedGroupOrder,
    @Arg('first', () => Int, FIRST_GROUPS_ARG) first: number | null,
    @Ctx() ctx: RequestContext,
  ): Promise<FundsLanded> {
    const problems = new ProblemList();
    const bounds = periodBounds(filter?.period, 'filter.period', problems);
    const dims = checkDimensions(groupBy, problems);
    const limit = checkFirst(first, problems);
    problems.throwIfAny();
    await checkKnownCodes(ctx, projectScopeCodes(filter, 'filter'));
    const sql = new Sql(ctx);
    const rows = await sql.run<{ overall: FundsLandedRow; grp: (FundsLandedRow & KeyRow) | null; group_count: number }>(
      groupedStatement({
        ...fundsLandedQuery(sql, filter, bounds, dims),
        dims,
        orderFirst: FUNDS_LANDED_GROUP_ORDER[orderBy],
        limit: limit === null ? null : sql.v(limit, 'int'),
      }),
    );
    const { overall, groups, groupCount } = splitGrouped(rows);
    const result = new FundsLanded().setMeasures(overall);
    result.groups = groups.map((g) => new FundsLandedGroup().setMeasures(g).setKeys(g));
    result.groupCount = groupCount;
    result.loadSources = () => {
      const sql = new Sql(ctx);
      const q = fundsLandedFacts(sql, filter, bounds, { key: 'f.source' });
      return sourceBreakdown(sql, { ctes: q.ctes, records: `select x._key as _source, x.amount from (${q.facts}) x`, withAmount: true });
    };
    return result;
  }
}

/** Facts and measures of `fundsLanded`: from `fund_rollup` where a grain keeps them exact, as for `funds`. */
function fundsLandedQuery(
  sql: Sql,
  filter: FundsLandedFilter | null,
  bounds: DateBounds,
  dims: readonly Dimension[],
): Pick<GroupedQuery, 'ctes' | 'facts' | 'measures' | 'overall'> {
  const grains = distinctGrains(dims, bounds);
  const byProject = needsProjects(filter) || dims.includes('PROJECT') || dims.includes('INVESTOR');
  const base = () => fundsLandedFacts(sql, filter, bounds).facts;
  if (byProject || (dims.length > 0 ? grains.groups === null : grains.overall === null)) return { ctes: [], facts: base(), measures: FUNDS_LANDED_MEASURES };
  const facts = fundRollupFacts(sql, filter, bounds, grains.groups ?? grains.overall!, { landedOnly: true });
  if (dims.length === 0 || grains.overall === grains.groups) return { ctes: [], facts, measures: FUNDS_LANDED_ROLLUP_MEASURES };
  const overall =
    grains.overall === null
      ? { facts: base(), measures: FUNDS_LANDED_MEASURES }
      : { facts: fundRollupFacts(sql, filter, bounds, grains.overall, { landedOnly: true }), measures: FUNDS_LANDED_ROLLUP_MEASURES };
  return { ctes: [], facts, measures: FUNDS_LANDED_ROLLUP_MEASURES, overall };
}
