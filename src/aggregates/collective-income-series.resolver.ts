import { Arg, Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { Area } from '../area/area.entity.js';
import type { RequestContext } from '../common/context.js';
import { ProblemList } from '../common/errors.js';
import { checkKnownCodes } from '../common/known-codes.js';
import { byIdLoader } from '../common/query.js';
import { CollectiveIncomeGrouping, CollectiveIncomeGroupOrder, CollectiveIncomeSummaryFilter } from './collective-income-summary.inputs.js';
import { checkIncomeKinds, checkIncomeYear, incomeFilterCodes } from './collective-income-summary.resolver.js';
import { incomeSources } from './collective-income-summary.resolver.js';
import { INCOME_GROUP_ORDER, INCOME_MEASURES, incomeFactsOver } from './collective-income-summary.sql.js';
import { CollectiveIncomeTotals, type IncomeRow } from './collective-income-summary.types.js';
import { checkDimensions, checkFirst, dimensionSql, FIRST_GROUPS_ARG, type KeyRow } from './grouping.js';
import { loadSourcesOf, SourceBreakdown, sourcesField } from './sources.js';
import { Sql } from './sql.js';

/** Most years one series may span. */
const MAX_YEARS = 50;

type YearRow = IncomeRow & { year: number };

/** One entry per year of the range, zeros where the database had no row (no villages in scope). */
function yearsOf(from: number, to: number, rows: YearRow[]): CollectiveIncomeTotals[] {
  const byYear = new Map(rows.map((r) => [Number(r.year), r]));
  const out: CollectiveIncomeTotals[] = [];
  for (let y = from; y <= to; y++) out.push(new CollectiveIncomeTotals().setMeasures(y, byYear.get(y)));
  return out;
}

@ObjectType('CollectiveIncomeSeriesGroup', {
  description: '村集体收入序列分组 The yearly collective income of one group of villages (a village, a town, …), with its keys.',
})
export class CollectiveIncomeSeriesGroup {
  areaId: number | null = null;

  @Field(() => Area, {
    nullable: true,
    description:
      '区域 The platform, town or village of the group; null for villages under no area of the grouped level, and when not grouped by an area level.',
  })
  area(@Ctx() ctx: RequestContext): Promise<Area | null> | null {
    return this.areaId === null ? null : byIdLoader(ctx, Area).load(this.areaId);
  }

  @Field(() => Boolean, { nullable: true, description: '山区镇 Whether the villages lie in a mountain town; null when not grouped by it.' })
  mountain: boolean | null = null;

  @Field(() => [CollectiveIncomeTotals], {
    description: '各年 One entry per year of the range, oldest first, each against the year before it (change, growthRate).',
  })
  years: CollectiveIncomeTotals[] = [];
}

@ObjectType('CollectiveIncomeSeries', {
  description:
    '村集体收入序列 Village collective operating income over a range of years: for the villages in scope and, when grouped, per group, ' +
    'one entry per year with its total, change and growth on the year before. Villages missing a figure are listed per year, never taken as zero.',
})
export class CollectiveIncomeSeries {
  /** Set by the resolver: the statement behind `sources`, run only when asked. */
  loadSources?: () => Promise<SourceBreakdown>;

  @Field(
    () => SourceBreakdown,
    sourcesField('the figures of the villages in scope for every year of the range and the year before `from`, weighed by operating income'),
  )
  sources(): Promise<SourceBreakdown> {
    return loadSourcesOf(this);
  }

  @Field(() => Int, { description: '起始年度 First year of the range.' })
  from!: number;

  @Field(() => Int, { description: '截止年度 Last year of the range.' })
  to!: number;

  @Field(() => [CollectiveIncomeTotals], { description: '各年 One entry per year of the range over all villages in scope, oldest first.' })
  years: CollectiveIncomeTotals[] = [];

  @Field(() => [CollectiveIncomeSeriesGroup], {
    description:
      '分组 The groups, in the order of `orderBy` applied to the last year of the range (ties in key order), at most `first` of them; empty when not grouped.',
  })
  groups: CollectiveIncomeSeriesGroup[] = [];

  @Field(() => Int, { description: '分组数 Number of groups before `first` cut them (0 when not grouped).' })
  groupCount = 0;
}

/** `collectiveIncomeSeries(from, to, …)`: collective income per year over a range, in one statement. */
@Resolver()
export class CollectiveIncomeSeriesResolver {
  @Query(() => CollectiveIncomeSeries, {
    description:
      '村集体收入序列 Village collective economy operating income for every year from `from` to `to`, each with its change and growth ' +
      'on the year before, for the villages in scope (the district, a town, …) and, when grouped, per village, town or platform.',
  })
  async collectiveIncomeSeries(
    @Arg('from', () => Int, { description: '起始年度 First year; it is compared with the year before it.' }) from: number,
    @Arg('to', () => Int, { description: `截止年度 Last year (at most ${MAX_YEARS} years after \`from\`).` }) to: number,
    @Arg('filter', () => CollectiveIncomeSummaryFilter, { nullable: true, description: '筛选 Which villages and communities count.' })
    filter: CollectiveIncomeSummaryFilter | null,
    @Arg('groupBy', () => [CollectiveIncomeGrouping], { nullable: true, description: '分组 Dimensions to group by; at most one area level.' })
    groupBy: CollectiveIncomeGrouping[] | null,
    @Arg('orderBy', () => CollectiveIncomeGroupOrder, {
      defaultValue: CollectiveIncomeGroupOrder.KEY,
      description: '分组排序 Order of the groups, by their figures of the last year (`to`); ties in group key order.',
    })
    orderBy: CollectiveIncomeGroupOrder,
    @Arg('first', () => Int, FIRST_GROUPS_ARG) first: number | null,
    @Ctx() ctx: RequestContext,
  ): Promise<CollectiveIncomeSeries> {
    const problems = new ProblemList();
    checkIncomeYear(from, 'from', problems);
    checkIncomeYear(to, 'to', problems);
    problems.check(to >= from, 'to', `must not be before from (${from})`, to);
    problems.check(to - from < MAX_YEARS, 'to', `at most ${MAX_YEARS} years from ${from}`, to);
    const dims = checkDimensions(groupBy, problems);
    const limit = checkFirst(first, problems);
    checkIncomeKinds(filter, problems);
    problems.throwIfAny();
    await checkKnownCodes(ctx, incomeFilterCodes(filter));

    const sql = new Sql(ctx);
    const { ctes, facts } = incomeFactsOver(sql, { from, to }, filter);
    const all = [...ctes, `facts as (${facts})`, `overall as (select x._year as year, ${INCOME_MEASURES} from facts x group by x._year)`];
    let groupsSelect = `'[]'::json as groups, 0 as group_count`;
    if (dims.length > 0) {
      const { columns, aliases, joins, order } = dimensionSql(dims);
      all.push(`groups as (select ${columns.join(', ')}, x._year as year, ${INCOME_MEASURES} from facts x ${joins} group by ${aliases.join(', ')}, x._year)`);
      all.push(
        `ranked as (select ${aliases.map((a) => `g.${a}`).join(', ')}, ` +
          `row_number() over (order by ${[...INCOME_GROUP_ORDER[orderBy]!, ...order].join(', ')}) as _rank from groups g where g.year = ${sql.v(to, 'int')})`,
      );
      const match = aliases.map((a) => `g.${a} is not distinct from r.${a}`).join(' and ');
      const cut = limit === null ? '' : ` where r._rank <= ${sql.v(limit, 'int')}`;
      groupsSelect =
        `(select coalesce(json_agg(g order by r._rank, g.year), '[]') from groups g join ranked r on ${match}${cut}) as groups, ` +
        '(select count(*) from ranked)::int as group_count';
    }
    const [row] = await sql.run<{ overall: YearRow[]; groups: (YearRow & KeyRow)[]; group_count: number }>(
      `with ${all.join(',\n')}\nselect (select coalesce(json_agg(o order by o.year), '[]') from overall o) as overall, ${groupsSelect}`,
    );

    const result = Object.assign(new CollectiveIncomeSeries(), { from, to });
    result.years = yearsOf(from, to, row!.overall);
    const groups: { key: string; first: YearRow & KeyRow; rows: YearRow[] }[] = [];
    for (const g of row!.groups) {
      const key = JSON.stringify([g.k_area ?? null, g.k_mountain ?? null]);
      const last = groups.at(-1);
      if (last && last.key === key) last.rows.push(g);
      else groups.push({ key, first: g, rows: [g] });
    }
    result.groups = groups.map((g) =>
      Object.assign(new CollectiveIncomeSeriesGroup(), {
        areaId: g.first.k_area ?? null,
        mountain: g.first.k_mountain ?? null,
        years: yearsOf(from, to, g.rows),
      }),
    );
    result.groupCount = Number(row!.group_count);
    result.loadSources = () => {
      const s = new Sql(ctx);
      const q = incomeFactsOver(s, { from, to }, filter);
      return incomeSources(s, q.ctes, q.facts, from - 1, to);
    };
    return result;
  }
}
