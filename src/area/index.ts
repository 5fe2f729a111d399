import type { ClassType } from 'type-graphql';
import { AreaResolver } from './area.resolver.js';

/** Resolver classes of this feature, collected by src/schema/build.ts. */
export const resolvers: ClassType[] = [AreaResolver];
