import { chmod, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedPostgresHandle, findFreePort, startEmbeddedPostgres } from '../src/db/embedded.js';
import { createKeyWithCli } from './support/cli.js';
import { gql, type RunningApi, startApi, stopLeftoverPostgres } from './support/start-command.js';

/**
 * Two real API processes (the start command, compiled), on two ports, against one PostgreSQL, as two
 * replicas behind a load balancer would run: the API connects as registry_app, migrations run as the
 * owner. Nothing either process remembers may change what the other answers.
 */
const RATE = 24;
let dir: string;
let server: EmbeddedPostgresHandle;
let a: RunningApi;
let b: RunningApi;
let env: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'registry-replicas-'));
  await chmod(dir, 0o755); // the postgres user must reach the data dir
  server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await findFreePort() });
  env = { DATABASE_URL: server.appUrl, MIGRATION_DATABASE_URL: server.url, SEED: 'false', RATE_LIMIT_PER_MINUTE: String(RATE) };
  a = await startApi(env, await findFreePort());
  b = await startApi(env, await findFreePort());
}, 240_000);

afterAll(async () => {
  for (const api of [a, b]) {
    if (api && api.child.exitCode === null && api.child.signalCode === null) {
      api.child.kill('SIGTERM');
      await api.exited;
    }
  }
  await server?.stop().catch(() => {});
  if (dir) {
    await stopLeftoverPostgres(path.join(dir, 'pg'));
    await rm(dir, { recursive: true, force: true });
  }
});

/** A GraphQL POST from a chosen loopback address (each address is its own anonymous rate-limit caller). */
function postFrom(port: number, localAddress: string, query: string): Promise<{ status: number; remaining: string | undefined; code: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`http://127.0.0.1:${port}/graphql`, { method: 'POST', localAddress, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        const body = JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] };
        resolve({ status: res.statusCode!, remaining: res.headers['ratelimit-remaining'] as string | undefined, code: body.errors?.[0]?.extensions?.code });
      });
    });
    req.on('error', reject);
    req.end(JSON.stringify({ query }));
  });
}

const keyEnv = () => ({ DATABASE_URL: server.appUrl, MIGRATION_DATABASE_URL: server.url });

describe('two API processes on one database', () => {
  it('run as two processes on two ports', () => {
    expect(a.port).not.toBe(b.port);
    expect(a.child.pid).not.toBe(b.child.pid);
  });

  it('refuse a key revoked through one process on the very next request to the other', async () => {
    const admin = await createKeyWithCli(keyEnv(), ['--role', 'admin', '--label', 'replicas admin']);
    const editor = await createKeyWithCli(keyEnv(), ['--role', 'editor', '--label', 'replicas editor']);
    // Both processes have seen and accepted the editor key (anything they might remember about it, they now do).
    for (const api of [a, b]) expect((await gql(api.port, '{ areas(first: 1) { totalCount } }', editor)).status).toBe(200);
    const keys = await gql(a.port, '{ apiKeys { id label revokedAt } }', admin);
    const id = keys.body.data.apiKeys.find((k: { label: string }) => k.label === 'replicas editor').id;

    const revoked = await gql(a.port, `mutation { revokeApiKey(id: ${id}) { id revokedAt } }`, admin);
    expect(revoked.body.errors).toBeUndefined();
    expect(revoked.body.data.revokeApiKey.revokedAt).not.toBeNull();

    const onB = await gql(b.port, '{ areas(first: 1) { totalCount } }', editor);
    expect(onB.status).toBe(401);
    expect(onB.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(onB.body.errors[0].message).toBe('Unauthenticated: this API key has been revoked');
    const onA = await gql(a.port, '{ areas(first: 1) { totalCount } }', editor);
    expect(onA.status).toBe(401);
  });

  it('read through one process what was written through the other, in the next request', async () => {
    const editor = await createKeyWithCli(keyEnv(), ['--role', 'editor', '--label', 'replicas writer']);
    const read = (port: number) => gql(port, '{ area(code: "339970") { code name } }', editor);
    // B reads first, so anything it might cache is cached before the write.
    expect((await read(b.port)).body.data.area).toBeNull();

    const created = await gql(
      a.port,
      'mutation { createArea(input: { code: "339970", name: "副本甲", kind: DISTRICT, source: "replicas test" }) { code } }',
      editor,
    );
    expect(created.body).toEqual({ data: { createArea: { code: '339970' } } });
    expect((await read(b.port)).body.data.area).toEqual({ code: '339970', name: '副本甲' });

    const renamed = await gql(b.port, 'mutation { updateArea(code: "339970", input: { name: "副本乙" }) { name } }', editor);
    expect(renamed.body).toEqual({ data: { updateArea: { name: '副本乙' } } });
    expect((await read(a.port)).body.data.area).toEqual({ code: '339970', name: '副本乙' });
  });

  it('count the rate limit across both: requests alternating between them reach the configured total, not twice it', async () => {
    const from = '127.0.0.2';
    const seen: { status: number; remaining: string | undefined }[] = [];
    for (let i = 0; i < RATE; i++) seen.push(await postFrom(i % 2 === 0 ? a.port : b.port, from, '{ __typename }'));
    expect(seen.map((s) => s.status)).toEqual(Array(RATE).fill(200));
    // One count: the remaining requests fall by one whichever process answered.
    expect(seen.map((s) => s.remaining)).toEqual(Array.from({ length: RATE }, (_, i) => String(RATE - 1 - i)));
    for (const port of [a.port, b.port]) {
      const refused = await postFrom(port, from, '{ __typename }');
      expect(refused.status).toBe(429);
      expect(refused.code).toBe('RATE_LIMITED');
    }
    // Another address still has its own minute, on both.
    expect((await postFrom(a.port, '127.0.0.3', '{ __typename }')).status).toBe(200);
    expect((await postFrom(b.port, '127.0.0.3', '{ __typename }')).status).toBe(200);
  });

  it('count concurrent requests to both processes exactly: of 2 × the limit at once, the limit is answered', async () => {
    const from = '127.0.0.4';
    const all = await Promise.all(Array.from({ length: 2 * RATE }, (_, i) => postFrom(i % 2 === 0 ? a.port : b.port, from, '{ __typename }')));
    const statuses = all.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(RATE);
    expect(statuses.filter((s) => s === 429)).toHaveLength(RATE);
    // The count is in PostgreSQL's rate_limit table, not in either process.
    const owner = new pg.Client({ connectionString: server.url });
    await owner.connect();
    try {
      const { rows } = await owner.query(`select points from rate_limit where key like '%ip:127.0.0.4'`);
      expect(rows).toHaveLength(1);
      expect(rows[0].points).toBeGreaterThanOrEqual(RATE + 1);
    } finally {
      await owner.end();
    }
  });
});
