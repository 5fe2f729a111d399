import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort, SECRETS_FILE } from '../src/db/embedded.js';
import { createKeyWithCli } from './support/cli.js';
import { gql, probe, type RunningApi, sleep, startApi, stopLeftoverPostgres } from './support/start-command.js';

const apis: RunningApi[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const api of apis) if (api.child.exitCode === null && api.child.signalCode === null) api.child.kill('SIGKILL');
  for (const dir of dirs) {
    await stopLeftoverPostgres(path.join(dir, 'pg'));
    await rm(dir, { recursive: true, force: true });
  }
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-crash-'));
  await chmod(dir, 0o755);
  dirs.push(dir);
  return dir;
}

/** The embedded server's owner, as an operator on the machine finds it: secrets file and postmaster.pid. */
async function ownerClient(dataDir: string): Promise<pg.Client> {
  const secrets = JSON.parse(await readFile(path.join(dataDir, SECRETS_FILE), 'utf8'));
  const port = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[3]);
  const client = new pg.Client({ host: '127.0.0.1', port, user: secrets.superuser.user, password: secrets.superuser.password, database: 'registry' });
  client.on('error', () => {}); // terminated when the API stops its server
  await client.connect();
  return client;
}

/**
 * Waits until a statement of the API waits for a lock (a fixed sleep was not always enough on a
 * loaded machine: the request had not reached the API yet).
 */
async function blockedOnLock(client: pg.Client): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await client.query(
      `select count(*)::int as n from pg_stat_activity where application_name = 'yuhang-registry' and wait_event_type = 'Lock'`,
    );
    if (rows[0].n > 0) return;
    await sleep(50);
  }
  throw new Error('no statement of the API waited for the lock within 10 s');
}

describe('the start command', () => {
  it('comes back with its data after the API is killed with SIGKILL, and stops cleanly on SIGTERM', async () => {
    const dataDir = path.join(await tempDir(), 'pg');
    const port = await findFreePort();

    const first = await startApi({ PG_DATA_DIR: dataDir }, port);
    apis.push(first);
    const key = await createKeyWithCli({ PG_DATA_DIR: dataDir, DATABASE_URL: '', MIGRATION_DATABASE_URL: '' }, ['--role', 'editor', '--label', 'crash test']);
    const created = await gql(port, `mutation { createArea(input: { code: "339999", name: "崩溃测试区", kind: DISTRICT, source: "test" }) { code } }`, key);
    expect(created.body).toEqual({ data: { createArea: { code: '339999' } } });
    first.child.kill('SIGKILL');
    await first.exited;
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(true);

    const second = await startApi({ PG_DATA_DIR: dataDir }, port);
    apis.push(second);
    const read = await gql(port, `{ area(code: "339999") { name } }`);
    expect(read.body).toEqual({ data: { area: { name: '崩溃测试区' } } });
    // the seed was loaded by the owner and is read by the application role
    const seeded = await gql(port, `{ pairings(filter: { schemes: [CITY_MOUNTAIN] }) { totalCount } }`);
    expect(seeded.body).toEqual({ data: { pairings: { totalCount: 5 } } });

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
  }, 240_000);

  it('on SIGTERM stops accepting, lets an in-flight request finish, then stops PostgreSQL and exits 0', async () => {
    const dataDir = path.join(await tempDir(), 'pg');
    const port = await findFreePort();
    const api = await startApi({ PG_DATA_DIR: dataDir, SEED: 'false' }, port);
    apis.push(api);
    const key = await createKeyWithCli({ PG_DATA_DIR: dataDir, DATABASE_URL: '', MIGRATION_DATABASE_URL: '' }, [
      '--role',
      'editor',
      '--label',
      'shutdown test',
    ]);
    const created = await gql(port, `mutation { createArea(input: { code: "339998", name: "在途", kind: DISTRICT, source: "test" }) { code } }`, key);
    expect(created.body).toEqual({ data: { createArea: { code: '339998' } } });

    const holder = await ownerClient(dataDir);
    await holder.query('begin');
    await holder.query('lock table area in access exclusive mode');
    const inFlight = gql(port, `{ areas { totalCount nodes { name } } }`);
    await blockedOnLock(holder); // the request is now waiting for the lock

    api.child.kill('SIGTERM');
    await sleep(500);
    // no new requests...
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    // ...but the one in flight gets its answer
    await holder.query('rollback');
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { areas: { totalCount: 1, nodes: [{ name: '在途' }] } } });
    expect(await api.exited).toBe(0);
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
    await holder.end().catch(() => {});
  }, 240_000);

  it('does not wait longer than SHUTDOWN_TIMEOUT_MS for a request that never finishes', async () => {
    const dataDir = path.join(await tempDir(), 'pg');
    const port = await findFreePort();
    const api = await startApi({ PG_DATA_DIR: dataDir, SEED: 'false', SHUTDOWN_TIMEOUT_MS: '1500', STATEMENT_TIMEOUT_MS: '120000' }, port);
    apis.push(api);
    expect((await probe(port, '/readyz')).status).toBe(200);

    const holder = await ownerClient(dataDir);
    await holder.query('begin');
    await holder.query('lock table area in access exclusive mode'); // never released
    const stuck = gql(port, `{ areas { totalCount } }`).catch((err: Error) => err);
    await blockedOnLock(holder);

    const began = Date.now();
    api.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);
    const took = Date.now() - began;
    expect(took).toBeGreaterThanOrEqual(1_400);
    expect(took).toBeLessThan(8_000);
    expect(api.output()).toContain('requests still running after the shutdown timeout');
    await stuck; // cut off: a network error, never an answer with data
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
    await holder.end().catch(() => {});
  }, 240_000);
});
