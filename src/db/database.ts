import { existsSync } from 'node:fs';
import path from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { ormOptions } from '../../mikro-orm.config.js';
import { DatabaseAvailability, registerAvailability } from './availability.js';
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from './embedded.js';
import { noteStatementTimeout } from './errors.js';
import { registerReplicas, ReplicaSet } from './replicas.js';
import { applyGrants, roleOfUrl } from './roles.js';

export interface Database {
  /** The ORM the API uses: connected as the application role, with the statement timeouts. */
  orm: MikroORM;
  /** URL of the application role (what `orm` connects with). */
  url: string;
  /**
   * URL of the owner (migrations, grants). Operators' commands on the machine (the importer, the
   * keys CLI) use it; the API never does. Equal to `url` when the roles are not split.
   */
  ownerUrl: string;
  /** Where the data lives, for logs (password removed). */
  description: string;
  /** Whether the database answers, as far as the API knows (see {@link DatabaseAvailability}). */
  availability: DatabaseAvailability;
  /** The read replicas (DATABASE_REPLICA_URLS), when there are any. */
  replicas?: ReplicaSet;
  /** Closes the pool (waiting at most `timeoutMs` for connections in use), then stops the embedded server. */
  close(timeoutMs?: number): Promise<void>;
}

export interface OpenOptions {
  /** External server: the URL the API connects with (DATABASE_URL). When absent an embedded PostgreSQL is started. */
  url?: string;
  /** External server: the owner's URL, for migrations and grants (MIGRATION_DATABASE_URL); `url` when absent. */
  migrationUrl?: string;
  /** Data directory of the embedded server. */
  dataDir?: string;
  port?: number;
  log?: (msg: string) => void;
  /** Overrides for the API's ORM (tests pass a query logger). */
  orm?: Partial<Options>;
  /** statement_timeout of every API connection in ms (0: none). Default STATEMENT_TIMEOUT_MS or 10000. */
  statementTimeoutMs?: number;
  /** idle_in_transaction_session_timeout of every API connection in ms (0: none). Default 30000. */
  idleInTransactionTimeoutMs?: number;
  /**
   * Whether a missing embedded data directory may be created (a new, empty database). Default
   * true (`npm start`, `npm run seed`); the importer passes false unless given `--create`.
   */
  create?: boolean;
  /** The API (runs until stopped), as opposed to a command that ends by itself: see startEmbeddedPostgres. */
  longLived?: boolean;
  /**
   * Read replicas (DATABASE_REPLICA_URLS): the API's reads go there (see src/db/replicas.ts). Only
   * the API opens them; commands (imports, keys, migrations) always use the primary.
   */
  replicaUrls?: string[];
  /** A replica further behind the primary than this is not read from (REPLICA_MAX_LAG_MS, default 5000). */
  replicaMaxLagMs?: number;
  /** How often the replicas' health and lag are checked (REPLICA_CHECK_INTERVAL_MS, default 1000). */
  replicaCheckIntervalMs?: number;
}

/** The embedded data directory does not exist and the command may not create it. */
export class DatabaseMissingError extends Error {}

const DEFAULT_STATEMENT_TIMEOUT_MS = 10_000;
const DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS = 30_000;
const DEFAULT_REPLICA_MAX_LAG_MS = 5_000;
const DEFAULT_REPLICA_CHECK_INTERVAL_MS = 1_000;

function msFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number of milliseconds (0 for none), got '${raw}'`);
  return value;
}

/** A database URL fit for a log: `postgres://user@host:port/db`, never the password (nor the query string). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
    return `${u.protocol}//${user}${u.host}${u.pathname}`;
  } catch {
    return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1@').replace(/\?.*$/, '');
  }
}

/**
 * Which database the options point at, for the `database: …` line every command prints before it
 * opens it: `embedded PostgreSQL in /abs/.data/postgres` (with "(new)" when it does not exist yet)
 * or `postgres://user@host:port/db`.
 */
export function describeLocation(opts: OpenOptions): string {
  if (opts.url) {
    const migration = opts.migrationUrl && redactUrl(opts.migrationUrl) !== redactUrl(opts.url) ? ` (migrations as ${redactUrl(opts.migrationUrl)})` : '';
    return `${redactUrl(opts.url)}${migration}`;
  }
  const dataDir = opts.dataDir ?? path.resolve('.data/postgres');
  return `embedded PostgreSQL in ${dataDir}${existsSync(path.join(dataDir, 'PG_VERSION')) ? '' : ' (new: not created yet)'}`;
}

/**
 * Opens the database of a command by the one rule ({@link openOptionsFromEnv}), first printing on
 * stderr which one it is (`[tag] database: …`). `create: false` refuses to create a new embedded
 * data directory ({@link DatabaseMissingError}).
 */
export async function openCommandDatabase(
  tag: string,
  extra: Pick<OpenOptions, 'create' | 'longLived' | 'log' | 'replicaUrls' | 'replicaMaxLagMs' | 'replicaCheckIntervalMs'> = {},
): Promise<Database> {
  const log = extra.log ?? ((msg: string) => console.error(`[${tag}] ${msg}`));
  const opts = { ...openOptionsFromEnv(log), ...extra, log };
  process.stderr.write(`[${tag}] database: ${describeLocation(opts)}\n`);
  return openDatabase(opts);
}

/**
 * The one rule every command (API, migrations, importer, keys) uses to find its database:
 * - `DATABASE_URL` set: that server; the API connects with it. `MIGRATION_DATABASE_URL`, when
 *   set, is the owner that runs migrations and grants; when absent DATABASE_URL does both (the
 *   un-split setup: the API then has the owner's privileges).
 * - otherwise the embedded PostgreSQL in `PG_DATA_DIR` (default `.data/postgres`) on `PGPORT`
 *   (default a free port), with its generated owner and application roles.
 */
export function openOptionsFromEnv(log?: (msg: string) => void): OpenOptions {
  const url = process.env.DATABASE_URL || undefined;
  const migrationUrl = process.env.MIGRATION_DATABASE_URL || undefined;
  if (migrationUrl && !url) {
    throw new Error('MIGRATION_DATABASE_URL is set but DATABASE_URL is not: set both for an external server, or neither for the embedded one');
  }
  return {
    url,
    migrationUrl,
    dataDir: path.resolve(process.env.PG_DATA_DIR || '.data/postgres'),
    port: process.env.PGPORT ? Number(process.env.PGPORT) : undefined,
    log,
    statementTimeoutMs: msFromEnv('STATEMENT_TIMEOUT_MS', DEFAULT_STATEMENT_TIMEOUT_MS),
    idleInTransactionTimeoutMs: msFromEnv('IDLE_IN_TRANSACTION_TIMEOUT_MS', DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS),
  };
}

/**
 * The API's read replicas: DATABASE_REPLICA_URLS, REPLICA_MAX_LAG_MS, REPLICA_CHECK_INTERVAL_MS.
 * Only the API (`npm start`) reads them; imports, keys, migrations and every other command use the
 * primary alone.
 */
export function replicaOptionsFromEnv(): Pick<OpenOptions, 'replicaUrls' | 'replicaMaxLagMs' | 'replicaCheckIntervalMs'> {
  return {
    replicaUrls: replicaUrlsFromEnv(),
    replicaMaxLagMs: msFromEnv('REPLICA_MAX_LAG_MS', DEFAULT_REPLICA_MAX_LAG_MS),
    replicaCheckIntervalMs: msFromEnv('REPLICA_CHECK_INTERVAL_MS', DEFAULT_REPLICA_CHECK_INTERVAL_MS),
  };
}

/** DATABASE_REPLICA_URLS: comma-separated PostgreSQL URLs (a message naming the variable, never a password, when one does not parse). */
function replicaUrlsFromEnv(): string[] | undefined {
  const raw = process.env.DATABASE_REPLICA_URLS;
  if (!raw || raw.trim() === '') return undefined;
  const urls = raw
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '');
  urls.forEach((u, i) => {
    let parsed: URL | undefined;
    try {
      parsed = new URL(u);
    } catch {
      // reported below
    }
    if (!parsed || !/^postgres(ql)?:$/.test(parsed.protocol) || !parsed.hostname) {
      throw new Error(`DATABASE_REPLICA_URLS: entry ${i + 1} is not a postgres://host:port/database URL`);
    }
  });
  return urls;
}

/**
 * Connects (starting the embedded server if needed, supervised: restarted when it dies), applies
 * pending migrations as the owner, (re)applies the application role's grants, and opens the
 * API's ORM as the application role.
 */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  const log = opts.log ?? (() => {});
  let embedded: EmbeddedPostgresHandle | undefined;
  let url: string;
  let ownerUrl: string;
  if (opts.url) {
    url = opts.url;
    ownerUrl = opts.migrationUrl ?? opts.url;
  } else {
    if (opts.migrationUrl) throw new Error('a migration URL needs a database URL (the embedded server has its own owner)');
    const dataDir = opts.dataDir ?? path.resolve('.data/postgres');
    if (opts.create === false && !existsSync(path.join(dataDir, 'PG_VERSION'))) {
      throw new DatabaseMissingError(
        `there is no database in ${dataDir} (PG_DATA_DIR): to write to the API's database, give the same PG_DATA_DIR or DATABASE_URL as the API; ` +
          'to create a new, empty database there, pass --create',
      );
    }
    embedded = await startEmbeddedPostgres({ dataDir, port: opts.port, log: opts.log, supervise: true, longLived: opts.longLived });
    url = embedded.appUrl;
    ownerUrl = embedded.url;
  }
  let orm: MikroORM | undefined;
  let replicas: ReplicaSet | undefined;
  try {
    await migrate(ownerUrl, log);
    const appRole = roleOfUrl(url);
    if (appRole !== undefined && appRole !== roleOfUrl(ownerUrl)) {
      const report = await applyGrants(ownerUrl, appRole);
      if (report.owned.length > 0) {
        log(`warning: the application role ${appRole} owns ${report.owned.join(', ')}; an owner is not bound by grants (see README, Database roles)`);
      }
    } else if (opts.url && opts.migrationUrl === undefined) {
      log(
        "DATABASE_URL is used for migrations as well, so the API has the owner's privileges; set MIGRATION_DATABASE_URL to split them (README, Database roles)",
      );
    }

    const statementTimeoutMs = opts.statementTimeoutMs ?? msFromEnv('STATEMENT_TIMEOUT_MS', DEFAULT_STATEMENT_TIMEOUT_MS);
    const idleMs = opts.idleInTransactionTimeoutMs ?? msFromEnv('IDLE_IN_TRANSACTION_TIMEOUT_MS', DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS);
    noteStatementTimeout(statementTimeoutMs);
    orm = await MikroORM.init(ormOptions(url, apiOrmOptions(opts.orm, statementTimeoutMs, idleMs, log)));
    const appOrm = orm;

    const availability = new DatabaseAvailability(() => appOrm.em.fork().getConnection().execute('select 1'), log);
    registerAvailability(orm, availability);
    replicas = opts.replicaUrls && opts.replicaUrls.length > 0 ? await openReplicas(appOrm, url, opts, log) : undefined;
    watchConnections(orm, availability);
    embedded?.onStateChange((state) => {
      if (state === 'restarting') availability.hold('the embedded PostgreSQL stopped unexpectedly and is being restarted');
      else if (state === 'running') availability.release();
      else availability.hold('the embedded PostgreSQL has stopped');
    });

    return {
      orm,
      url,
      ownerUrl,
      availability,
      replicas,
      description: embedded
        ? `embedded PostgreSQL in ${opts.dataDir} on port ${embedded.port}${embedded.shared ? ' (started by another process, shared)' : ''}`
        : redactUrl(url),
      async close(timeoutMs = 10_000) {
        availability.close();
        await replicas?.close();
        // A connection still in use (a statement running) would keep the pool open; the server's
        // fast shutdown below then ends it.
        const closed = await settlesWithin(appOrm.close(true), timeoutMs);
        if (!closed) log(`the database pool did not close within ${timeoutMs} ms; stopping anyway`);
        await embedded?.stop();
      },
    };
  } catch (e) {
    await replicas?.close();
    await orm?.close(true).catch(() => {});
    await embedded?.stop();
    throw e;
  }
}

/** The replica pools (with the primary pool's connection settings) and their first check. */
async function openReplicas(orm: MikroORM, appUrl: string, opts: OpenOptions, log: (msg: string) => void): Promise<ReplicaSet> {
  const knex = orm.em.getConnection().getKnex() as unknown as { client: { config: { connection: Record<string, unknown>; pool?: { max?: number } } } };
  const replicas = new ReplicaSet({
    urls: opts.replicaUrls ?? [],
    appUrl,
    connection: knex.client.config.connection,
    primaryLsn: async () => (await orm.em.fork().getConnection().execute<{ lsn: string }[]>('select pg_current_wal_lsn()::text as lsn'))[0]!.lsn,
    maxLagMs: opts.replicaMaxLagMs ?? DEFAULT_REPLICA_MAX_LAG_MS,
    checkIntervalMs: Math.max(50, opts.replicaCheckIntervalMs ?? DEFAULT_REPLICA_CHECK_INTERVAL_MS),
    poolMax: knex.client.config.pool?.max ?? 10,
    log,
  });
  registerReplicas(orm, replicas);
  await replicas.start();
  log(
    `read replicas: ${replicas
      .status()
      .map((r) => `${r.name} ${r.state}${r.reason ? ` (${r.reason})` : ''}`)
      .join(', ')}`,
  );
  return replicas;
}

/** Applies pending migrations as the owner, on a connection of its own (no statement timeout). */
async function migrate(ownerUrl: string, log: (msg: string) => void): Promise<void> {
  const orm = await MikroORM.init(ormOptions(ownerUrl));
  try {
    const applied = await orm.getMigrator().up();
    if (applied.length > 0) log(`applied migrations: ${applied.map((m) => m.name).join(', ')}`);
  } finally {
    await orm.close(true);
  }
}

/** The API's connections: statement timeouts, a connect timeout, TCP keep-alive, a name in pg_stat_activity. */
function apiOrmOptions(overrides: Partial<Options> | undefined, statementTimeoutMs: number, idleMs: number, log: (msg: string) => void): Partial<Options> {
  const driverOptions = (overrides?.driverOptions ?? {}) as { connection?: Record<string, unknown> };
  const knexLog = (msg: unknown) => log(`database connection: ${String(msg)}`);
  return {
    ...overrides,
    driverOptions: {
      // knex's own warnings ("Connection Error: …" for a connection it discards) go to our log
      log: { warn: knexLog, error: knexLog, deprecate: knexLog, debug: () => {} },
      ...driverOptions,
      connection: {
        application_name: 'yuhang-registry',
        connectionTimeoutMillis: 10_000,
        keepAlive: true,
        ...(statementTimeoutMs > 0 ? { statement_timeout: statementTimeoutMs } : {}),
        ...(idleMs > 0 ? { idle_in_transaction_session_timeout: idleMs } : {}),
        ...driverOptions.connection,
      },
    },
  };
}

interface EventSource {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

/**
 * Failed queries and failed connection attempts tell the availability when the server is gone.
 * Broken connections themselves are discarded by knex (it marks a pg client that emitted `error`
 * or `end` as disposed, and the pool never hands it out again), so the pool heals by itself.
 */
function watchConnections(orm: MikroORM, availability: DatabaseAvailability): void {
  const knex = orm.em.getConnection().getKnex() as unknown as EventSource & { client?: { pool?: EventSource } };
  knex.on('query-error', (err: unknown) => availability.noteError(err));
  knex.client?.pool?.on('createFail', (_id: unknown, err: unknown) => availability.noteError(err));
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    timeout,
  ]).finally(() => clearTimeout(timer));
}
