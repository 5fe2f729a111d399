import type { ClassType } from 'type-graphql';
import { PairingProgrammeResolver, ProgrammeMembersResolver, ProjectProgrammeResolver, WorkshopProgrammeResolver } from './programme.relations.js';
import { ProgrammeResolver } from './programme.resolver.js';

/** Resolver classes of this feature, collected by src/schema/build.ts. */
export const resolvers: ClassType[] = [
  ProgrammeResolver,
  ProgrammeMembersResolver,
  PairingProgrammeResolver,
  ProjectProgrammeResolver,
  WorkshopProgrammeResolver,
];
