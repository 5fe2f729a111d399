import { Arg, Ctx, Field, Int, ObjectType } from 'type-graphql';
import { Area } from '../area/area.entity.js';
import type { RequestContext } from '../common/context.js';
import { ratio, toUnit } from '../common/decimal.js';
import { UNIT_ARG } from '../common/inputs.js';
import { byIdLoader } from '../common/query.js';
import { MoneyScalar, MoneyUnit } from '../common/scalars.js';
import type { KeyRow } from './grouping.js';
import { DecimalScalar, growth, moneyIn, quotientIn, SCALE_ARG } from './money.js';
import { loadSourcesOf, SourceBreakdown, sourcesField } from './sources.js';

/** Measures of a set of villages for a year and the one before, as the database returns them. */
export interface IncomeRow {
  villages: number;
  reporting: number;
  prev_reporting: number;
  comparable: number;
  total: string;
  prev_total: string;
  /** sum of (this year − last year) over the villages with both */
  change: string;
  /** last year's sum over the villages with both */
  comparable_prev: string;
  missing_current: number[];
  missing_previous: number[];
}

const DEFAULT_GROWTH_SCALE = 4;

@ObjectType('CollectiveIncomeTotals', {
  description:
    '村集体经济经营性收入汇总 Village collective economy operating income of a set of villages and communities for a year, ' +
    'compared with the year before. A village without a figure for a year is never taken as zero: it is left out of that ' +
    'year’s total and listed in `missingCurrent`/`missingPrevious`; change and growth compare only villages with both figures.',
})
export class CollectiveIncomeTotals {
  @Field(() => Int, { description: '年度 The year summed.' })
  year!: number;

  @Field(() => Int, { description: '上年 The year compared with (year − 1).' })
  previousYear!: number;

  @Field(() => Int, { description: '村社总数 Villages and communities in scope, with or without figures.' })
  villagesInScope = 0;

  @Field(() => Int, { description: '村数 Villages with a figure for the year: the ones in `total` and `average`.' })
  villageCount = 0;

  @Field(() => Int, { description: '上年村数 Villages with a figure for the previous year: the ones in `previousTotal`.' })
  previousVillageCount = 0;

  @Field(() => Int, { description: '可比村数 Villages with figures for both years: the ones `change` and `growthRate` compare.' })
  comparableVillageCount = 0;

  /** Exact decimal yuan. */
  totalYuan = '0';
  previousYuan = '0';
  changeYuan = '0';
  comparablePreviousYuan = '0';
  missingCurrentIds: number[] = [];
  missingPreviousIds: number[] = [];

  @Field(() => MoneyScalar, { description: '经营性收入 Operating income of the year, summed over the villages with a figure.' })
  total(@Arg('unit', () => MoneyUnit, UNIT_ARG) unit: MoneyUnit, @Arg('scale', () => Int, SCALE_ARG) scale: number | null): string {
    return moneyIn(this.totalYuan, unit, scale);
  }

  @Field(() => MoneyScalar, { description: '上年经营性收入 Operating income of the previous year, summed over the villages with a figure for it.' })
  previousTotal(@Arg('unit', () => MoneyUnit, UNIT_ARG) unit: MoneyUnit, @Arg('scale', () => Int, SCALE_ARG) scale: number | null): string {
    return moneyIn(this.previousYuan, unit, scale);
  }

  @Field(() => MoneyScalar, {
    nullable: true,
    description:
      '增量 Sum of (this year − previous year) over the villages with both figures (= total − previousTotal when `complete`); ' +
      'null when no village has both.',
  })
  change(@Arg('unit', () => MoneyUnit, UNIT_ARG) unit: MoneyUnit, @Arg('scale', () => Int, SCALE_ARG) scale: number | null): string | null {
    return this.comparableVillageCount === 0 ? null : moneyIn(this.changeYuan, unit, scale);
  }

  @Field(() => DecimalScalar, {
    nullable: true,
    description:
      '增长率 Growth rate = change / previous-year income of the same villages, exact and rounded half away from zero to `scale` places; ' +
      'null when no village has both figures or their previous-year income is zero.',
  })
  growthRate(
    @Arg('asPercent', () => Boolean, { defaultValue: false, description: '百分比 Return a percentage (13.04 for 13.04%) instead of a fraction (0.1304).' })
    asPercent: boolean,
    @Arg('scale', () => Int, { defaultValue: DEFAULT_GROWTH_SCALE, description: '小数位 Decimal places of the returned number (0–12).' })
    scale: number,
  ): string | null {
    if (this.comparableVillageCount === 0) return null;
    return growth(this.changeYuan, this.comparablePreviousYuan, asPercent, scale);
  }

  @Field(() => MoneyScalar, {
    nullable: true,
    description:
      '村均 Average per village with a figure (total / villageCount), rounded half away from zero to `scale` places of the unit, ' +
      'or to the fen (0.01 元) when `scale` is left out; null when no village has a figure.',
  })
  average(@Arg('unit', () => MoneyUnit, UNIT_ARG) unit: MoneyUnit, @Arg('scale', () => Int, SCALE_ARG) scale: number | null): string | null {
    if (this.villageCount === 0) return null;
    const count = String(this.villageCount);
    if (scale === null || scale === undefined) return toUnit(ratio(this.totalYuan, count, 2)!, unit);
    return quotientIn(this.totalYuan, count, unit, scale);
  }

  @Field(() => Boolean, { description: '数据完整 Whether every village in scope has figures for both years.' })
  get complete(): boolean {
    return this.comparableVillageCount === this.villagesInScope;
  }

  @Field(() => [Area], { description: '缺当年数据 Villages in scope without a figure for the year, by code.' })
  missingCurrent(@Ctx() ctx: RequestContext): Promise<(Area | Error)[]> {
    return byIdLoader(ctx, Area).loadMany(this.missingCurrentIds) as Promise<(Area | Error)[]>;
  }

  @Field(() => [Area], { description: '缺上年数据 Villages in scope without a figure for the previous year, by code.' })
  missingPrevious(@Ctx() ctx: RequestContext): Promise<(Area | Error)[]> {
    return byIdLoader(ctx, Area).loadMany(this.missingPreviousIds) as Promise<(Area | Error)[]>;
  }

  setMeasures(year: number, row: IncomeRow | undefined): this {
    this.year = year;
    this.previousYear = year - 1;
    this.villagesInScope = row?.villages ?? 0;
    this.villageCount = row?.reporting ?? 0;
    this.previousVillageCount = row?.prev_reporting ?? 0;
    this.comparableVillageCount = row?.comparable ?? 0;
    this.totalYuan = row?.total ?? '0';
    this.previousYuan = row?.prev_total ?? '0';
    this.changeYuan = row?.change ?? '0';
    this.comparablePreviousYuan = row?.comparable_prev ?? '0';
    this.missingCurrentIds = row?.missing_current ?? [];
    this.missingPreviousIds = row?.missing_previous ?? [];
    return this;
  }
}

@ObjectType('CollectiveIncomeGroup', { description: '村集体收入分组 Collective income of one group of villages, with its typed keys.' })
export class CollectiveIncomeGroup extends CollectiveIncomeTotals {
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

  setKeys(row: KeyRow): this {
    this.areaId = row.k_area ?? null;
    this.mountain = row.k_mountain ?? null;
    return this;
  }
}

@ObjectType('CollectiveIncomeSummary', {
  description: '村集体收入汇总 Collective income of the villages in scope and, when grouped, of each group (groups without villages are left out).',
})
export class CollectiveIncomeSummary extends CollectiveIncomeTotals {
  /** Set by the resolver: the statement behind `sources`, run only when asked. */
  loadSources?: () => Promise<SourceBreakdown>;

  @Field(() => SourceBreakdown, sourcesField('the figures of the villages in scope for the year and the year before, weighed by operating income'))
  sources(): Promise<SourceBreakdown> {
    return loadSourcesOf(this);
  }

  @Field(() => [CollectiveIncomeGroup], {
    description: '分组 The groups, in the order asked for (ties in key order), at most `first` of them; empty when not grouped.',
  })
  groups: CollectiveIncomeGroup[] = [];

  @Field(() => Int, { description: '分组数 Number of groups before `first` cut them (0 when not grouped).' })
  groupCount = 0;
}
