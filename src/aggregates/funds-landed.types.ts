import { Arg, Field, Int, ObjectType } from 'type-graphql';
import { UNIT_ARG } from '../common/inputs.js';
import { MoneyScalar, MoneyUnit } from '../common/scalars.js';
import { WithGroupKeys } from './group-keys.types.js';
import { moneyIn, SCALE_ARG } from './money.js';
import { loadSourcesOf, SourceBreakdown, sourcesField } from './sources.js';

/** Measures of a set of landed fund flows, as the database returns them. */
export interface FundsLandedRow {
  total: string;
  projects: number;
}

@ObjectType('FundsLandedTotal', { description: '落地资金合计 Funds landed (fund flows of kind LANDED) and the number of distinct projects they landed in.' })
export class FundsLandedTotal {
  /** Exact decimal yuan. */
  totalYuan = '0';

  @Field(() => MoneyScalar, { description: '落地资金 Sum of the landed fund flows.' })
  total(@Arg('unit', () => MoneyUnit, UNIT_ARG) unit: MoneyUnit, @Arg('scale', () => Int, SCALE_ARG) scale: number | null): string {
    return moneyIn(this.totalYuan, unit, scale);
  }

  @Field(() => Int, { description: '项目数 Number of distinct projects with landed funds in the sum.' })
  projectCount = 0;

  setMeasures(row: FundsLandedRow | undefined): this {
    this.totalYuan = row?.total ?? '0';
    this.projectCount = row?.projects ?? 0;
    return this;
  }
}

@ObjectType('FundsLandedGroup', { description: '落地资金分组 Funds landed in one group, with its typed keys.' })
export class FundsLandedGroup extends WithGroupKeys(FundsLandedTotal, 'FundsLandedGroup', 'the day the funds landed') {}

@ObjectType('FundsLanded', {
  description:
    '落地资金 Funds landed: the total over the filter and, when grouped, one entry per group that has funds ' +
    '(groups without any landed funds are left out; use `Area.fundsLanded` for a list that shows zeros).',
})
export class FundsLanded extends FundsLandedTotal {
  /** Set by the resolver: the statement behind `sources`, run only when asked. */
  loadSources?: () => Promise<SourceBreakdown>;

  @Field(() => SourceBreakdown, sourcesField('the landed fund flows summed, weighed by their amounts'))
  sources(): Promise<SourceBreakdown> {
    return loadSourcesOf(this);
  }

  @Field(() => [FundsLandedGroup], {
    description:
      '分组 The groups, in the order of `orderBy` (by default by their keys in the order of `groupBy`, null keys last; ties always in key order), at most `first` of them; empty when not grouped.',
  })
  groups: FundsLandedGroup[] = [];

  @Field(() => Int, { description: '分组数 Number of groups before `first` cut them (0 when not grouped).' })
  groupCount = 0;
}
