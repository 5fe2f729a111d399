import type { ClassType } from 'type-graphql';
import { IndicatorResolver } from './indicator.resolver.js';
import { IndicatorValueResolver } from './indicator-value.resolver.js';

/** Resolver classes of this feature, collected by src/schema/build.ts. */
export const resolvers: ClassType[] = [IndicatorResolver, IndicatorValueResolver];
