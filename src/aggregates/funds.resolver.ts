import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../common/context.js';
import { ProblemList } from '../common/errors.js';
import { FUNDS_GROUP_ORDER, FundsFilter, FundsGrouping, FundsGroupOrder } from './funds.inputs.js';
import { Funds, FUNDS_MEASURES, FUNDS_ROLLUP_MEASURES, FundsGroup, type FundsRow } from './funds.types.js';
import { fundFlowFacts, fundRollupFacts } from './funds-landed.sql.js';
import { checkDimensions, checkFirst, type Dimension, FIRST_GROUPS_ARG, type GroupedQuery, groupedStatement, type KeyRow, splitGrouped } from './grouping.js';
import { type DateBounds, periodBounds } from './period.input.js';
import { checkKnownCodes, needsProjects, projectScopeCodes } from './project-scope.js';
import { distinctGrains } from './rollup-grain.js';
import { sourceBreakdown } from './sources.js';
import { dateWithin, Sql } from './sql.js';

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
    const rows = await sql.run<{ overall: FundsRow; grp: (FundsRow & KeyRow) | null; group_count: number }>(
      groupedStatement({
        ...fundsQuery(sql, filter, bounds, signed, dims),
        dims,
        orderFirst: FUNDS_GROUP_ORDER[orderBy],
        limit: limit === null ? null : sql.v(limit, 'int'),
      }),
    );
    const { overall, groups, groupCount } = splitGrouped(rows);
    const result = new Funds().setMeasures(overall);
    result.groups = groups.map((g) => new FundsGroup().setMeasures(g).setKeys(g));
    result.groupCount = groupCount;
    result.loadSources = () => {
      const sql = new Sql(ctx);
      const q = fundFlowFacts(sql, filter, bounds, { key: 'f.source', where: [dateWithin(sql, 'p.signed_on', signed)] });
      return sourceBreakdown(sql, { ctes: q.ctes, records: `select x._key as _source, x.amount from (${q.facts}) x`, withAmount: true });
    };
    return result;
  }
}

/**
 * Facts and measures of `funds`: from `fund_rollup` at the grain that keeps the distinct project counts
 * exact (see distinctGrains), the overall row at its own grain; from the base tables when the filter
 * needs project rows (stages, investors, signing period), a group is per project or investor, or the
 * period is not whole months, quarters or years.
 */
function fundsQuery(
  sql: Sql,
  filter: FundsFilter | null,
  bounds: DateBounds,
  signed: DateBounds,
  dims: readonly Dimension[],
): Pick<GroupedQuery, 'ctes' | 'facts' | 'measures' | 'overall'> {
  const grains = distinctGrains(dims, bounds);
  const byProject = needsProjects(filter) || signed.from !== null || signed.to !== null || dims.includes('PROJECT') || dims.includes('INVESTOR');
  const base = () => fundFlowFacts(sql, filter, bounds, { where: [dateWithin(sql, 'p.signed_on', signed)] }).facts;
  if (byProject || (dims.length > 0 ? grains.groups === null : grains.overall === null)) return { ctes: [], facts: base(), measures: FUNDS_MEASURES };
  const facts = fundRollupFacts(sql, filter, bounds, grains.groups ?? grains.overall!);
  if (dims.length === 0 || grains.overall === grains.groups) return { ctes: [], facts, measures: FUNDS_ROLLUP_MEASURES };
  const overall =
    grains.overall === null
      ? { facts: base(), measures: FUNDS_MEASURES }
      : { facts: fundRollupFacts(sql, filter, bounds, grains.overall), measures: FUNDS_ROLLUP_MEASURES };
  return { ctes: [], facts, measures: FUNDS_ROLLUP_MEASURES, overall };
}
