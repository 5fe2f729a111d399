import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../common/context.js';
import { ProblemList } from '../common/errors.js';
import { FUNDS_LANDED_GROUP_ORDER, FundsLandedFilter, FundsLandedGroupOrder, FundsLandedGrouping } from './funds-landed.inputs.js';
import { FUNDS_LANDED_MEASURES, fundsLandedFacts } from './funds-landed.sql.js';
import { FundsLanded, FundsLandedGroup, type FundsLandedRow } from './funds-landed.types.js';
import { checkDimensions, checkFirst, FIRST_GROUPS_ARG, groupedStatement, splitGrouped, type KeyRow } from './grouping.js';
import { periodBounds } from './period.input.js';
import { checkKnownCodes, projectScopeCodes } from './project-scope.js';
import { Sql } from './sql.js';
import { sourceBreakdown } from './sources.js';

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
    @Arg('orderBy', () => FundsLandedGroupOrder, { defaultValue: FundsLandedGroupOrder.KEY, description: '分组排序 Order of the groups; ties in group key order.' })
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
    const { ctes, facts } = fundsLandedFacts(sql, filter, bounds);
    const rows = await sql.run<{ overall: FundsLandedRow; grp: (FundsLandedRow & KeyRow) | null; group_count: number }>(
      groupedStatement({ ctes, facts, measures: FUNDS_LANDED_MEASURES, dims, orderFirst: FUNDS_LANDED_GROUP_ORDER[orderBy], limit }),
    );
    const { overall, groups, groupCount } = splitGrouped(rows);
    const result = new FundsLanded().setMeasures(overall);
    result.groups = groups.map((g) => new FundsLandedGroup().setMeasures(g).setKeys(g));
    result.groupCount = groupCount;
    result.loadSources = () => {
      const q = fundsLandedFacts(sql, filter, bounds, { key: 'f.source' });
      return sourceBreakdown(sql, { ctes: q.ctes, records: `select x._key as _source, x.amount from (${q.facts}) x`, withAmount: true });
    };
    return result;
  }
}
