import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../common/context.js';
import { ProblemList } from '../common/errors.js';
import { fundFlowFacts } from './funds-landed.sql.js';
import { FUNDS_GROUP_ORDER, FundsFilter, FundsGroupOrder, FundsGrouping } from './funds.inputs.js';
import { Funds, FundsGroup, FUNDS_MEASURES, type FundsRow } from './funds.types.js';
import { checkDimensions, checkFirst, FIRST_GROUPS_ARG, groupedStatement, splitGrouped, type KeyRow } from './grouping.js';
import { periodBounds } from './period.input.js';
import { checkKnownCodes, projectScopeCodes } from './project-scope.js';
import { dateWithin, Sql } from './sql.js';
import { sourceBreakdown } from './sources.js';

/** `funds`: committed against landed money, summed and grouped in SQL (one statement). */
@Resolver()
export class FundsResolver {
  @Query(() => Funds, {
    description:
      '承诺与落地资金 Funds committed and funds landed over the filter, the share landed and the projects they concern, ' +
      'optionally grouped (per pairing, town, project, …), ordered and cut to the top N. Exact decimal yuan; ask a field for 万元/亿元 with `unit`.',
  })
  async funds(
    @Arg('filter', () => FundsFilter, { nullable: true, description: '筛选 Which fund flows count.' }) filter: FundsFilter | null,
    @Arg('groupBy', () => [FundsGrouping], { nullable: true, description: '分组 Dimensions to group by, in key order; at most one area level.' })
    groupBy: FundsGrouping[] | null,
    @Arg('orderBy', () => FundsGroupOrder, { defaultValue: FundsGroupOrder.KEY, description: '分组排序 Order of the groups; ties in group key order.' })
    orderBy: FundsGroupOrder,
    @Arg('first', () => Int, FIRST_GROUPS_ARG) first: number | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Funds> {
    const problems = new ProblemList();
    const bounds = periodBounds(filter?.period, 'filter.period', problems);
    const signed = periodBounds(filter?.signed, 'filter.signed', problems);
    const dims = checkDimensions(groupBy, problems);
    const limit = checkFirst(first, problems);
    problems.throwIfAny();
    await checkKnownCodes(ctx, projectScopeCodes(filter, 'filter'));
    const sql = new Sql(ctx);
    const { ctes, facts } = fundFlowFacts(sql, filter, bounds, { where: [dateWithin(sql, 'p.signed_on', signed)] });
    const rows = await sql.run<{ overall: FundsRow; grp: (FundsRow & KeyRow) | null; group_count: number }>(
      groupedStatement({ ctes, facts, measures: FUNDS_MEASURES, dims, orderFirst: FUNDS_GROUP_ORDER[orderBy], limit }),
    );
    const { overall, groups, groupCount } = splitGrouped(rows);
    const result = new Funds().setMeasures(overall);
    result.groups = groups.map((g) => new FundsGroup().setMeasures(g).setKeys(g));
    result.groupCount = groupCount;
    result.loadSources = () => {
      const q = fundFlowFacts(sql, filter, bounds, { key: 'f.source', where: [dateWithin(sql, 'p.signed_on', signed)] });
      return sourceBreakdown(sql, { ctes: q.ctes, records: `select x._key as _source, x.amount from (${q.facts}) x`, withAmount: true });
    };
    return result;
  }
}
