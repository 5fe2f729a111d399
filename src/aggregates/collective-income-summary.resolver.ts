import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { AreaKind } from '../area/area.enums.js';
import { areaScopeCodes } from '../common/area-scope.js';
import type { RequestContext } from '../common/context.js';
import { ProblemList } from '../common/errors.js';
import { checkKnownCodes, type KnownCodes, trimmed } from '../common/known-codes.js';
import { CollectiveIncomeGrouping, CollectiveIncomeGroupOrder, CollectiveIncomeSummaryFilter } from './collective-income-summary.inputs.js';
import { INCOME_GROUP_ORDER, INCOME_MEASURES, incomeAreaScope, incomeFacts } from './collective-income-summary.sql.js';
import { CollectiveIncomeGroup, CollectiveIncomeSummary, type IncomeRow } from './collective-income-summary.types.js';
import { checkDimensions, checkFirst, FIRST_GROUPS_ARG, groupedStatement, type KeyRow, splitGrouped } from './grouping.js';
import { type SourceBreakdown, sourceBreakdown } from './sources.js';
import { Sql, VILLAGE_KINDS } from './sql.js';

const MIN_YEAR = 1950;
const MAX_YEAR = 2100;

/** Checks a summary year (it and the year before must be possible income years). */
export function checkIncomeYear(year: number, field: string, problems: ProblemList): void {
  problems.check(Number.isInteger(year) && year >= MIN_YEAR && year <= MAX_YEAR, field, `must be a year between ${MIN_YEAR} and ${MAX_YEAR}`, year);
}

/** `collectiveIncome(year, filter, groupBy)`: village collective operating income of a year against the year before, in SQL. */
@Resolver()
export class CollectiveIncomeSummaryResolver {
  @Query(() => CollectiveIncomeSummary, {
    description:
      '村集体经济经营性收入汇总 Village collective economy operating income of a year and of the year before, the change, ' +
      'the growth rate and the average per village, over the villages and communities in scope, optionally grouped. ' +
      'Villages missing a figure are counted and listed, never taken as zero.',
  })
  async collectiveIncome(
    @Arg('year', () => Int, { description: '年度 The year; it is compared with the year before.' }) year: number,
    @Arg('filter', () => CollectiveIncomeSummaryFilter, { nullable: true, description: '筛选 Which villages and communities count.' })
    filter: CollectiveIncomeSummaryFilter | null,
    @Arg('groupBy', () => [CollectiveIncomeGrouping], { nullable: true, description: '分组 Dimensions to group by; at most one area level.' })
    groupBy: CollectiveIncomeGrouping[] | null,
    @Arg('orderBy', () => CollectiveIncomeGroupOrder, {
      defaultValue: CollectiveIncomeGroupOrder.KEY,
      description: '分组排序 Order of the groups; ties in group key order.',
    })
    orderBy: CollectiveIncomeGroupOrder,
    @Arg('first', () => Int, FIRST_GROUPS_ARG) first: number | null,
    @Ctx() ctx: RequestContext,
  ): Promise<CollectiveIncomeSummary> {
    const problems = new ProblemList();
    checkIncomeYear(year, 'year', problems);
    const dims = checkDimensions(groupBy, problems);
    const limit = checkFirst(first, problems);
    checkIncomeKinds(filter, problems);
    problems.throwIfAny();
    await checkKnownCodes(ctx, incomeFilterCodes(filter));
    const sql = new Sql(ctx);
    const { ctes, facts } = incomeFacts(sql, year, filter);
    const rows = await sql.run<{ overall: IncomeRow; grp: (IncomeRow & KeyRow) | null; group_count: number }>(
      groupedStatement({
        ctes,
        facts,
        measures: INCOME_MEASURES,
        dims,
        orderFirst: INCOME_GROUP_ORDER[orderBy],
        limit: limit === null ? null : sql.v(limit, 'int'),
      }),
    );
    const { overall, groups, groupCount } = splitGrouped(rows);
    const result = new CollectiveIncomeSummary().setMeasures(year, overall);
    result.groups = groups.map((g) => new CollectiveIncomeGroup().setMeasures(year, g).setKeys(g));
    result.groupCount = groupCount;
    result.loadSources = () => {
      const s = new Sql(ctx);
      const q = incomeFacts(s, year, filter);
      return incomeSources(s, q.ctes, q.facts, year - 1, year);
    };
    return result;
  }
}

/** Refuses kinds other than the village level in a collective-income filter. */
export function checkIncomeKinds(filter: CollectiveIncomeSummaryFilter | null | undefined, problems: ProblemList): void {
  filter?.kinds?.forEach((kind, i) => {
    problems.check(kind === AreaKind.VILLAGE || kind === AreaKind.COMMUNITY, `filter.kinds[${i}]`, 'must be VILLAGE or COMMUNITY', kind);
  });
}

/** The code checks of a collective-income filter. */
export function incomeFilterCodes(filter: CollectiveIncomeSummaryFilter | null | undefined): KnownCodes[] {
  return [
    ...areaScopeCodes(incomeAreaScope(filter)),
    {
      field: 'filter.villageCodes',
      table: 'area',
      column: 'code',
      codes: trimmed(filter?.villageCodes),
      condition: `kind in ${VILLAGE_KINDS}`,
      what: 'village or community',
    },
  ];
}

/**
 * The sources of a collective-income aggregate: the figures from `first` to `last` of the villages
 * its facts have in scope, weighed by operating income.
 */
export function incomeSources(sql: Sql, ctes: string[], facts: string, first: number, last: number): Promise<SourceBreakdown> {
  return sourceBreakdown(sql, {
    ctes: [...ctes, `facts as (${facts})`],
    records:
      'select ci.source as _source, ci.operating_income as amount from collective_income ci ' +
      `where ci.village_id in (select x._vid from facts x) and ci.year between ${sql.v(first, 'int')} and ${sql.v(last, 'int')}`,
    withAmount: true,
  });
}
