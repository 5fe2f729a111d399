import { AreaWorkshopsResolver, EnterpriseWorkshopsResolver } from './workshop.relations.js';
import { WorkshopResolver } from './workshop.resolver.js';

/** Resolver classes of this feature, collected by src/schema/build.ts. */
export const resolvers: Function[] = [WorkshopResolver, AreaWorkshopsResolver, EnterpriseWorkshopsResolver];
