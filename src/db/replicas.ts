/**
 * Read replicas (PostgreSQL streaming standbys) for the API's read statements.
 *
 * - Which statements: those `sqlRows` sends for a request that has not written (lists, nested
 *   reads through the loaders, aggregates). A mutation, and everything after a write in the same
 *   request, reads the primary; so do ORM finds, key checks, `/readyz` and every command (imports,
 *   keys, migrations), which never open the replicas.
 * - Which replica: round-robin over those that are up and no further behind than the lag limit.
 *   None: the primary. A read that fails on a replica because it is gone (or the standby cancelled
 *   it, "conflict with recovery") is sent again to the primary, so a replica dying mid-query never
 *   fails a request; that replica is then out until the next check finds it well.
 * - Lag: every check samples the primary's `pg_current_wal_lsn()` and then each replica's
 *   `pg_last_wal_replay_lsn()`. A replica that has replayed the primary's WAL position of a sample
 *   taken at time t holds every transaction committed before t, so its lag is at most now − t for
 *   the latest such sample (0 when it has caught up with the sample just taken). This holds on an
 *   idle primary too, where `now() − pg_last_xact_replay_timestamp()` would grow without the
 *   replica being behind at all.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { databaseErrorKind } from './errors.js';

/** `up`: used for reads; `lagging`: further behind than the limit; `down`: not answering; `not-standby`: not in recovery. */
export type ReplicaState = 'unknown' | 'up' | 'lagging' | 'down' | 'not-standby';

export interface ReplicaStatus {
  /** host:port/database (no user, no password). */
  name: string;
  state: ReplicaState;
  /** How far behind the primary it was at the last check (ms; a lower bound while lagging). */
  lagMs: number | null;
  /** Why it is not used (down, lagging, not a standby). */
  reason?: string;
  /** Read statements it has answered since the API started. */
  reads: number;
}

export interface ReplicaSetOptions {
  /** DATABASE_REPLICA_URLS; a URL without user and password logs in as the primary's `appUrl` does. */
  urls: readonly string[];
  /** The API's own URL (application role): user, password and database for replica URLs that name none. */
  appUrl: string;
  /** Connection settings of the API's primary pool (type parsers, statement timeouts), reused for the replicas. */
  connection: Record<string, unknown>;
  /** The primary's current WAL position (`pg_current_wal_lsn()::text`). */
  primaryLsn: () => Promise<string>;
  maxLagMs: number;
  checkIntervalMs: number;
  poolMax: number;
  log?: (msg: string) => void;
}

/** application_name of the replica pools' connections (pg_stat_activity on the replica). */
export const REPLICA_APPLICATION_NAME = 'yuhang-registry-replica';
const CHECK_APPLICATION_NAME = 'yuhang-registry-replica-check';
const CHECK_TIMEOUT_MS = 2_000;
const CONNECT_TIMEOUT_MS = 3_000;
/** How long a check waits before looking again at a replica just behind the primary's sample. */
const RECHECK_MS = 50;

/** SQLSTATEs of a standby cancelling a read (conflict with recovery, database dropped): the primary can answer it. */
const RETRY_SQLSTATES = new Set(['40001', '40P01', '57P04']);

/** `host:port/database` of a URL, for logs and /readyz. */
export function replicaName(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return 'replica (unparsable URL)';
  }
}

/** A replica URL with the primary's user, password and database filled in where it names none. */
export function replicaUrl(url: string, appUrl: string): URL {
  const u = new URL(url);
  const app = new URL(appUrl);
  if (!u.username) {
    u.username = app.username;
    u.password = app.password;
  }
  if (u.pathname === '' || u.pathname === '/') u.pathname = app.pathname;
  return u;
}

function lsnValue(text: string): bigint {
  const [hi, lo] = text.split('/');
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

export class Replica {
  readonly name: string;
  state: ReplicaState = 'unknown';
  lagMs: number | null = null;
  reason: string | undefined = 'not checked yet';
  reads = 0;
  private readonly pool: pg.Pool;
  private checker: pg.Client | undefined;
  private readonly config: pg.ClientConfig;

  constructor(url: string, opts: ReplicaSetOptions) {
    this.name = replicaName(url);
    const u = replicaUrl(url, opts.appUrl);
    this.config = {
      ...(opts.connection as pg.ClientConfig),
      connectionString: undefined,
      host: decodeURIComponent(u.hostname),
      port: Number(u.port || 5432),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      database: decodeURIComponent(u.pathname.replace(/^\//, '')),
      application_name: REPLICA_APPLICATION_NAME,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
    };
    this.pool = new pg.Pool({ ...this.config, max: opts.poolMax, idleTimeoutMillis: 30_000 } as pg.PoolConfig);
    // An idle connection whose server went away emits `error`; the pool drops it. Never crash for it.
    this.pool.on('error', () => {});
  }

  /** Runs one statement on this replica (named statements are prepared once per connection). */
  async query(text: string, values: unknown[], name: string | undefined): Promise<Record<string, unknown>[]> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      const res = await client.query({ text, values, name });
      this.reads++;
      return res.rows as Record<string, unknown>[];
    } catch (e) {
      if (databaseErrorKind(e) === 'unavailable') broken = e as Error;
      throw e;
    } finally {
      client.release(broken);
    }
  }

  /** Whether it is in recovery and the WAL position it has replayed. */
  async position(): Promise<{ recovery: boolean; replay: string | null }> {
    if (!this.checker) {
      const client = new pg.Client({ ...this.config, application_name: CHECK_APPLICATION_NAME });
      client.on('error', () => {});
      try {
        await client.connect();
      } catch (e) {
        await client.end().catch(() => {});
        throw e;
      }
      this.checker = client;
    }
    try {
      const { rows } = await this.checker.query<{ recovery: boolean; replay: string | null }>(
        'select pg_is_in_recovery() as recovery, pg_last_wal_replay_lsn()::text as replay',
      );
      return rows[0]!;
    } catch (e) {
      await this.dropChecker();
      throw e;
    }
  }

  /** Connections of its pool: open, idle, requests waiting for one, and its size (for metrics). */
  poolUse(): { total: number; idle: number; waiting: number; max: number } {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount, max: this.pool.options.max };
  }

  set(state: ReplicaState, lagMs: number | null, reason?: string): void {
    this.state = state;
    this.lagMs = lagMs;
    this.reason = reason;
  }

  status(): ReplicaStatus {
    return { name: this.name, state: this.state, lagMs: this.lagMs, ...(this.reason ? { reason: this.reason } : {}), reads: this.reads };
  }

  async dropChecker(): Promise<void> {
    const c = this.checker;
    this.checker = undefined;
    await c?.end().catch(() => {});
  }

  async close(): Promise<void> {
    await this.dropChecker();
    await this.pool.end().catch(() => {});
  }
}

/** The API's replicas: health and lag checks, the choice of a replica for a read, and /readyz's report. */
export class ReplicaSet {
  readonly replicas: Replica[];
  private readonly samples: { at: number; lsn: bigint }[] = [];
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private closed = false;
  private readonly log: (msg: string) => void;

  constructor(private readonly opts: ReplicaSetOptions) {
    this.replicas = opts.urls.map((url) => new Replica(url, opts));
    this.log = opts.log ?? (() => {});
  }

  get maxLagMs(): number {
    return this.opts.maxLagMs;
  }

  /** Checks once now, then every checkIntervalMs. */
  async start(): Promise<void> {
    await this.check();
    this.schedule();
  }

  /** A replica for the next read (round-robin over those up), or undefined: read the primary. */
  pick(): Replica | undefined {
    const n = this.replicas.length;
    for (let i = 0; i < n; i++) {
      const r = this.replicas[(this.next + i) % n]!;
      if (r.state === 'up') {
        this.next = (this.next + i + 1) % n;
        return r;
      }
    }
    return undefined;
  }

  /**
   * A read failed on `replica`: whether to send it to the primary instead (the replica is gone or
   * cancelled it). A replica that is gone is left out until a check finds it well again.
   */
  failed(replica: Replica, err: unknown): boolean {
    const kind = databaseErrorKind(err);
    const code = (err as { code?: string })?.code;
    // Note: pg-pool's wait for a free connection ran out (every replica connection busy): the primary
    // answers this one; the replica stays in use.
    if (/timeout exceeded when trying to connect/i.test((err as Error)?.message ?? '')) return true;
    if (kind === 'unavailable' || kind === 'busy') {
      if (replica.state === 'up') this.log(`replica ${replica.name} failed (${describeError(err)}); reading from the primary until it is back`);
      replica.set('down', null, describeError(err));
      return true;
    }
    return code !== undefined && RETRY_SQLSTATES.has(code);
  }

  status(): ReplicaStatus[] {
    return this.replicas.map((r) => r.status());
  }

  /** One round: sample the primary's WAL position, then each replica's. */
  check(): Promise<void> {
    this.checking ??= this.runCheck().finally(() => (this.checking = undefined));
    return this.checking;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.checking?.catch(() => {});
    await Promise.all(this.replicas.map((r) => r.close()));
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      void this.check().finally(() => this.schedule());
    }, this.opts.checkIntervalMs);
    this.timer.unref();
  }

  private async runCheck(): Promise<void> {
    let primary: bigint;
    try {
      primary = lsnValue(await withTimeout(this.opts.primaryLsn(), CHECK_TIMEOUT_MS));
    } catch {
      return; // the primary is not answering: nothing to compare with (the API answers 503 meanwhile)
    }
    const now = Date.now();
    this.samples.push({ at: now, lsn: primary });
    const keep = now - (this.opts.maxLagMs + 3 * this.opts.checkIntervalMs);
    while (this.samples.length > 1 && this.samples[0]!.at < keep) this.samples.shift();
    await Promise.all(this.replicas.map((r) => this.checkReplica(r)));
  }

  private async checkReplica(replica: Replica): Promise<void> {
    const before = replica.state;
    try {
      let { recovery, replay } = await withTimeout(replica.position(), CHECK_TIMEOUT_MS);
      // Note: a streaming replica is usually a few milliseconds behind the sample just taken; a
      // second look a moment later tells "just behind" from "an interval behind".
      if (recovery && !this.coversLatest(replay)) {
        await sleep(RECHECK_MS);
        ({ recovery, replay } = await withTimeout(replica.position(), CHECK_TIMEOUT_MS));
      }
      if (!recovery) {
        replica.set('not-standby', null, 'pg_is_in_recovery() is false: not a standby (promoted, or the primary itself)');
      } else {
        const lag = this.lagOf(replay === null ? 0n : lsnValue(replay));
        if (!lag.exact) replica.set('lagging', lag.ms, `at least ${lag.ms} ms behind the primary (REPLICA_MAX_LAG_MS ${this.opts.maxLagMs})`);
        else if (lag.ms > this.opts.maxLagMs) replica.set('lagging', lag.ms, `${lag.ms} ms behind the primary (REPLICA_MAX_LAG_MS ${this.opts.maxLagMs})`);
        else replica.set('up', lag.ms);
      }
    } catch (e) {
      await replica.dropChecker();
      replica.set('down', null, describeError(e));
    }
    if (replica.state !== before && !(before === 'unknown' && replica.state === 'up')) {
      this.log(`replica ${replica.name}: ${before} → ${replica.state}${replica.reason ? ` (${replica.reason})` : ''}`);
    }
  }

  private coversLatest(replay: string | null): boolean {
    const latest = this.samples[this.samples.length - 1];
    return replay !== null && latest !== undefined && lsnValue(replay) >= latest.lsn;
  }

  /** How far behind a replica that has replayed up to `replay` is: now − the latest sample it covers (0 for the sample just taken). */
  private lagOf(replay: bigint): { ms: number; exact: boolean } {
    const now = Date.now();
    for (let i = this.samples.length - 1; i >= 0; i--) {
      const s = this.samples[i]!;
      if (s.lsn <= replay) return { ms: i === this.samples.length - 1 ? 0 : now - s.at, exact: true };
    }
    return { ms: now - this.samples[0]!.at, exact: false };
  }
}

function describeError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const first = (e?.message ?? String(err)).split('\n')[0] ?? '';
  return e?.code ? `${e.code} ${first}` : first;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const registry = new WeakMap<MikroORM, ReplicaSet>();

/** Links an ORM to its read replicas (openDatabase does this). */
export function registerReplicas(orm: MikroORM, replicas: ReplicaSet): void {
  registry.set(orm, replicas);
}

/** The read replicas of an ORM opened by openDatabase (undefined when there are none). */
export function replicasOf(orm: MikroORM): ReplicaSet | undefined {
  return registry.get(orm);
}

// ---------------------------------------------------------------------------------------------
// Per request: reads go to a replica until the request writes

interface RequestReads {
  replicas: ReplicaSet;
  wrote: boolean;
}

const requests = new WeakMap<EntityManager, RequestReads>();

/** The request whose entity manager is `em` may read from `replicas` (createRequestContext does this). */
export function readFromReplicas(em: EntityManager, replicas: ReplicaSet): void {
  requests.set(em, { replicas, wrote: false });
}

/** The request writes (a mutation, or a write inside a query): from now on it reads the primary. */
export function readFromPrimary(em: EntityManager): void {
  const r = requests.get(em);
  if (r) r.wrote = true;
}

/** Where a read of this entity manager goes: a replica with the set it belongs to, or undefined for the primary. */
export function replicaFor(em: EntityManager): { replica: Replica; set: ReplicaSet } | undefined {
  const r = requests.get(em);
  if (!r || r.wrote) return undefined;
  const replica = r.replicas.pick();
  return replica ? { replica, set: r.replicas } : undefined;
}
