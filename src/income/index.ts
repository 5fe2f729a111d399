import type { ClassType } from 'type-graphql';
import { AreaCollectiveIncomesResolver } from './collective-income.relations.js';
import { CollectiveIncomeResolver } from './collective-income.resolver.js';

/** Resolver classes of this feature, collected by src/schema/build.ts. */
export const resolvers: ClassType[] = [CollectiveIncomeResolver, AreaCollectiveIncomesResolver];
