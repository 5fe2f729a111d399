import { Arg, Field, Int, ObjectType } from 'type-graphql';
import { UNIT_ARG } from '../common/inputs.js';
import { MoneyScalar, MoneyUnit } from '../common/scalars.js';
import { WithGroupKeys } from './group-keys.types.js';
import { DecimalScalar, growth, moneyIn, SCALE_ARG } from './money.js';
import { loadSourcesOf, SourceBreakdown, sourcesField } from './sources.js';

/** Measures of a set of fund flows of both kinds, as the database returns them. */
export interface FundsRow {
  committed: string;
  landed: string;
  projects: number;
  committed_projects: number;
  landed_projects: number;
}

/** Measures of committed and landed funds over facts `x` (see fundFlowFacts). */
export const FUNDS_MEASURES = [
  `coalesce(sum(x.amount) filter (where x._kind = 'COMMITMENT'), 0)::text as committed`,
  `coalesce(sum(x.amount) filter (where x._kind = 'LANDED'), 0)::text as landed`,
  'count(distinct x._pid)::int as projects',
  `count(distinct x._pid) filter (where x._kind = 'COMMITMENT')::int as committed_projects`,
  `count(distinct x._pid) filter (where x._kind = 'LANDED')::int as landed_projects`,
].join(', ');

/** The same measures over fund rollup rows `x` of one grain (distinct projects add up within a period). */
export const FUNDS_ROLLUP_MEASURES = [
  'coalesce(sum(x.committed), 0)::text as committed',
  'coalesce(sum(x.landed), 0)::text as landed',
  'coalesce(sum(x.projects), 0)::int as projects',
  'coalesce(sum(x.committed_projects), 0)::int as committed_projects',
  'coalesce(sum(x.landed_projects), 0)::int as landed_projects',
].join(', ');

const DEFAULT_SHARE_SCALE = 4;

@ObjectType('FundsTotals', {
  description:
    '承诺与落地资金 Funds committed (fund flows of kind COMMITMENT) and funds landed (kind LANDED) over the same projects and period, ' +
    'and the share landed. Exact decimal yuan; ask a field for 万元/亿元 with `unit`.',
})
export class FundsTotals {
  committedYuan = '0';
  landedYuan = '0';

  @Field(() => MoneyScalar, { description: '承诺资金 Sum of the commitments.' })
  committed(@Arg('unit', () => MoneyUnit, UNIT_ARG) unit: MoneyUnit, @Arg('scale', () => Int, SCALE_ARG) scale: number | null): string {
    return moneyIn(this.committedYuan, unit, scale);
  }

  @Field(() => MoneyScalar, { description: '落地资金 Sum of the landed funds.' })
  landed(@Arg('unit', () => MoneyUnit, UNIT_ARG) unit: MoneyUnit, @Arg('scale', () => Int, SCALE_ARG) scale: number | null): string {
    return moneyIn(this.landedYuan, unit, scale);
  }

  @Field(() => DecimalScalar, {
    nullable: true,
    description: '到位率 Share landed = landed / committed, exact and rounded half away from zero to `scale` places; null when nothing was committed.',
  })
  landedShare(
    @Arg('asPercent', () => Boolean, { defaultValue: false, description: '百分比 Return a percentage (85.5 for 85.5%) instead of a fraction (0.855).' })
    asPercent: boolean,
    @Arg('scale', () => Int, { defaultValue: DEFAULT_SHARE_SCALE, description: '小数位 Decimal places of the returned number (0–12).' })
    scale: number,
  ): string | null {
    return growth(this.landedYuan, this.committedYuan, asPercent, scale);
  }

  @Field(() => Int, { description: '项目数 Number of distinct projects with a commitment or a landing in the sums.' })
  projectCount = 0;

  @Field(() => Int, { description: '承诺项目数 Number of distinct projects with a commitment in the sum.' })
  committedProjectCount = 0;

  @Field(() => Int, { description: '落地项目数 Number of distinct projects with landed funds in the sum.' })
  landedProjectCount = 0;

  setMeasures(row: FundsRow | undefined): this {
    this.committedYuan = row?.committed ?? '0';
    this.landedYuan = row?.landed ?? '0';
    this.projectCount = row?.projects ?? 0;
    this.committedProjectCount = row?.committed_projects ?? 0;
    this.landedProjectCount = row?.landed_projects ?? 0;
    return this;
  }
}

@ObjectType('FundsGroup', { description: '资金分组 Committed and landed funds in one group, with its typed keys.' })
export class FundsGroup extends WithGroupKeys(FundsTotals, 'FundsGroup', 'the day of the fund flow') {}

@ObjectType('Funds', {
  description:
    '承诺与落地资金 Funds committed and landed: the totals over the filter and, when grouped, one entry per group that has ' +
    'a commitment or a landing (use `Area.funds`, `Pairing.funds` or `Project.funds` for figures that show zeros).',
})
export class Funds extends FundsTotals {
  /** Set by the resolver: the statement behind `sources`, run only when asked. */
  loadSources?: () => Promise<SourceBreakdown>;

  @Field(() => SourceBreakdown, sourcesField('the fund flows summed, commitments and landings alike, weighed by their amounts'))
  sources(): Promise<SourceBreakdown> {
    return loadSourcesOf(this);
  }

  @Field(() => [FundsGroup], {
    description:
      '分组 The groups, in the order of `orderBy` (by default by their keys in the order of `groupBy`, null keys last; ties always in key order), at most `first` of them; empty when not grouped.',
  })
  groups: FundsGroup[] = [];

  @Field(() => Int, { description: '分组数 Number of groups before `first` cut them (0 when not grouped).' })
  groupCount = 0;
}
