import { CollectiveIncomeSummaryResolver } from './collective-income-summary.resolver.js';
import { FundsLandedResolver } from './funds-landed.resolver.js';
import { ProjectTiersResolver } from './project-tiers.resolver.js';
import { WorkshopSummaryResolver } from './workshop-summary.resolver.js';
import { AreaAggregatesResolver, EnterpriseAggregatesResolver, PairingAggregatesResolver } from './shortcuts.resolver.js';

/** Resolver classes of this feature, collected by src/schema/build.ts. */
export const resolvers: Function[] = [
  FundsLandedResolver,
  ProjectTiersResolver,
  CollectiveIncomeSummaryResolver,
  AreaAggregatesResolver,
  PairingAggregatesResolver,
  EnterpriseAggregatesResolver,
  WorkshopSummaryResolver,
];
