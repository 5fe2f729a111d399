import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../src/db/embedded.js';
import { createKeyWithCli } from './support/cli.js';

const children: ChildProcess[] = [];
let dir: string | undefined;

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Starts the real start command (`npm start` without npm) on its own embedded data dir. */
async function startApi(dataDir: string, port: number): Promise<ChildProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, PG_DATA_DIR: dataDir, PORT: String(port), NODE_ENV: 'production' };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'src/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`API did not start:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('GraphQL API ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`API exited with ${code}:\n${output}`)));
  });
  return child;
}

async function gql(port: number, query: string, key?: string): Promise<any> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) };
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query }) });
  return res.json();
}

describe('the start command', () => {
  it('comes back with its data after the API is killed with SIGKILL, and stops cleanly on SIGTERM', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'registry-crash-'));
    await chmod(dir, 0o755);
    const dataDir = path.join(dir, 'pg');
    const port = await findFreePort();

    const first = await startApi(dataDir, port);
    const key = await createKeyWithCli({ PG_DATA_DIR: dataDir, DATABASE_URL: '' }, ['--role', 'editor', '--label', 'crash test']);
    const created = await gql(port, `mutation { createArea(input: { code: "339999", name: "崩溃测试区", kind: DISTRICT, source: "test" }) { code } }`, key);
    expect(created).toEqual({ data: { createArea: { code: '339999' } } });
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(true);

    const second = await startApi(dataDir, port);
    const read = await gql(port, `{ area(code: "339999") { name } }`);
    expect(read).toEqual({ data: { area: { name: '崩溃测试区' } } });

    const exit = new Promise<number | null>((r) => second.once('exit', (code) => r(code)));
    second.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
  }, 240_000);
});
