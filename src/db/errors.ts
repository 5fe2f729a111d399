/**
 * Which database errors mean "the database is unavailable / busy / took too long", so they can be
 * answered with a clear code instead of INTERNAL_SERVER_ERROR (and never with SQL).
 */

export type DatabaseErrorKind = 'unavailable' | 'busy' | 'timeout';

/** SQLSTATEs of a server that is gone, going or not there yet. */
const UNAVAILABLE_SQLSTATES = new Set([
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
  '08006', // connection_failure
  '57P01', // admin_shutdown (also: "terminating connection due to unexpected postmaster exit")
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now ("the database system is starting up / in recovery mode")
]);

/** Socket errors on the way to the server. */
const UNAVAILABLE_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
]);

/** What node-postgres and knex say when a connection died under them. */
const UNAVAILABLE_MESSAGES = [
  /Connection terminated/i,
  /connection error and is not queryable/i,
  /Client was closed and is not queryable/i,
  /Connection ended unexpectedly/i,
  /terminating connection due to/i,
];

function* causes(err: unknown): Generator<Record<string, unknown>> {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0 && seen.size < 10) {
    const e = queue.shift();
    if (typeof e !== 'object' || e === null || seen.has(e)) continue;
    seen.add(e);
    const r = e as Record<string, unknown>;
    yield r;
    queue.push(r.cause, r.previous, r.originalError);
    if (Array.isArray(r.errors)) queue.push(...r.errors);
  }
}

/** Classifies an error thrown by the ORM, knex or node-postgres; undefined for anything else. */
export function databaseErrorKind(err: unknown): DatabaseErrorKind | undefined {
  for (const e of causes(err)) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    const message = typeof e.message === 'string' ? e.message : '';
    if (code === '57014' && /statement timeout/i.test(message)) return 'timeout';
    if (code === '25P03') return 'timeout'; // idle_in_transaction_session_timeout
    if (code === '53300') return 'busy'; // too_many_connections
    if (e.name === 'KnexTimeoutError') return 'busy'; // no pool connection free in time
    if (code !== undefined && (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_ERRNOS.has(code))) return 'unavailable';
    if (UNAVAILABLE_MESSAGES.some((re) => re.test(message))) return 'unavailable';
  }
  return undefined;
}

let statementTimeoutMs: number | undefined;

/** Remembers the API's statement_timeout, so a TIMEOUT error can name it. */
export function noteStatementTimeout(ms: number | undefined): void {
  statementTimeoutMs = ms;
}

/** "10 s", "0.2 s", or "the time limit" when unknown. */
export function statementTimeoutText(): string {
  if (!statementTimeoutMs) return 'the time limit';
  return `${Number((statementTimeoutMs / 1000).toFixed(3))} s`;
}
