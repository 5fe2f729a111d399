import type { ClassType } from 'type-graphql';
import { AreaWorkshopsResolver, EnterpriseWorkshopsResolver } from './workshop.relations.js';
import { WorkshopResolver } from './workshop.resolver.js';

/** Resolver classes of this feature, collected by src/schema/build.ts. */
export const resolvers: ClassType[] = [WorkshopResolver, AreaWorkshopsResolver, EnterpriseWorkshopsResolver];
