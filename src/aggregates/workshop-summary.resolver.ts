import { Arg, Ctx, Field, Int, ObjectType, Query, registerEnumType, Resolver } from 'type-graphql';
import { Area } from '../area/area.entity.js';
import type { RequestContext } from '../common/context.js';
import { ProblemList } from '../common/errors.js';
import { UNIT_ARG } from '../common/inputs.js';
import { checkKnownCodes } from '../common/known-codes.js';
import { byIdLoader } from '../common/query.js';
import { MoneyScalar, MoneyUnit } from '../common/scalars.js';
import { Enterprise } from '../enterprise/enterprise.entity.js';
import { WorkshopType } from '../workshop/workshop.entity.js';
import { WorkshopFilter } from '../workshop/workshop.inputs.js';
import { workshopFilterCodes, workshopWhere } from '../workshop/workshop.resolver.js';
import { checkDimensions, checkFirst, FIRST_GROUPS_ARG, groupedStatement, type KeyRow, splitGrouped } from './grouping.js';
import { quotientIn, SCALE_ARG } from './money.js';
import { loadSourcesOf, SourceBreakdown, sourcesField } from './sources.js';
import { sourceBreakdown } from './sources.js';
import { LEVEL_COLUMNS, Sql } from './sql.js';

/** What workshops can be grouped by. */
export enum WorkshopGrouping {
  TOWN_OR_PLATFORM = 'TOWN_OR_PLATFORM',
  PLATFORM = 'PLATFORM',
  TOWN = 'TOWN',
  VILLAGE = 'VILLAGE',
  MOUNTAIN = 'MOUNTAIN',
  TYPE = 'TYPE',
  HOST_ENTERPRISE = 'HOST_ENTERPRISE',
  YEAR = 'YEAR',
}
registerEnumType(WorkshopGrouping, {
  name: 'WorkshopGrouping',
  description: '共富工坊分组 A dimension to group workshops by; combine several, but at most one area level.',
  valuesConfig: {
    TOWN_OR_PLATFORM: { description: '街道/镇/平台 the area directly under the district the village lies in' },
    PLATFORM: { description: '平台 the platform the village lies in (null group for villages outside any platform)' },
    TOWN: { description: '街道/镇 the town the village lies in (null group for villages outside any town)' },
    VILLAGE: { description: '村社 the village or community that set the workshop up' },
    MOUNTAIN: { description: '山区镇 whether the village lies in a mountain town' },
    TYPE: { description: '类型 the workshop type' },
    HOST_ENTERPRISE: { description: '主办企业 the host enterprise (null group for workshops without one)' },
    YEAR: { description: '开办年度 the year the workshop opened (null group for workshops without an opening date)' },
  },
});

/** Order of the groups of workshops. */
export enum WorkshopGroupOrder {
  KEY = 'KEY',
  WORKSHOP_COUNT_DESC = 'WORKSHOP_COUNT_DESC',
  JOBS_CREATED_DESC = 'JOBS_CREATED_DESC',
  INCOME_GAIN_DESC = 'INCOME_GAIN_DESC',
}
registerEnumType(WorkshopGroupOrder, {
  name: 'WorkshopGroupOrder',
  description: '共富工坊分组排序 Order of the groups; ties in group key order.',
  valuesConfig: {
    KEY: { description: '按分组键 by the group keys, in the order of `groupBy` (null keys last)' },
    WORKSHOP_COUNT_DESC: { description: '工坊数降序 most workshops first' },
    JOBS_CREATED_DESC: { description: '就业人数降序 most jobs created first' },
    INCOME_GAIN_DESC: { description: '人均增收降序 largest income gain per person first (groups where none reports it last)' },
  },
});

const WORKSHOP_GROUP_ORDER: Record<WorkshopGroupOrder, string[]> = {
  KEY: [],
  WORKSHOP_COUNT_DESC: ['g.workshops desc'],
  JOBS_CREATED_DESC: ['g.jobs desc'],
  INCOME_GAIN_DESC: ['g.weighted_gain::numeric / nullif(g.reporting_jobs::numeric, 0) desc nulls last'],
};

/** Measures of a set of workshops, as the database returns them. */
interface WorkshopRow {
  workshops: number;
  jobs: number;
  low_income: number;
  /** Σ jobs × gain over workshops that report a gain, and Σ jobs over them (exact decimals). */
  weighted_gain: string;
  reporting_jobs: string;
}

const WORKSHOP_MEASURES = [
  'count(*)::int as workshops',
  'coalesce(sum(x.jobs_created), 0)::int as jobs',
  'coalesce(sum(x.low_income_jobs), 0)::int as low_income',
  'coalesce(sum(x.jobs_created * x.income_gain_per_person), 0)::text as weighted_gain',
  'coalesce(sum(x.jobs_created) filter (where x.income_gain_per_person is not null), 0)::text as reporting_jobs',
].join(', ');

/** The same measures over `workshop_rollup` rows `x` (they add up). */
const WORKSHOP_ROLLUP_MEASURES = [
  'coalesce(sum(x.workshops), 0)::int as workshops',
  'coalesce(sum(x.jobs), 0)::int as jobs',
  'coalesce(sum(x.low_income), 0)::int as low_income',
  'coalesce(sum(x.weighted_gain), 0)::text as weighted_gain',
  'coalesce(sum(x.reporting_jobs), 0)::text as reporting_jobs',
].join(', ');

/** Totals over common-prosperity workshops. */
@ObjectType('WorkshopTotals', { description: '共富工坊合计 Number of workshops, jobs created and income gain per person of a set of workshops.' })
export class WorkshopTotals {
  @Field(() => Int, { description: '工坊数 Number of workshops.' })
  workshopCount = 0;

  @Field(() => Int, { description: '带动就业人数 People employed, summed.' })
  jobsCreated = 0;

  @Field(() => Int, { description: '其中低收入 Of them, low-income people, summed.' })
  lowIncomeJobs = 0;

  weightedGain = '0';
  reportingJobs = '0';

  @Field(() => MoneyScalar, {
    nullable: true,
    description: '人均年增收 Income gain per person per year, averaged over the workshops that report it, weighted by their jobs; null when none reports it.',
  })
  incomeGainPerPerson(
    @Arg('unit', () => MoneyUnit, UNIT_ARG) unit: MoneyUnit,
    @Arg('scale', () => Int, { ...SCALE_ARG, defaultValue: 2 }) scale: number,
  ): string | null {
    return quotientIn(this.weightedGain, this.reportingJobs, unit, scale);
  }

  setMeasures(row: WorkshopRow | undefined): this {
    this.workshopCount = row?.workshops ?? 0;
    this.jobsCreated = row?.jobs ?? 0;
    this.lowIncomeJobs = row?.low_income ?? 0;
    this.weightedGain = row?.weighted_gain ?? '0';
    this.reportingJobs = row?.reporting_jobs ?? '0';
    return this;
  }
}

const NOT_GROUPED = 'null when not grouped by it';

@ObjectType('WorkshopSummaryGroup', { description: '共富工坊分组 Workshop totals of one group, with its typed keys.' })
export class WorkshopSummaryGroup extends WorkshopTotals {
  areaId: number | null = null;
  hostId: number | null = null;

  @Field(() => Area, {
    nullable: true,
    description: `区域 The area at the grouped level the workshops' villages belong to; null for villages under no area of that level, and ${NOT_GROUPED}.`,
  })
  area(@Ctx() ctx: RequestContext): Promise<Area | null> | null {
    return this.areaId === null ? null : byIdLoader(ctx, Area).load(this.areaId);
  }

  @Field(() => Boolean, { nullable: true, description: `山区镇 Whether the villages lie in a mountain town; ${NOT_GROUPED}.` })
  mountain: boolean | null = null;

  @Field(() => WorkshopType, { nullable: true, description: `类型 Workshop type; ${NOT_GROUPED}.` })
  type: WorkshopType | null = null;

  @Field(() => Enterprise, { nullable: true, description: `主办企业 Host enterprise; null for workshops without one, and ${NOT_GROUPED}.` })
  hostEnterprise(@Ctx() ctx: RequestContext): Promise<Enterprise | null> | null {
    return this.hostId === null ? null : byIdLoader(ctx, Enterprise).load(this.hostId);
  }

  @Field(() => Int, { nullable: true, description: `开办年度 Year the workshops opened; null for workshops without an opening date, and ${NOT_GROUPED}.` })
  year: number | null = null;

  setKeys(row: KeyRow): this {
    this.areaId = row.k_area ?? null;
    this.mountain = row.k_mountain ?? null;
    this.type = (row.k_type as WorkshopType | null | undefined) ?? null;
    this.hostId = row.k_host ?? null;
    this.year = row.k_year ?? null;
    return this;
  }
}

@ObjectType('WorkshopSummary', { description: '共富工坊汇总 Totals over the workshops matching a filter and, when grouped, per group.' })
export class WorkshopSummary extends WorkshopTotals {
  /** Set by the resolver: the statement behind `sources`, run only when asked. */
  loadSources?: () => Promise<SourceBreakdown>;

  @Field(() => SourceBreakdown, sourcesField('the workshops counted, weighed by record (no amount)'))
  sources(): Promise<SourceBreakdown> {
    return loadSourcesOf(this);
  }

  @Field(() => [WorkshopSummaryGroup], {
    description:
      '分组 The groups, in the order of `orderBy` (by default by their keys in the order of `groupBy`, null keys last; ties always in key order), at most `first` of them; empty when not grouped.',
  })
  groups: WorkshopSummaryGroup[] = [];

  @Field(() => Int, { description: '分组数 Number of groups before `first` cut them (0 when not grouped).' })
  groupCount = 0;
}

@Resolver(() => WorkshopSummary)
export class WorkshopSummaryResolver {
  @Query(() => WorkshopSummary, {
    description:
      '共富工坊汇总 Number of workshops, jobs created and income gain per person, over a filter, optionally grouped (by town, type, opening year, …), computed in SQL.',
  })
  async workshopSummary(
    @Arg('filter', () => WorkshopFilter, { nullable: true, description: '筛选 Which workshops count.' }) filter: WorkshopFilter | null,
    @Arg('groupBy', () => [WorkshopGrouping], { nullable: true, description: '分组 Dimensions to group by, in key order; at most one area level.' })
    groupBy: WorkshopGrouping[] | null,
    @Arg('orderBy', () => WorkshopGroupOrder, { defaultValue: WorkshopGroupOrder.KEY, description: '分组排序 Order of the groups; ties in group key order.' })
    orderBy: WorkshopGroupOrder,
    @Arg('first', () => Int, FIRST_GROUPS_ARG) first: number | null,
    @Ctx() ctx: RequestContext,
  ): Promise<WorkshopSummary> {
    const problems = new ProblemList();
    const dims = checkDimensions(groupBy, problems);
    const limit = checkFirst(first, problems);
    problems.throwIfAny();
    await checkKnownCodes(ctx, workshopFilterCodes(filter));
    const sql = new Sql(ctx);
    const knex = ctx.em.getKnex();
    const chosen = knex({ t: 'workshop' }).select('t.id');
    workshopWhere(filter)(chosen, knex);
    // Note: workshop_rollup carries village, type, host and opening year; a name or an opening-date range needs the workshops.
    const fromRollup = !filter?.nameContains && !filter?.openedOn;
    let facts: string;
    if (fromRollup) {
      const cells = knex({ t: 'workshop_rollup' }).select('t.*');
      workshopWhere(filter)(cells, knex);
      facts =
        'select r.type as _type, r.host_enterprise_id as _host, make_date(r.opened_year, 1, 1) as _date, r.workshops, r.jobs, r.low_income, r.weighted_gain, r.reporting_jobs, ' +
        `${LEVEL_COLUMNS} from (${sql.sub(cells)}) r left join area_ancestry al on al.area_id = r.village_id`;
    } else {
      facts =
        'select w.id as _wid, w.jobs_created, w.low_income_jobs, w.income_gain_per_person, w.type as _type, ' +
        `w.host_enterprise_id as _host, w.opened_on as _date, ${LEVEL_COLUMNS} ` +
        `from workshop w left join area_ancestry al on al.area_id = w.village_id where w.id in (${sql.sub(chosen)})`;
    }
    const measures = fromRollup ? WORKSHOP_ROLLUP_MEASURES : WORKSHOP_MEASURES;
    const rows = await sql.run<{ overall: WorkshopRow; grp: (WorkshopRow & KeyRow) | null; group_count: number }>(
      groupedStatement({ ctes: [], facts, measures, dims, orderFirst: WORKSHOP_GROUP_ORDER[orderBy], limit: limit === null ? null : sql.v(limit, 'int') }),
    );
    const { overall, groups, groupCount } = splitGrouped(rows);
    const result = new WorkshopSummary().setMeasures(overall);
    result.groups = groups.map((g) => new WorkshopSummaryGroup().setMeasures(g).setKeys(g));
    result.groupCount = groupCount;
    result.loadSources = () => {
      const s = new Sql(ctx);
      return sourceBreakdown(s, { ctes: [], records: `select w.source as _source from workshop w where w.id in (${s.sub(chosen)})`, withAmount: false });
    };
    return result;
  }
}
