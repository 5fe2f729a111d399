import { GraphQLObjectType, GraphQLSchema } from 'graphql';
import { buildSchema, type ClassType, type NonEmptyArray } from 'type-graphql';
import { resolvers as aggregates } from '../aggregates/index.js';
import { resolvers as area } from '../area/index.js';
import { resolvers as auth } from '../auth/index.js';
import { resolvers as enterprise } from '../enterprise/index.js';
import { resolvers as fundFlow } from '../fund-flow/index.js';
import { resolvers as income } from '../income/index.js';
import { resolvers as indicator } from '../indicator/index.js';
import { resolvers as pairing } from '../pairing/index.js';
import { resolvers as programme } from '../programme/index.js';
import { resolvers as project } from '../project/index.js';
import { resolvers as workshop } from '../workshop/index.js';
import { NodeResolver } from './node.resolver.js';

/** Every resolver class of the API, feature by feature. */
export const RESOLVERS = [
  NodeResolver,
  ...area,
  ...enterprise,
  ...pairing,
  ...project,
  ...fundFlow,
  ...income,
  ...workshop,
  ...programme,
  ...indicator,
  ...aggregates,
  ...auth,
] as NonEmptyArray<ClassType>;

/** Builds the executable schema from the decorated classes, with described root types. */
export async function buildRegistrySchema(): Promise<GraphQLSchema> {
  const config = (await buildSchema({ resolvers: RESOLVERS, validate: false })).toConfig();
  const describe = (type: GraphQLObjectType | null | undefined, description: string) =>
    type ? new GraphQLObjectType({ ...type.toConfig(), description }) : undefined;
  return new GraphQLSchema({
    ...config,
    query: describe(
      config.query,
      '查询 Read the registry: areas, enterprises, pairings, projects, fund flows, workshops, collective income, programmes and monitoring indicators.',
    ),
    mutation: describe(config.mutation, '变更 Change the registry; every mutation is atomic and reports all invalid fields at once.'),
    types: config.types.filter((t) => t !== config.query && t !== config.mutation),
  });
}
