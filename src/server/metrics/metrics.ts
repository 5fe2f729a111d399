import type { MikroORM } from '@mikro-orm/postgresql';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { replicasOf } from '../../db/replicas.js';
import { LimitCode } from '../limits/errors.js';
import { type DatabaseFigures, readDatabaseFigures } from './database.js';

/** Label of a request whose operation was never resolved (refused before, or not GraphQL). */
export const NO_OPERATION = 'none';
/** Label of an operation without a name. */
export const ANONYMOUS_OPERATION = 'anonymous';
/** Label of the named operations beyond the cap. */
export const OTHER_OPERATION = 'other';

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
const CODE = /^[A-Z][A-Z0-9_]{0,47}$/;
/** How long a scrape waits for the database figures before answering without them. */
const DATABASE_TIMEOUT_MS = 2_000;

/** Seconds; from a cached lookup (~1 ms) to the statement timeout (10 s) and beyond. */
const DURATION_BUCKETS = [0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** A connection pool as knex (tarn) keeps it. */
interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
  max: number;
}

/**
 * The API's Prometheus metrics (prom-client), one registry per app. Label values are bounded:
 * operation names are those of queries/ plus at most `maxOperationNames` others (first come), then
 * `other`; outcomes are `ok` or a server-made error code; limits are the fixed {@link LimitCode} set;
 * pools and rollup functions are fixed lists.
 */
export class RegistryMetrics {
  readonly registry = new Registry();
  private readonly others = new Set<string>();
  private readonly duration: Histogram<'operation' | 'outcome'>;
  private readonly refused: Counter<'limit'>;
  private figures: DatabaseFigures | undefined;
  private databaseUp = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly known: ReadonlySet<string>,
    private readonly maxOperationNames: number,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.duration = new Histogram({
      name: 'registry_graphql_request_duration_seconds',
      help: 'GraphQL requests (POST/GET /graphql) from the request to the response, by operation name and outcome (ok, or the first error code).',
      labelNames: ['operation', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.refused = new Counter({
      name: 'registry_requests_refused_total',
      help: "Requests refused by a limit, by the limit's code (see README, Limits).",
      labelNames: ['limit'],
      registers,
    });
    for (const code of Object.values(LimitCode)) this.refused.inc({ limit: code }, 0);

    const pools = () => this.pools();
    new Gauge({
      name: 'registry_db_pool_connections',
      help: 'Connections of each database pool of this process: used (lent to a query), free (idle), pending (requests waiting for a connection).',
      labelNames: ['pool', 'state'],
      registers,
      collect() {
        this.reset();
        for (const { name, pool } of pools()) {
          this.set({ pool: name, state: 'used' }, pool.numUsed());
          this.set({ pool: name, state: 'free' }, pool.numFree());
          this.set({ pool: name, state: 'pending' }, pool.numPendingAcquires());
        }
      },
    });
    new Gauge({
      name: 'registry_db_pool_max',
      help: 'Most connections each database pool of this process opens (DB_POOL_MAX).',
      labelNames: ['pool'],
      registers,
      collect() {
        this.reset();
        for (const { name, pool } of pools()) this.set({ pool: name }, pool.max);
      },
    });

    const replicas = () => replicasOf(this.orm)?.status() ?? [];
    new Gauge({
      name: 'registry_db_replica_up',
      help: '1 while reads go to this read replica (DATABASE_REPLICA_URLS), 0 while it is down, lagging or not a standby (reads then go to the primary).',
      labelNames: ['replica'],
      registers,
      collect() {
        this.reset();
        replicas().forEach((r, i) => this.set({ replica: `replica-${i + 1}` }, r.state === 'up' ? 1 : 0));
      },
    });
    new Gauge({
      name: 'registry_db_replica_lag_seconds',
      help: 'How far each read replica was behind the primary at the last check (a lower bound while lagging; absent while down).',
      labelNames: ['replica'],
      registers,
      collect() {
        this.reset();
        replicas().forEach((r, i) => {
          if (r.lagMs !== null) this.set({ replica: `replica-${i + 1}` }, r.lagMs / 1000);
        });
      },
    });

    const figures = () => this.figures;
    const up = () => this.databaseUp;
    new Gauge({
      name: 'registry_metrics_database_up',
      help: '1 when this scrape read the database figures (rollups, imports), 0 when the database did not answer in time.',
      registers,
      collect() {
        this.set(up() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'registry_rollup_tracking_enabled',
      help: '1 when PostgreSQL times functions (track_functions = pl), which the rollup maintenance figures need.',
      registers,
      collect() {
        this.set(figures()?.tracking ? 1 : 0);
      },
    });
    const rollup = (name: string, help: string, value: (r: DatabaseFigures['rollups'][number]) => number) =>
      new Counter({
        name,
        help,
        labelNames: ['function'],
        registers,
        collect() {
          const f = figures();
          if (!f) return;
          this.reset();
          for (const r of f.rollups) this.inc({ function: r.name }, value(r));
        },
      });
    rollup(
      'registry_rollup_maintenance_seconds_total',
      "Time spent in the rollup triggers' functions since PostgreSQL's statistics were reset (pg_stat_user_functions.total_time; rollup_flush is the deferred recomputation of funds and tiers at commit and includes fund_rollup_refresh and tier_rollup_refresh).",
      (r) => r.totalMs / 1000,
    );
    rollup('registry_rollup_maintenance_calls_total', "Calls of the rollup triggers' functions (pg_stat_user_functions.calls).", (r) => r.calls);
    const imports = (name: string, help: string, set: (c: Counter<string>, i: DatabaseFigures['imports']) => void, labelNames: string[] = []) =>
      new Counter({
        name,
        help,
        labelNames,
        registers,
        collect() {
          const f = figures();
          if (!f) return;
          this.reset();
          set(this, f.imports);
        },
      });
    imports(
      'registry_import_runs_total',
      'Committed import runs (npm run import, npm run seed, the seed at first start): IMPORT entries of the audit log.',
      (c, i) => c.inc(i.runs),
    );
    imports(
      'registry_import_rows_total',
      'Rows of committed import runs, by result (created, updated, unchanged), from the IMPORT entries of the audit log.',
      (c, i) => {
        c.inc({ result: 'created' }, i.created);
        c.inc({ result: 'updated' }, i.updated);
        c.inc({ result: 'unchanged' }, i.unchanged);
      },
      ['result'],
    );
    new Gauge({
      name: 'registry_import_last_run_timestamp_seconds',
      help: 'When the last committed import run wrote its audit entry (Unix time); absent before the first.',
      registers,
      collect() {
        const at = figures()?.imports.lastAt;
        this.reset();
        if (at !== null && at !== undefined) this.set(at);
      },
    });
  }

  /** The label for an operation name (undefined: never resolved; null: anonymous). */
  operationLabel(name: string | null | undefined): string {
    if (name === undefined) return NO_OPERATION;
    if (name === null || name === '') return ANONYMOUS_OPERATION;
    if (this.known.has(name) || this.others.has(name)) return name;
    if (!GRAPHQL_NAME.test(name) || this.others.size >= this.maxOperationNames) return OTHER_OPERATION;
    this.others.add(name);
    return name;
  }

  /** Records one finished GraphQL request: its duration, and a refusal when one of its codes is a limit's. */
  observe(operation: string | null | undefined, codes: readonly string[], status: number, seconds: number): void {
    const first = codes.find((c) => CODE.test(c));
    const outcome = first ?? (status >= 400 ? `HTTP_${status}` : 'ok');
    this.duration.observe({ operation: this.operationLabel(operation), outcome }, seconds);
    const limits = new Set(codes.filter((c): c is LimitCode => (Object.values(LimitCode) as string[]).includes(c)));
    for (const limit of limits) this.refused.inc({ limit });
  }

  /** The Prometheus text of every metric, with the database figures read now (or left out when the database does not answer in time). */
  async render(): Promise<string> {
    try {
      this.figures = await withTimeout(readDatabaseFigures(this.orm), DATABASE_TIMEOUT_MS);
      this.databaseUp = true;
    } catch {
      this.figures = undefined;
      this.databaseUp = false;
    }
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The process's pools: `primary` (the ORM's), and `replica-1`… for the read replicas (DATABASE_REPLICA_URLS, in their order). */
  private pools(): { name: string; pool: TarnPool }[] {
    const driver = this.orm.em.getDriver() as unknown as { getConnection(type: 'write'): unknown };
    const poolOf = (connection: unknown) => (connection as { getKnex(): { client: { pool?: TarnPool } } }).getKnex().client.pool;
    const out: { name: string; pool: TarnPool }[] = [];
    const primary = poolOf(driver.getConnection('write'));
    if (primary) out.push({ name: 'primary', pool: primary });
    (replicasOf(this.orm)?.replicas ?? []).forEach((r, i) => {
      const use = () => r.poolUse();
      // Note: node-postgres' pool, in the shape of knex's (tarn) that the gauges read.
      out.push({
        name: `replica-${i + 1}`,
        pool: {
          numUsed: () => use().total - use().idle,
          numFree: () => use().idle,
          numPendingAcquires: () => use().waiting,
          numPendingCreates: () => 0,
          max: use().max,
        },
      });
    });
    return out;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
