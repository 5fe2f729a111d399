import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';

/** The committed SDL: sorted so diffs only show real changes. */
export function schemaSdl(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
