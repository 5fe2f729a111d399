import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { Area } from '../area/area.entity.js';
import type { RequestContext } from '../common/context.js';
import { ProblemList } from '../common/errors.js';
import { Enterprise } from '../enterprise/enterprise.entity.js';
import { Pairing } from '../pairing/pairing.entity.js';
import { Project } from '../project/project.entity.js';
import {
  areaFundsLandedLoader,
  areaFundsLoader,
  areaIncomeLoader,
  enterpriseTiersLoader,
  pairingFundsLandedLoader,
  pairingFundsLoader,
  projectFundsLoader,
} from './aggregate.loaders.js';
import { checkIncomeYear } from './collective-income-summary.resolver.js';
import { CollectiveIncomeTotals } from './collective-income-summary.types.js';
import { FundsTotals } from './funds.types.js';
import { FundsLandedTotal } from './funds-landed.types.js';
import { type DateBounds, periodBounds, PeriodInput } from './period.input.js';
import { ProjectTiersFilter } from './project-tiers.inputs.js';
import { tierBounds } from './project-tiers.resolver.js';
import { ProjectTierSummary } from './project-tiers.types.js';

const PERIOD_ARG = { nullable: true, description: '期间 Only funds that landed within this period; all time when left out.' };
const FLOW_PERIOD_ARG = { nullable: true, description: '期间 Only fund flows (commitments and landings) dated within this period; all time when left out.' };

function checkedPeriod(period: PeriodInput | null): DateBounds {
  const problems = new ProblemList();
  const bounds = periodBounds(period, 'period', problems);
  problems.throwIfAny();
  return bounds;
}

/** `Area.fundsLanded` and `Area.collectiveIncome`, batched per request. */
@Resolver(() => Area)
export class AreaAggregatesResolver {
  @FieldResolver(() => FundsLandedTotal, { description: '落地资金 Funds landed in projects hosted in this area or anywhere under it (zero when none).' })
  fundsLanded(@Root() area: Area, @Arg('period', () => PeriodInput, PERIOD_ARG) period: PeriodInput | null, @Ctx() ctx: RequestContext) {
    return areaFundsLandedLoader(ctx, checkedPeriod(period)).load(area.id);
  }

  @FieldResolver(() => FundsTotals, {
    description: '承诺与落地资金 Funds committed to and landed in projects hosted in this area or anywhere under it, and the share landed (zeros when none).',
  })
  funds(@Root() area: Area, @Arg('period', () => PeriodInput, FLOW_PERIOD_ARG) period: PeriodInput | null, @Ctx() ctx: RequestContext) {
    return areaFundsLoader(ctx, checkedPeriod(period)).load(area.id);
  }

  @FieldResolver(() => CollectiveIncomeTotals, {
    description:
      '村集体经济经营性收入 Collective operating income of the villages and communities in this area or under it (a village: its own) for a year, against the year before.',
  })
  collectiveIncome(
    @Root() area: Area,
    @Arg('year', () => Int, { description: '年度 The year; compared with the year before.' }) year: number,
    @Ctx() ctx: RequestContext,
  ) {
    const problems = new ProblemList();
    checkIncomeYear(year, 'year', problems);
    problems.throwIfAny();
    return areaIncomeLoader(ctx, year).load(area.id);
  }
}

/** `Pairing.fundsLanded`, batched per request. */
@Resolver(() => Pairing)
export class PairingAggregatesResolver {
  @FieldResolver(() => FundsLandedTotal, { description: '落地资金 Funds landed in projects signed under this pairing (zero when none).' })
  fundsLanded(@Root() pairing: Pairing, @Arg('period', () => PeriodInput, PERIOD_ARG) period: PeriodInput | null, @Ctx() ctx: RequestContext) {
    return pairingFundsLandedLoader(ctx, checkedPeriod(period)).load(pairing.id);
  }

  @FieldResolver(() => FundsTotals, {
    description: '承诺与落地资金 Funds committed to and landed in projects signed under this pairing, and the share landed (zeros when none).',
  })
  funds(@Root() pairing: Pairing, @Arg('period', () => PeriodInput, FLOW_PERIOD_ARG) period: PeriodInput | null, @Ctx() ctx: RequestContext) {
    return pairingFundsLoader(ctx, checkedPeriod(period)).load(pairing.id);
  }
}

/** `Project.funds`, batched per request. */
@Resolver(() => Project)
export class ProjectAggregatesResolver {
  @FieldResolver(() => FundsTotals, { description: '承诺与落地资金 Funds committed to and landed in this project, and the share landed (zeros when none).' })
  funds(@Root() project: Project, @Arg('period', () => PeriodInput, FLOW_PERIOD_ARG) period: PeriodInput | null, @Ctx() ctx: RequestContext) {
    return projectFundsLoader(ctx, checkedPeriod(period)).load(project.id);
  }
}

/** `Enterprise.projectTiers`, batched per request. */
@Resolver(() => Enterprise)
export class EnterpriseAggregatesResolver {
  @FieldResolver(() => ProjectTierSummary, { description: '投资项目档次 Tiers of the projects this enterprise invests in (cumulative thresholds).' })
  projectTiers(
    @Root() enterprise: Enterprise,
    @Arg('filter', () => ProjectTiersFilter, { nullable: true, description: '筛选 Which of its projects count.' }) filter: ProjectTiersFilter | null,
    @Ctx() ctx: RequestContext,
  ) {
    const problems = new ProblemList();
    const bounds = tierBounds(filter, 'filter', problems);
    problems.throwIfAny();
    return enterpriseTiersLoader(ctx, filter, bounds).load(enterprise.id);
  }
}
