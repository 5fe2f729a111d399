import type { ClassType } from 'type-graphql';
import { AreaProjectsResolver, EnterpriseProjectsResolver, PairingProjectsResolver } from './project.relations.js';
import { ProjectResolver } from './project.resolver.js';

/** Resolver classes of this feature, collected by src/schema/build.ts. */
export const resolvers: ClassType[] = [ProjectResolver, AreaProjectsResolver, EnterpriseProjectsResolver, PairingProjectsResolver];
