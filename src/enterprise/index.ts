import type { ClassType } from 'type-graphql';
import { EnterpriseResolver } from './enterprise.resolver.js';

/** Resolver classes of this feature, collected by src/schema/build.ts. */
export const resolvers: ClassType[] = [EnterpriseResolver];
