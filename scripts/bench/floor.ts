/**
 * The raw SQL floor of an aggregate: the statements the API sends for one request, sent directly
 * through `pg` at the same concurrency for the same time.
 *
 * Capture method. The bench's PostgreSQL logs with a known prefix (database.ts: LOG_LINE_PREFIX,
 * giving pid, user, database and application name). For one request, the bench turns on
 * `log_statement = 'all'` (ALTER SYSTEM + pg_reload_conf(); every backend applies it before its
 * next command), sends the request, waits until the API's backends are idle, and turns it off.
 * PostgreSQL then has logged every statement the API's connections (user `registry_app`,
 * application `yuhang-registry`) ran, in order:
 *   - simple-protocol queries as `LOG:  statement: <text>`;
 *   - extended-protocol ones (bind parameters, prepared statements, named or not) as
 *     `LOG:  execute <name>: <text>`, followed by `DETAIL:  Parameters: $1 = '…', $2 = NULL, …`
 *     with the values exactly as bound.
 * So the capture keeps working when the aggregates switch from literal SQL to bind parameters
 * and prepared statements: the floor then sends the same text with the same values (as untyped
 * text parameters, as node-postgres sends them), under the same statement name, so it prepares
 * once per connection as the API does. The server's output reaches the bench through the
 * embedded server's log hook (PG_LOG=1); multi-line messages have a tab after each newline
 * (PostgreSQL's stderr format), which the parser removes.
 *
 * The floor runs a request's statements in their captured order on one pooled connection
 * (BEGIN/COMMIT included when the API sent them); statements the API ran in parallel on several
 * connections run one after another, so the floor is, if anything, a little slow.
 */
import pg from 'pg';
import { LOG_LINE_PREFIX } from './database.js';
import { percentile } from './measure.js';

export interface CapturedStatement {
  /** Prepared-statement name; undefined for unnamed ones and simple queries. */
  name?: string;
  text: string;
  /** Bound values (text, or null); undefined for simple queries. */
  values?: (string | null)[];
  pid: number;
}

const APP_USER = 'registry_app';
const APP_NAME = 'yuhang-registry';
const PREFIX_RE = new RegExp(
  `^${LOG_LINE_PREFIX.replace(/[|<>]/g, (c) => `\\${c}`)
    .replace('%p', '(\\d+)')
    .replace('%u', '([^|]*)')
    .replace('%d', '([^|]*)')
    .replace('%a', '(.*?)')}(\\w+):  `,
);

interface Entry {
  pid: number;
  user: string;
  db: string;
  app: string;
  level: string;
  message: string;
}

/** Splits PostgreSQL's stderr log text into entries (continuation lines start with a tab). */
export function parseLog(text: string): Entry[] {
  const entries: Entry[] = [];
  for (const line of text.split('\n')) {
    const m = PREFIX_RE.exec(line);
    if (m) {
      entries.push({ pid: Number(m[1]), user: m[2], db: m[3], app: m[4], level: m[5], message: line.slice(m[0].length) });
    } else if (entries.length > 0) {
      entries[entries.length - 1].message += `\n${line.startsWith('\t') ? line.slice(1) : line}`;
    }
  }
  return entries;
}

/** `$1 = '2022', $2 = NULL, …` → ['2022', null, …] (quotes doubled inside values). */
export function parseParameters(detail: string): (string | null)[] {
  const values: (string | null)[] = [];
  const re = /\$(\d+) = (NULL|'((?:[^']|'')*)')/g;
  for (let m = re.exec(detail); m; m = re.exec(detail)) values[Number(m[1]) - 1] = m[2] === 'NULL' ? null : m[3].replace(/''/g, "'");
  return values;
}

/** `execute <unnamed>` or `execute name[/portal]`: the prepared statement's name, if any. */
const statementName = (logged: string) => (logged.startsWith('<unnamed>') ? undefined : logged.split('/')[0]);

/** The statements the API's connections ran, from log entries. */
export function statementsOf(entries: Entry[], database: string): CapturedStatement[] {
  const out: CapturedStatement[] = [];
  const lastByPid = new Map<number, CapturedStatement>();
  for (const e of entries) {
    if (e.user !== APP_USER || e.app !== APP_NAME || e.db !== database) continue;
    if (e.level === 'LOG') {
      const simple = /^statement: ([\s\S]*)$/.exec(e.message);
      const execute = /^execute ([^:]+): ([\s\S]*)$/.exec(e.message);
      const s: CapturedStatement | undefined = simple
        ? { text: simple[1], pid: e.pid }
        : execute
          ? { name: statementName(execute[1]), text: execute[2], values: [], pid: e.pid }
          : undefined;
      if (s) {
        out.push(s);
        lastByPid.set(e.pid, s);
      }
    } else if (e.level === 'DETAIL' && e.message.startsWith('Parameters: ')) {
      const s = lastByPid.get(e.pid);
      if (s?.values) s.values = parseParameters(e.message.slice('Parameters: '.length));
    }
  }
  return out;
}

const TRANSACTION_CONTROL = /^\s*(begin|commit|rollback|end|start\s+transaction|savepoint|release|abort)\b/i;
export const isTransactionControl = (sql: string) => TRANSACTION_CONTROL.test(sql);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until no backend of the API has run a statement for `quietMs` in a row (at most
 * `timeoutMs`): requests whose client went away may still run their remaining statements, with
 * short idle gaps between them. `applicationName`: that of the API's connections on this server
 * (its replica pools use their own, src/db/replicas.ts).
 */
export async function waitIdle(owner: pg.ClientBase, quietMs = 300, timeoutMs = 120_000, applicationName = APP_NAME): Promise<void> {
  const until = Date.now() + timeoutMs;
  let idleSince: number | undefined;
  while (Date.now() < until) {
    const { rows } = await owner.query(`select count(*)::int as n from pg_stat_activity where usename = $1 and application_name = $2 and state <> 'idle'`, [
      APP_USER,
      applicationName,
    ]);
    if (rows[0].n > 0) idleSince = undefined;
    else if (idleSince === undefined) idleSince = Date.now();
    else if (Date.now() - idleSince >= quietMs) return;
    await sleep(10);
  }
}

/**
 * Captures the statements one request makes: log_statement on, `send()`, wait until the API's
 * backends are idle, log_statement off.
 */
export async function captureStatements(
  owner: pg.ClientBase,
  setSink: (sink: ((text: string) => void) | undefined) => void,
  send: () => Promise<void>,
): Promise<CapturedStatement[]> {
  const chunks: string[] = [];
  const database = (await owner.query('select current_database() as d')).rows[0].d as string;
  await waitIdle(owner);
  await owner.query(`alter system set log_statement = 'all'`);
  await owner.query('select pg_reload_conf()');
  await sleep(300);
  setSink((text) => chunks.push(text));
  try {
    await send();
    await waitIdle(owner, 100);
  } finally {
    setSink(undefined);
    await owner.query('alter system reset log_statement');
    await owner.query('select pg_reload_conf()');
  }
  return statementsOf(parseLog(chunks.join('\n')), database);
}

export interface FloorResult {
  completed: number;
  seconds: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  statements: number;
}

/** Runs `statements` as one "request" per loop on `connections` pooled connections for `seconds`. */
export async function runFloor(
  url: string,
  statements: CapturedStatement[],
  connections: number,
  seconds: number,
  warmupSeconds: number,
): Promise<FloorResult> {
  // Note: the API's connections have statement_timeout from STATEMENT_TIMEOUT_MS (default 10 s); so do these.
  const pool = new pg.Pool({
    connectionString: url,
    max: connections,
    application_name: 'bench-floor',
    statement_timeout: Number(process.env.STATEMENT_TIMEOUT_MS ?? 10_000) || undefined,
  });
  const one = async () => {
    const client = await pool.connect();
    try {
      for (const s of statements) await client.query({ text: s.text, values: s.values, name: s.name });
    } finally {
      client.release();
    }
  };
  const window = async (secs: number) => {
    const latencies: number[] = [];
    const began = performance.now();
    const until = began + secs * 1000;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < until) {
          const t = performance.now();
          await one();
          latencies.push(performance.now() - t);
        }
      }),
    );
    return { latencies: latencies.sort((a, b) => a - b), seconds: (performance.now() - began) / 1000 };
  };
  try {
    if (warmupSeconds > 0) await window(warmupSeconds);
    const { latencies, seconds: took } = await window(seconds);
    return {
      completed: latencies.length,
      seconds: took,
      reqPerSec: latencies.length / took,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      statements: statements.length,
    };
  } finally {
    await pool.end();
  }
}
