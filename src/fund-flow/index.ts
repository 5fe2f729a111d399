import type { ClassType } from 'type-graphql';
import { ProjectFundFlowsResolver } from './fund-flow.relations.js';
import { FundFlowResolver } from './fund-flow.resolver.js';

/** Resolver classes of this feature, collected by src/schema/build.ts. */
export const resolvers: ClassType[] = [FundFlowResolver, ProjectFundFlowsResolver];
