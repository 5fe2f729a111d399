import type { ClassType } from 'type-graphql';
import { IndicatorValueResolver } from './indicator-value.resolver.js';
import { IndicatorResolver } from './indicator.resolver.js';

/** Resolver classes of this feature, collected by src/schema/build.ts. */
export const resolvers: ClassType[] = [IndicatorResolver, IndicatorValueResolver];
