import { Arg, Field, Int, ObjectType } from 'type-graphql';
import { UNIT_ARG } from '../common/inputs.js';
import { MoneyScalar, MoneyUnit } from '../common/scalars.js';
import { InvestmentTier, TIER_THRESHOLD } from '../project/project.enums.js';
import { Month, Quarter, WithGroupKeys } from './group-keys.types.js';
import type { KeyRow } from './grouping.js';
import { moneyIn, SCALE_ARG } from './money.js';
import { loadSourcesOf, SourceBreakdown, sourcesField } from './sources.js';

/** The cumulative thresholds reported, lowest first. */
export const REPORTED_TIERS = [InvestmentTier.YI_1, InvestmentTier.YI_10, InvestmentTier.YI_50] as const;

/** Measures of a set of projects, as the database returns them: `n_<tier>`/`s_<tier>` per reported tier. */
export type ProjectTiersRow = { projects: number; total: string } & Record<string, number | string>;

@ObjectType('TierCount', { description: '档次统计 Projects whose signed amount reaches one threshold (cumulative: ≥10亿 includes ≥50亿).' })
export class TierCount {
  @Field(() => InvestmentTier, { description: '档次 The tier whose lower bound is the threshold (BELOW_1YI: threshold 0, so every project).' })
  tier!: InvestmentTier;

  @Field(() => MoneyScalar, { description: '门槛 The threshold: signed amount at least this.' })
  threshold(@Arg('unit', () => MoneyUnit, UNIT_ARG) unit: MoneyUnit, @Arg('scale', () => Int, SCALE_ARG) scale: number | null): string {
    return moneyIn(TIER_THRESHOLD[this.tier], unit, scale);
  }

  @Field(() => Int, { description: '项目数 Number of projects at or above the threshold.' })
  projectCount = 0;

  /** Exact decimal yuan. */
  signedYuan = '0';

  @Field(() => MoneyScalar, { description: '签约金额 Their signed investment, summed.' })
  signedAmount(@Arg('unit', () => MoneyUnit, UNIT_ARG) unit: MoneyUnit, @Arg('scale', () => Int, SCALE_ARG) scale: number | null): string {
    return moneyIn(this.signedYuan, unit, scale);
  }
}

function tierCount(tier: InvestmentTier, projectCount: number, signedYuan: string): TierCount {
  return Object.assign(new TierCount(), { tier, projectCount, signedYuan });
}

@ObjectType('ProjectTierSummary', {
  description:
    '项目档次汇总 Signed projects and their signed investment: in all, and per cumulative tier threshold (≥1亿, ≥10亿, ≥50亿; 1亿 = 100,000,000 元).',
})
export class ProjectTierSummary {
  @Field(() => Int, { description: '项目数 Number of projects, whatever their amount.' })
  projectCount = 0;

  /** Exact decimal yuan. */
  signedYuan = '0';

  @Field(() => MoneyScalar, { description: '签约金额 Signed investment of all of them, summed.' })
  signedAmount(@Arg('unit', () => MoneyUnit, UNIT_ARG) unit: MoneyUnit, @Arg('scale', () => Int, SCALE_ARG) scale: number | null): string {
    return moneyIn(this.signedYuan, unit, scale);
  }

  @Field(() => [TierCount], { description: '档次 One entry per threshold, lowest first: YI_1 (≥1亿), YI_10 (≥10亿), YI_50 (≥50亿); cumulative.' })
  tiers: TierCount[] = REPORTED_TIERS.map((t) => tierCount(t, 0, '0'));

  @Field(() => TierCount, { description: '不低于 The entry for one threshold (BELOW_1YI gives every project).' })
  atLeast(@Arg('tier', () => InvestmentTier, { description: '档次 The tier whose threshold counts.' }) tier: InvestmentTier): TierCount {
    return this.tiers.find((t) => t.tier === tier) ?? tierCount(InvestmentTier.BELOW_1YI, this.projectCount, this.signedYuan);
  }

  setMeasures(row: ProjectTiersRow | undefined): this {
    this.projectCount = row?.projects ?? 0;
    this.signedYuan = row?.total ?? '0';
    this.tiers = REPORTED_TIERS.map((t) => tierCount(t, Number(row?.[`n_${t.toLowerCase()}`] ?? 0), String(row?.[`s_${t.toLowerCase()}`] ?? '0')));
    return this;
  }
}

const NOT_LANDED = 'null for projects that have not landed, and when not grouped by it';

@ObjectType('ProjectTiersGroup', { description: '项目档次分组 Project tiers in one group, with its typed keys.' })
export class ProjectTiersGroup extends WithGroupKeys(ProjectTierSummary, 'ProjectTiersGroup', 'the signing date') {
  @Field(() => Int, { nullable: true, description: `落地年度 Year the projects landed (LANDED_YEAR); ${NOT_LANDED}.` })
  landedYear: number | null = null;

  @Field(() => Quarter, { nullable: true, description: `落地季度 Quarter the projects landed (LANDED_QUARTER); ${NOT_LANDED}.` })
  landedQuarter: Quarter | null = null;

  @Field(() => Month, { nullable: true, description: `落地月份 Month the projects landed (LANDED_MONTH); ${NOT_LANDED}.` })
  landedMonth: Month | null = null;

  /** Copies the landing-time key columns of a grouped row. */
  setLandedKeys(row: KeyRow): this {
    this.landedYear = row.k_landed_year ?? null;
    this.landedQuarter = row.k_landed_quarter ? { year: row.k_landed_quarter_year!, quarter: row.k_landed_quarter } : null;
    this.landedMonth = row.k_landed_month ? { year: row.k_landed_month_year!, month: row.k_landed_month } : null;
    return this;
  }
}

@ObjectType('ProjectTiers', {
  description: '项目档次 Project tiers over the filter and, when grouped, one entry per group that has projects (groups without projects are left out).',
})
export class ProjectTiers extends ProjectTierSummary {
  /** Set by the resolver: the statement behind `sources`, run only when asked. */
  loadSources?: () => Promise<SourceBreakdown>;

  @Field(() => SourceBreakdown, sourcesField('the projects counted, weighed by record (`amount`: their signed amounts)'))
  sources(): Promise<SourceBreakdown> {
    return loadSourcesOf(this);
  }

  @Field(() => [ProjectTiersGroup], {
    description:
      '分组 The groups, in the order of `orderBy` (by default by their keys in the order of `groupBy`, null keys last; ties always in key order), at most `first` of them; empty when not grouped.',
  })
  groups: ProjectTiersGroup[] = [];

  @Field(() => Int, { description: '分组数 Number of groups before `first` cut them (0 when not grouped).' })
  groupCount = 0;
}
