import type { ClassType } from 'type-graphql';
import { AreaPairingsResolver, EnterprisePairingsResolver } from './pairing.relations.js';
import { PairingResolver } from './pairing.resolver.js';

/** Resolver classes of this feature, collected by src/schema/build.ts. */
export const resolvers: ClassType[] = [PairingResolver, AreaPairingsResolver, EnterprisePairingsResolver];
