import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findFreePort, startEmbeddedPostgres } from '../src/db/embedded.js';

interface PgClient {
  connect(): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
}
const { Client } = createRequire(import.meta.url)('pg') as {
  Client: new (config: { connectionString: string }) => PgClient;
};

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function withClient<T>(url: string, fn: (client: PgClient) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A throwaway dir the postgres user can traverse (mkdtemp makes it 0700). */
async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'embedded-pg-test-'));
  await fs.chmod(dir, 0o755);
  return dir;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // an orphan's parent (PID 1 here) may never reap it: a zombie counts as gone
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true;
  }
}
async function postmasterPid(dataDir: string): Promise<number | undefined> {
  const text = await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = text === undefined ? NaN : Number.parseInt(text.split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Last-resort cleanup so a failing test never leaves a postgres running. */
async function removeDir(dir: string): Promise<void> {
  const pid = await postmasterPid(path.join(dir, 'data'));
  if (pid !== undefined && isAlive(pid)) {
    process.kill(pid, 'SIGQUIT');
    for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  }
  await fs.rm(dir, { recursive: true, force: true });
}

describe('embedded postgres', () => {
  it('keeps committed data when it is stopped and started again on the same data dir', async () => {
    const dir = await tempDir();
    const dataDir = path.join(dir, 'data');
    try {
      const first = await startEmbeddedPostgres({ dataDir });
      expect(first.url).toMatch(new RegExp(`^postgres://postgres:[A-Za-z0-9_-]{40,}@127\\.0\\.0\\.1:${first.port}/registry$`));
      await withClient(first.url, async (client) => {
        await client.query('CREATE TABLE probe (id int PRIMARY KEY, note text NOT NULL)');
        await client.query('INSERT INTO probe (id, note) VALUES ($1, $2)', [1, '余杭 persists']);
      });
      await first.stop();
      await first.stop(); // idempotent
      expect(await postmasterPid(dataDir)).toBeUndefined();

      const logs: string[] = [];
      const second = await startEmbeddedPostgres({ dataDir, log: (m) => logs.push(m) });
      try {
        expect(logs.join('\n')).not.toContain('initialising');
        const rows = await withClient(second.url, async (client) => (await client.query('SELECT id, note FROM probe')).rows);
        expect(rows).toEqual([{ id: 1, note: '余杭 persists' }]);
      } finally {
        await second.stop();
      }
    } finally {
      await removeDir(dir);
    }
  });

  it('recovers from a postgres orphaned by a SIGKILLed node process without losing committed rows', async () => {
    const dir = await tempDir();
    const dataDir = path.join(dir, 'data');
    try {
      const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'test/fixtures/embedded-child.ts', dataDir], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await new Promise<void>((resolve, reject) => {
        let stdout = '';
        const timer = setTimeout(() => reject(new Error(`child never became ready; stderr:\n${stderr}`)), 60_000);
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (/READY \d+/.test(stdout)) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once('exit', (code, sig) => {
          clearTimeout(timer);
          reject(new Error(`child exited early (${code ?? sig}); stderr:\n${stderr}`));
        });
      });

      child.kill('SIGKILL');
      await exited;
      const orphan = await postmasterPid(dataDir);
      expect(orphan).toBeDefined();
      expect(isAlive(orphan!)).toBe(true);

      const logs: string[] = [];
      const handle = await startEmbeddedPostgres({ dataDir, log: (m) => logs.push(m) });
      try {
        expect(logs.join('\n')).toContain(`found a postgres (pid ${orphan}) left by a previous run`);
        expect(isAlive(orphan!)).toBe(false);
        const rows = await withClient(handle.url, async (client) => (await client.query('SELECT id, note FROM crash_probe')).rows);
        expect(rows).toEqual([{ id: 1, note: 'committed before SIGKILL' }]);
      } finally {
        await handle.stop();
      }
      expect(await postmasterPid(dataDir)).toBeUndefined();
    } finally {
      await removeDir(dir);
    }
  }, 120_000);

  it('rejects with postgres output rather than undefined when its port is taken', async () => {
    const dir = await tempDir();
    const dataDir = path.join(dir, 'data');
    const port = await findFreePort();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen({ host: '127.0.0.1', port }, resolve));
    try {
      const error = await startEmbeddedPostgres({ dataDir, port }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toContain(`failed to start on 127.0.0.1:${port}`);
      expect((error as Error).message).toMatch(/could not bind|could not create any TCP\/IP sockets/);
      expect(await postmasterPid(dataDir)).toBeUndefined();
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
      await removeDir(dir);
    }
  });
});
