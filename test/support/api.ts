import 'reflect-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createApiKey, type NewKey } from '../../src/auth/keys.js';
import { openDatabase } from '../../src/db/database.js';
import { buildRegistrySchema } from '../../src/schema/build.js';
import { type AppOptions, startApp } from '../../src/server/app.js';
import { createTestDatabase } from './database.js';

/** A MikroORM query log line's prefix, with the colour code it may start with. */
// eslint-disable-next-line no-control-regex -- ESC starts the ANSI colour code
const QUERY_LINE = /^(\x1b\[\d+m)?\[query\] ?/;

export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
}

export interface TestApi {
  url: string;
  /** `/metrics` of the metrics listener, when `metrics.port` was given. */
  metricsUrl?: string;
  /** An admin API key of this API's database; `gql` sends it with every mutation. */
  adminKey: string;
  /** Posts a GraphQL document with this credential (`null`: none). */
  gqlAs<T = any>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T> & { status: number }>;
  /** Issues a key of this API's database. */
  createKey(spec: Omit<NewKey, 'createdBy' | 'label'> & { label?: string }): Promise<string>;
  /** URL of this API's own database. */
  databaseUrl: string;
  orm: MikroORM;
  /** Posts a GraphQL document over real HTTP (as admin for mutations, anonymously for queries). */
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Like gql, but fails the test on any error and returns data. */
  data<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Number of SQL statements the ORM has sent so far. */
  statements(): number;
  /** Text of the SQL statements the ORM has sent so far (the last 1,000). */
  statementLog(): string[];
  close(): Promise<void>;
}

/**
 * Overrides of the environment's settings. Note: the rate limit is off unless `limits` sets it,
 * since one test file sends hundreds of requests a minute from one address; every other limit is
 * the default.
 */
export type TestApiOptions = Pick<AppOptions, 'auth' | 'http' | 'limits' | 'development' | 'metrics'>;

/** A running API on a fresh database over HTTP on a free port. */
export async function startTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const database = await createTestDatabase();
  let count = 0;
  const log: string[] = [];
  const db = await openDatabase({
    url: database.url,
    orm: {
      debug: ['query'],
      colors: false,
      logger: (line: string) => {
        // Note: MikroORM takes `colors` from MIKRO_ORM_COLORS, which the migration ORM opened before
        // this one sets to true, so the line may start with a colour code despite `colors: false`.
        if (QUERY_LINE.test(line)) {
          count++;
          log.push(line.replace(QUERY_LINE, ''));
          if (log.length > 1000) log.shift();
        }
      },
    },
  });
  const app = await startApp({ orm: db.orm, schema: await buildRegistrySchema(), ...options, limits: { ratePerMinute: 0, ...options.limits } }, 0, '127.0.0.1');
  const createKey: TestApi['createKey'] = async (spec) => (await createApiKey(db.orm.em.fork(), { label: 'test', createdBy: 'test', ...spec })).key;
  const adminKey = await createKey({ role: 'admin', label: 'test admin' });
  const gqlAs = async (token: string | null, query: string, variables?: Record<string, unknown>) => {
    const res = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { ...((await res.json()) as GraphQLResponse), status: res.status };
  };
  // Note: reads stay anonymous, so the statement counts of read tests do not include the key lookup.
  const gql = (query: string, variables?: Record<string, unknown>) => gqlAs(/^\s*mutation\b/.test(query) ? adminKey : null, query, variables);
  return {
    url: app.url,
    metricsUrl: app.metricsUrl,
    adminKey,
    gqlAs,
    createKey,
    databaseUrl: database.url,
    orm: db.orm,
    gql,
    async data(query, variables) {
      const res = await gql(query, variables);
      if (res.errors) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors, null, 2)}`);
      return res.data;
    },
    statements: () => count,
    statementLog: () => [...log],
    async close() {
      await app.stop();
      await db.close();
      await database.drop();
    },
  };
}
