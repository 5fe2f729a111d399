import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/keys.js';
import { type Database, openDatabase, replicaOptionsFromEnv } from '../src/db/database.js';
import { findFreePort, readSecrets } from '../src/db/embedded.js';
import { REPLICA_APPLICATION_NAME, type ReplicaStatus } from '../src/db/replicas.js';
import { type StandbyHandle, startStandby } from '../src/db/standby.js';
import { buildRegistrySchema } from '../src/schema/build.js';
import { type RunningApp, startApp } from '../src/server/app.js';
import { runCli } from './support/cli.js';

// One embedded primary and one real streaming standby (made from it with the low-level backup
// API) for the whole file; the API reads from the standby through DATABASE_REPLICA_URLS' rule.
// Checks run when the test asks (db.replicas.check()), so the tests decide what the API knows.
const MAX_LAG_MS = 1_500;
const METRICS_KEY = 'replica-test-metrics-key';
let dir: string;
let db: Database;
let standby: StandbyHandle;
let app: RunningApp;
let adminKey: string;
let primaryAdmin: pg.Client;
let replicaAdmin: pg.Client;
let statements = 0;

const AREAS = [
  { code: '330110', name: '余杭区', kind: 'DISTRICT' },
  { code: '330110110', name: '鸬鸟镇', kind: 'TOWN', parentCode: '330110', mountain: true },
  { code: '330110110201', name: '仙佰坑村', kind: 'VILLAGE', parentCode: '330110110' },
  { code: '330110110202', name: '前庄村', kind: 'VILLAGE', parentCode: '330110110' },
  { code: '330110110203', name: '太平山村', kind: 'VILLAGE', parentCode: '330110110' },
];
/** Operating incomes of 2022 written in the test (yuan, exact). */
const INCOMES: Record<string, string> = { '330110110201': '1234567.89', '330110110202': '100.11' };

const LIST = `{ collectiveIncomes(first: 10, orderBy: [{ field: OPERATING_INCOME, direction: DESC }]) { totalCount nodes { year operatingIncome village { code name } } } }`;
const AGGREGATE = `{ collectiveIncome(year: 2022) { total villageCount } }`;
const CREATE_INCOME = `mutation($input: CollectiveIncomeInput!) { createCollectiveIncome(input: $input) { year operatingIncome village { code collectiveIncomes(first: 5) { totalCount } } } }`;

/** Sum of exact yuan amounts, in fen, back to the API's decimal text. */
function yuanSum(amounts: string[]): string {
  const fen = amounts.reduce((sum, a) => {
    const [whole, frac = ''] = a.split('.');
    return sum + BigInt(whole!) * 100n + BigInt(frac.padEnd(2, '0'));
  }, 0n);
  return `${fen / 100n}.${String(fen % 100n).padStart(2, '0')}`.replace(/\.?0+$/, '');
}

async function gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const mutation = /^\s*mutation\b/.test(query);
  const res = await fetch(app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(mutation ? { authorization: `Bearer ${adminKey}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (res.status !== 200 || body.errors) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body.errors)}`);
  return body.data as T;
}

async function replicaStatus(): Promise<ReplicaStatus> {
  return db.replicas!.status()[0]!;
}

/** Waits until the replica has replayed the primary's WAL position of now (at most 20 s); then the API checks and finds it up. */
async function caughtUp(): Promise<void> {
  const lsn = (await primaryAdmin.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn')).rows[0]!.lsn;
  const deadline = Date.now() + 20_000;
  while (!(await replicaAdmin.query<{ done: boolean }>('select pg_last_wal_replay_lsn() >= $1::pg_lsn as done', [lsn])).rows[0]!.done) {
    if (Date.now() > deadline) throw new Error(`the replica did not replay ${lsn} within 20 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await db.replicas!.check();
  expect(await replicaStatus()).toMatchObject({ state: 'up' });
}

/** The lines of /metrics that start with `prefix`. */
async function metricLines(prefix: string): Promise<string[]> {
  const res = await fetch(new URL('/metrics', app.url), { headers: { authorization: `Bearer ${METRICS_KEY}` } });
  expect(res.status).toBe(200);
  return (await res.text()).split('\n').filter((l) => l.startsWith(prefix));
}

/** The server's clock, to select the statements that started after it. */
async function serverNow(client: pg.Client): Promise<string> {
  return (await client.query<{ now: string }>('select clock_timestamp()::text as now')).rows[0]!.now;
}

/** Last statements of the API's connections (by application_name) that started at or after `since`. */
async function statementsSince(client: pg.Client, applicationName: string, since: string): Promise<string[]> {
  const { rows } = await client.query<{ query: string }>('select query from pg_stat_activity where application_name = $1 and query_start >= $2::timestamptz', [
    applicationName,
    since,
  ]);
  return rows.map((r) => r.query);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'registry-replica-'));
  await chmod(dir, 0o755);
  const primaryDir = path.join(dir, 'primary');
  const [primaryPort, replicaPort] = [await findFreePort(), await findFreePort()];
  db = await openDatabase({
    dataDir: primaryDir,
    port: primaryPort,
    replicaUrls: [`postgres://127.0.0.1:${replicaPort}/registry`],
    replicaMaxLagMs: MAX_LAG_MS,
    replicaCheckIntervalMs: 3_600_000,
    orm: { debug: ['query'], colors: false, logger: (line: string) => void (/\[query\]/.test(line) && statements++) },
  });
  standby = await startStandby({ primaryDataDir: primaryDir, primaryPort, dataDir: path.join(dir, 'replica'), port: replicaPort });
  app = await startApp({ orm: db.orm, schema: await buildRegistrySchema(), limits: { ratePerMinute: 0 }, metrics: { key: METRICS_KEY } }, 0, '127.0.0.1');
  adminKey = (await createApiKey(db.orm.em.fork(), { role: 'admin', label: 'replica test', createdBy: 'test' })).key;
  const secrets = (await readSecrets(primaryDir))!;
  const connect = async (port: number) => {
    const c = new pg.Client({ host: '127.0.0.1', port, user: secrets.superuser.user, password: secrets.superuser.password, database: 'registry' });
    await c.connect();
    return c;
  };
  primaryAdmin = await connect(primaryPort);
  replicaAdmin = await connect(replicaPort);
  for (const a of AREAS) await gql(`mutation($input: AreaInput!) { createArea(input: $input) { code } }`, { input: { ...a, source: 'test' } });
  for (const [villageCode, operatingIncome] of Object.entries(INCOMES)) {
    await gql(CREATE_INCOME, { input: { villageCode, year: 2022, operatingIncome, source: 'test' } });
  }
  await caughtUp();
}, 120_000);

afterAll(async () => {
  await replicaAdmin?.end().catch(() => {});
  await primaryAdmin?.end().catch(() => {});
  await app?.stop();
  await db?.close();
  await standby?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('read replicas', () => {
  it('streams from the primary as a hot standby', async () => {
    const { rows } = await replicaAdmin.query<{ recovery: boolean }>('select pg_is_in_recovery() as recovery');
    expect(rows[0]!.recovery).toBe(true);
    const { rows: senders } = await primaryAdmin.query<{ name: string; state: string }>('select application_name as name, state from pg_stat_replication');
    expect(senders).toEqual([{ name: standby.name, state: 'streaming' }]);
  });

  it('answers lists (with their nested reads) and aggregates from the replica, and none of their statements from the primary', async () => {
    const since = { primary: await serverNow(primaryAdmin), replica: await serverNow(replicaAdmin) };
    const before = { reads: (await replicaStatus()).reads, statements };

    const list = await gql(LIST);
    const expected = Object.entries(INCOMES)
      .sort(([, a], [, b]) => Number(b) - Number(a))
      .map(([code, amount]) => ({ year: 2022, operatingIncome: amount, village: { code, name: AREAS.find((a) => a.code === code)!.name } }));
    expect(list.collectiveIncomes).toEqual({ totalCount: 2, nodes: expected });
    const onReplica = await statementsSince(replicaAdmin, REPLICA_APPLICATION_NAME, since.replica);
    expect(onReplica.some((q) => /collective_income|"area"/.test(q))).toBe(true);

    const aggregate = await gql(AGGREGATE);
    expect(aggregate.collectiveIncome).toEqual({ total: yuanSum(Object.values(INCOMES)), villageCount: 2 });

    // Every statement the two requests sent was answered by the replica; the primary's API pool ran none.
    const sent = statements - before.statements;
    expect(sent).toBeGreaterThanOrEqual(3);
    expect((await replicaStatus()).reads - before.reads).toBe(sent);
    expect(await statementsSince(primaryAdmin, 'yuhang-registry', since.primary)).toEqual([]);

    // /metrics shows the replica's pool beside the primary's, and the replica in use.
    expect(await metricLines('registry_db_pool_max{')).toEqual(['registry_db_pool_max{pool="primary"} 10', 'registry_db_pool_max{pool="replica-1"} 10']);
    expect(await metricLines('registry_db_pool_connections{pool="replica-1",state="free"}')).toEqual([expect.stringMatching(/ [1-9]\d*$/)]);
    expect(await metricLines('registry_db_replica_up')).toEqual(['registry_db_replica_up{replica="replica-1"} 1']);
  });

  it("reads a mutation's payload, and every read after its write, from the primary even while the replica lags behind", async () => {
    await replicaAdmin.query('select pg_wal_replay_pause()');
    try {
      const since = await serverNow(replicaAdmin);
      const reads = (await replicaStatus()).reads;
      const created = await gql(CREATE_INCOME, { input: { villageCode: '330110110203', year: 2022, operatingIncome: '7', source: 'test' } });
      // The payload's nested list counts the village's new record: read on the primary after the write.
      expect(created.createCollectiveIncome).toEqual({
        year: 2022,
        operatingIncome: '7',
        village: { code: '330110110203', collectiveIncomes: { totalCount: 1 } },
      });
      // Two writes in one request, the second's payload read after both.
      const both = await gql(`mutation {
        a: updateCollectiveIncome(key: { villageCode: "330110110203", year: 2022 }, input: { operatingIncome: "8" }) { operatingIncome }
        b: updateCollectiveIncome(key: { villageCode: "330110110202", year: 2022 }, input: { operatingIncome: "9" }) { village { collectiveIncomes(first: 5) { nodes { operatingIncome } } } }
      }`);
      expect(both).toEqual({ a: { operatingIncome: '8' }, b: { village: { collectiveIncomes: { nodes: [{ operatingIncome: '9' }] } } } });
      expect((await replicaStatus()).reads).toBe(reads);
      expect(await statementsSince(replicaAdmin, REPLICA_APPLICATION_NAME, since)).toEqual([]);

      // A later request is a read again: it goes to the paused replica, which has not seen the writes
      // (read-your-writes holds within a request, not across requests).
      const later = await gql(`{ collectiveIncomes(first: 10) { totalCount } }`);
      expect(later.collectiveIncomes.totalCount).toBe(2);
      expect((await replicaStatus()).reads).toBeGreaterThan(reads);
    } finally {
      await replicaAdmin.query('select pg_wal_replay_resume()');
    }
    await caughtUp();
    expect((await gql(`{ collectiveIncomes(first: 10) { totalCount } }`)).collectiveIncomes.totalCount).toBe(3);
  });

  it('stops reading a replica that lags beyond REPLICA_MAX_LAG_MS, and not one that is merely idle', async () => {
    // An idle primary: nothing to replay, so no lag, however long since the last transaction.
    await new Promise((r) => setTimeout(r, MAX_LAG_MS + 300));
    await db.replicas!.check();
    const idle = await replicaStatus();
    expect(idle.state).toBe('up');
    expect(idle.lagMs).toBeLessThan(MAX_LAG_MS);

    await replicaAdmin.query('select pg_wal_replay_pause()');
    try {
      await gql(CREATE_INCOME, { input: { villageCode: '330110110201', year: 2021, operatingIncome: '1', source: 'test' } });
      await new Promise((r) => setTimeout(r, MAX_LAG_MS + 300));
      await db.replicas!.check();
      const status = await replicaStatus();
      expect(status.state).toBe('lagging');
      expect(status.lagMs).toBeGreaterThan(MAX_LAG_MS);
      const reads = status.reads;
      expect((await gql(`{ collectiveIncomes(first: 10) { totalCount } }`)).collectiveIncomes.totalCount).toBe(4);
      expect((await replicaStatus()).reads).toBe(reads);
      const ready = (await (await fetch(new URL('/readyz', app.url))).json()) as { replicas: ReplicaStatus[] };
      expect(ready.replicas[0]).toMatchObject({ state: 'lagging' });
    } finally {
      await replicaAdmin.query('select pg_wal_replay_resume()');
    }
    await caughtUp();
  });

  it('answers every request when the replica stops (the read is retried on the primary), and /readyz reports it down', async () => {
    const ready = await fetch(new URL('/readyz', app.url));
    const body = (await ready.json()) as { replicas: ReplicaStatus[] };
    expect(body.replicas).toEqual([
      { name: expect.stringMatching(/^127\.0\.0\.1:\d+\/registry$/), state: 'up', lagMs: expect.any(Number), reads: expect.any(Number) },
    ]);

    await replicaAdmin.end();
    await standby.stop();
    // The API has not checked since: its first read finds the replica gone and goes to the primary.
    expect((await replicaStatus()).state).toBe('up');
    const list = await gql(LIST);
    expect(list.collectiveIncomes.totalCount).toBe(4);
    const aggregate = await gql(AGGREGATE);
    expect(aggregate.collectiveIncome.villageCount).toBe(3);

    await db.replicas!.check();
    const res = await fetch(new URL('/readyz', app.url));
    expect(res.status).toBe(200);
    const text = await res.text();
    const down = JSON.parse(text) as { ok: boolean; replicas: ReplicaStatus[] };
    expect(down.ok).toBe(true);
    expect(down.replicas[0]).toMatchObject({ state: 'down', lagMs: null, reason: expect.any(String) });
    expect(await metricLines('registry_db_replica_up')).toEqual(['registry_db_replica_up{replica="replica-1"} 0']);
    // Host, port and database only: no role, no password.
    const secrets = (await readSecrets(path.join(dir, 'primary')))!;
    expect(text).not.toContain(secrets.app.password);
    expect(text).not.toContain('registry_app');
  });
});

describe('npm run db:replica', () => {
  it('makes a second replica of the running embedded primary, streams until SIGTERM, and --remove drops its slot and directory', async () => {
    const port = await findFreePort();
    const replicaDir = path.join(dir, 'replica-cli');
    const env = { ...process.env, PG_DATA_DIR: path.join(dir, 'primary'), PGPORT: '', DATABASE_URL: '' };
    const child = spawn(
      process.execPath,
      ['--import', '@swc-node/register/esm-register', 'src/db/replica.cli.ts', '--port', String(port), '--dir', replicaDir],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        if (stderr.includes('[replica] ready:')) resolve();
      });
      void exited.then((code) => reject(new Error(`db:replica exited (${code}) before it was ready: ${stderr}`)));
    });
    expect(stderr).toContain(`DATABASE_REPLICA_URLS=postgres://127.0.0.1:${port}/registry`);
    expect(stderr).not.toContain((await readSecrets(path.join(dir, 'primary')))!.app.password);
    const slot = `replica_${port}`;
    const streaming = async () =>
      (await primaryAdmin.query('select 1 from pg_stat_replication where application_name = $1 and state = $2', [slot, 'streaming'])).rows.length === 1;
    const deadline = Date.now() + 30_000;
    while (!(await streaming())) {
      if (Date.now() > deadline) throw new Error(`${slot} is not streaming: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await streaming()).toBe(false);
    const removed = await runCli('src/db/replica.cli.ts', ['--port', String(port), '--dir', replicaDir, '--remove'], env);
    expect(removed.code).toBe(0);
    expect((await primaryAdmin.query('select 1 from pg_replication_slots where slot_name = $1', [slot])).rows).toEqual([]);
    expect(existsSync(replicaDir)).toBe(false);
  }, 180_000);

  it('refuses a DATABASE_REPLICA_URLS entry that is not a PostgreSQL URL, naming the entry and not its password', () => {
    const saved = process.env.DATABASE_REPLICA_URLS;
    process.env.DATABASE_REPLICA_URLS = 'postgres://127.0.0.1:5433/registry, mysql://app:s3cret@db/registry';
    try {
      expect(() => replicaOptionsFromEnv()).toThrow(/^DATABASE_REPLICA_URLS: entry 2 is not a postgres:\/\/host:port\/database URL$/);
      process.env.DATABASE_REPLICA_URLS = ' postgres://127.0.0.1:5433/registry , postgresql://app:pw@replica2/registry ';
      expect(replicaOptionsFromEnv().replicaUrls).toEqual(['postgres://127.0.0.1:5433/registry', 'postgresql://app:pw@replica2/registry']);
    } finally {
      if (saved === undefined) delete process.env.DATABASE_REPLICA_URLS;
      else process.env.DATABASE_REPLICA_URLS = saved;
    }
  });
});
