import 'reflect-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import { openDatabase } from '../../src/db/database.js';
import { buildRegistrySchema } from '../../src/schema/build.js';
import { startApp, type AppOptions } from '../../src/server/app.js';
import { createTestDatabase } from './database.js';

export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
}

export interface TestApi {
  url: string;
  /** URL of this API's own database. */
  databaseUrl: string;
  orm: MikroORM;
  /** Posts a GraphQL document over real HTTP. */
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Like gql, but fails the test on any error and returns data. */
  data<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Number of SQL statements the ORM has sent so far. */
  statements(): number;
  close(): Promise<void>;
}

export interface TestApiOptions {
  /**
   * Overrides of the request limits. Note: the rate limit is off unless set here, since one test
   * file sends hundreds of requests a minute from one address; every other limit is the default.
   */
  limits?: AppOptions['limits'];
  development?: boolean;
}

/** A running API on a fresh database over HTTP on a free port. */
export async function startTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const database = await createTestDatabase();
  let count = 0;
  const db = await openDatabase({
    url: database.url,
    orm: {
      debug: ['query'],
      colors: false,
      logger: (line: string) => {
        if (line.startsWith('[query]')) count++;
      },
    },
  });
  const app = await startApp(
    { orm: db.orm, schema: await buildRegistrySchema(), development: options.development, limits: { ratePerMinute: 0, ...options.limits } },
    0,
    '127.0.0.1',
  );
  const gql = async (query: string, variables?: Record<string, unknown>) => {
    const res = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as GraphQLResponse;
  };
  return {
    url: app.url,
    databaseUrl: database.url,
    orm: db.orm,
    gql,
    async data(query, variables) {
      const res = await gql(query, variables);
      if (res.errors) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors, null, 2)}`);
      return res.data;
    },
    statements: () => count,
    async close() {
      await app.stop();
      await db.close();
      await database.drop();
    },
  };
}
