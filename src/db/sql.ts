import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { replicaFor } from './replicas.js';

/**
 * The read path's one way to send SQL: text with `?` (or `$n`) placeholders and its values, sent with
 * bind parameters on the ORM's own connection pool, as a named prepared statement so PostgreSQL plans
 * it once per connection.
 *
 * Note: MikroORM's `em.execute(sql, params)` quotes the values into the text before sending it
 * (`platform.formatQuery`), so PostgreSQL parses and plans every statement again and the values
 * travel inside the SQL. This sends them apart.
 */
export interface SqlOptions {
  /** name the statement (plan once per connection); off for texts that vary without bound */
  prepare?: boolean;
}

/** Marks the end of a statement's text in the query log, before its parameters (the benchmarks replay them). */
export const PARAMS_MARK = ' -- params: ';

/** At most this many distinct statements are prepared (per process); later new texts run unnamed. */
const MAX_PREPARED = 2000;
const prepared = new Map<string, string>();

function statementName(text: string): string | undefined {
  let name = prepared.get(text);
  if (name) return name;
  if (prepared.size >= MAX_PREPARED) return undefined;
  name = `r_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
  prepared.set(text, name);
  return name;
}

/** `?` placeholders as PostgreSQL's `$1`, `$2`, … (the statements never contain a literal `?`). */
export function toNative(text: string): string {
  let n = 0;
  return text.includes('?') ? text.replace(/\?/g, () => `$${++n}`) : text;
}

interface PgConnection {
  query(config: { text: string; values: unknown[]; name?: string }): Promise<{ rows: Record<string, unknown>[] }>;
}

/**
 * Runs one statement and returns its rows (logged as the ORM logs its own, for the statement counts).
 * A request that has not written reads from a replica when one is up (see src/db/replicas.ts); a
 * read the replica cannot answer (gone, or cancelled by recovery) is sent to the primary instead.
 */
export async function sqlRows<T = Record<string, unknown>>(
  em: EntityManager,
  text: string,
  params: readonly unknown[] = [],
  options: SqlOptions = {},
): Promise<T[]> {
  const native = toNative(text);
  const name = options.prepare === false ? undefined : statementName(native);
  // Note: `logQuery` is protected in MikroORM's typings; it is the ORM's own query log (debug: ['query']).
  const connection = em.getConnection() as unknown as { logQuery(query: string, context: Record<string, unknown>): void };
  const logged = () => `${native}${PARAMS_MARK}${JSON.stringify(params)}`;
  const started = Date.now();
  const read = replicaFor(em);
  if (read) {
    try {
      const rows = await read.replica.query(native, [...params], name);
      connection.logQuery(logged(), { took: Date.now() - started, results: rows.length });
      return rows as T[];
    } catch (e) {
      if (!read.set.failed(read.replica, e)) {
        connection.logQuery(logged(), { took: Date.now() - started, level: 'error' });
        throw em.getDriver().convertException(e as Error);
      }
    }
  }
  const client = em.getKnex().client as { acquireConnection(): Promise<PgConnection>; releaseConnection(c: PgConnection): Promise<unknown> };
  let pg: PgConnection | undefined;
  try {
    pg = await client.acquireConnection();
    const res = await pg.query({ text: native, values: [...params], name });
    connection.logQuery(logged(), { took: Date.now() - started, results: res.rows.length });
    return res.rows as T[];
  } catch (e) {
    connection.logQuery(logged(), { took: Date.now() - started, level: 'error' });
    throw em.getDriver().convertException(e as Error);
  } finally {
    if (pg) await client.releaseConnection(pg);
  }
}
