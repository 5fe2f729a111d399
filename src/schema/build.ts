import { buildSchema } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import { AreaResolver } from '../area/area.resolver.js';
import { NodeResolver } from './node.resolver.js';

/** Every resolver class of the API. */
export const RESOLVERS = [AreaResolver, NodeResolver] as const;

/** Builds the executable schema from the decorated classes. */
export function buildRegistrySchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: RESOLVERS, validate: false });
}
