import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../common/context.js';
import { ProblemList } from '../common/errors.js';
import { FundsLandedFilter, FundsLandedGrouping } from './funds-landed.inputs.js';
import { FUNDS_LANDED_MEASURES, fundsLandedFacts } from './funds-landed.sql.js';
import { FundsLanded, FundsLandedGroup, type FundsLandedRow } from './funds-landed.types.js';
import { checkDimensions, groupedStatement, splitGrouped, type KeyRow } from './grouping.js';
import { periodBounds } from './period.input.js';
import { checkKnownCodes, projectScopeCodes } from './project-scope.js';
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
    @Arg('groupBy', () => [FundsLandedGrouping], { nullable: true, description: '分组 Dimensions to group by, in sort order; at most one area level.' })
    groupBy: FundsLandedGrouping[] | null,
    @Ctx() ctx: RequestContext,
  ): Promise<FundsLanded> {
    const problems = new ProblemList();
    const bounds = periodBounds(filter?.period, 'filter.period', problems);
    const dims = checkDimensions(groupBy, problems);
    problems.throwIfAny();
    await checkKnownCodes(ctx, projectScopeCodes(filter, 'filter'));
    const sql = new Sql(ctx);
    const { ctes, facts } = fundsLandedFacts(sql, filter, bounds);
    const rows = await sql.run<{ overall: FundsLandedRow; grp: (FundsLandedRow & KeyRow) | null }>(
      groupedStatement({ ctes, facts, measures: FUNDS_LANDED_MEASURES, dims }),
    );
    const { overall, groups } = splitGrouped(rows);
    const result = new FundsLanded().setMeasures(overall);
    result.groups = groups.map((g) => new FundsLandedGroup().setMeasures(g).setKeys(g));
    return result;
  }
}
