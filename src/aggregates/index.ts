import type { ClassType } from 'type-graphql';
import { CollectiveIncomeSeriesResolver } from './collective-income-series.resolver.js';
import { CollectiveIncomeSummaryResolver } from './collective-income-summary.resolver.js';
import { FundsResolver } from './funds.resolver.js';
import { FundsLandedResolver } from './funds-landed.resolver.js';
import { ProjectTiersResolver } from './project-tiers.resolver.js';
import { AreaAggregatesResolver, EnterpriseAggregatesResolver, PairingAggregatesResolver, ProjectAggregatesResolver } from './shortcuts.resolver.js';
import { WorkshopSummaryResolver } from './workshop-summary.resolver.js';

/** Resolver classes of this feature, collected by src/schema/build.ts. */
export const resolvers: ClassType[] = [
  FundsLandedResolver,
  FundsResolver,
  ProjectTiersResolver,
  CollectiveIncomeSummaryResolver,
  CollectiveIncomeSeriesResolver,
  AreaAggregatesResolver,
  PairingAggregatesResolver,
  EnterpriseAggregatesResolver,
  ProjectAggregatesResolver,
  WorkshopSummaryResolver,
];
