import { buildSchema, type NonEmptyArray } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import { resolvers as area } from '../area/index.js';
import { resolvers as enterprise } from '../enterprise/index.js';
import { resolvers as fundFlow } from '../fund-flow/index.js';
import { resolvers as income } from '../income/index.js';
import { resolvers as pairing } from '../pairing/index.js';
import { resolvers as project } from '../project/index.js';
import { resolvers as workshop } from '../workshop/index.js';
import { NodeResolver } from './node.resolver.js';

/** Every resolver class of the API, feature by feature. */
export const RESOLVERS = [NodeResolver, ...area, ...enterprise, ...pairing, ...project, ...fundFlow, ...income, ...workshop] as NonEmptyArray<Function>;

/** Builds the executable schema from the decorated classes. */
export function buildRegistrySchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: RESOLVERS, validate: false });
}
