/**
 * One rule for finding the database, shared by every command: each says which database it uses,
 * an import never creates a new empty one unless asked (--create), two imports at once on the
 * embedded server wait for each other instead of crashing, and a data directory PostgreSQL cannot
 * enter is refused with a message naming the directory. Real commands, real embedded PostgreSQL.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { progressReporter } from '../src/import/progress.js';
import { type CliResult, runCli } from './support/cli.js';

const IMPORT = 'src/import/import.cli.ts';
const NO_DATABASE = { DATABASE_URL: '', MIGRATION_DATABASE_URL: '' };
const STACK = /^\s+at /m;
let dir: string;
let dataDir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'registry-dbrule-'));
  await chmod(dir, 0o755);
  dataDir = path.join(dir, 'pg');
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const embedded = (extra: NodeJS.ProcessEnv = {}) => ({ ...NO_DATABASE, PG_DATA_DIR: dataDir, ...extra });
const said = (r: CliResult) => `\n--- exit ${r.code}\n${r.stdout}\n${r.stderr}`;

/** Starts a command and resolves when its stderr first matches `ready`, then with its result. */
function startCli(script: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp): { ready: Promise<void>; done: Promise<CliResult> } {
  const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let signal: () => void = () => {};
  const readyP = new Promise<void>((resolve) => (signal = resolve));
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
    if (ready.test(stderr)) signal();
  });
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      signal();
      resolve({ code, stdout, stderr });
    });
  });
  return { ready: readyP, done };
}

describe('finding the database', () => {
  it('refuses to import into an embedded data directory that does not exist, naming --create, and creates it when asked', async () => {
    const refused = await runCli(IMPORT, ['seeds'], embedded());
    expect(refused.code, said(refused)).toBe(2);
    expect(refused.stderr).toContain(`[import] database: embedded PostgreSQL in ${dataDir} (new: not created yet)`);
    expect(refused.stderr).toMatch(/there is no database in .*PG_DATA_DIR.*pass --create/);
    expect(refused.stderr + refused.stdout).not.toMatch(STACK);
    expect(existsSync(path.join(dataDir, 'PG_VERSION')), 'nothing created').toBe(false);

    const created = await runCli(IMPORT, ['seeds', '--create'], embedded());
    expect(created.code, said(created)).toBe(0);
    expect(created.stderr).toContain(`[import] database: embedded PostgreSQL in ${dataDir} (new: not created yet)`);
    expect(created.stdout).toMatch(/^imported: \d+ created, 0 updated, 0 unchanged/m);
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);

    // Now it exists: the same import needs no flag, and says it changed nothing.
    const again = await runCli(IMPORT, ['seeds'], embedded());
    expect(again.code, said(again)).toBe(0);
    expect(again.stderr).toContain(`[import] database: embedded PostgreSQL in ${dataDir}\n`);
    expect(again.stdout).toMatch(/^nothing changed: all \d+ rows are already in the registry as given/m);
  }, 120_000);

  it('prints which database every command uses: migrations, keys, import', async () => {
    const migrate = await runCli('src/db/migrate.cli.ts', [], embedded());
    expect(migrate.code, said(migrate)).toBe(0);
    expect(migrate.stderr).toContain(`[migrate] database: embedded PostgreSQL in ${dataDir}\n`);
    const keys = await runCli('src/auth/keys.cli.ts', ['list'], embedded());
    expect(keys.code, said(keys)).toBe(0);
    expect(keys.stderr).toContain(`[keys] database: embedded PostgreSQL in ${dataDir}\n`);
  }, 120_000);

  it('prints an external database as postgres://user@host:port/db, never with its password', async () => {
    const url = new URL(inject('adminDatabaseUrl'));
    expect(url.password, 'the test server has a password to hide').not.toBe('');
    const migrate = await runCli('src/db/migrate.cli.ts', [], { ...NO_DATABASE, DATABASE_URL: url.toString() });
    expect(migrate.code, said(migrate)).toBe(0);
    expect(migrate.stderr).toContain(`[migrate] database: postgres://${decodeURIComponent(url.username)}@${url.host}${url.pathname}\n`);
    expect(migrate.stdout + migrate.stderr).not.toContain(url.password);
    expect(migrate.stdout + migrate.stderr).not.toContain(decodeURIComponent(url.password));
  }, 60_000);
});

describe('two imports at once on the embedded database', () => {
  it('all finish, one after the other, sharing the PostgreSQL the first one started, without a stack trace', async () => {
    const runs = await Promise.all([0, 1, 2].map(() => runCli(IMPORT, ['seeds'], embedded())));
    for (const r of runs) {
      expect(r.code, said(r)).toBe(0);
      expect(r.stdout + r.stderr, said(r)).not.toMatch(STACK);
      expect(r.stdout).toMatch(/^nothing changed: all \d+ rows/m);
    }
    expect(existsSync(path.join(dataDir, 'postmaster.pid')), 'the server was stopped at the end').toBe(false);
  }, 180_000);

  it('the second gives up with exit 2 under --no-wait, or waits for the first and then writes', async () => {
    // This process starts the server and holds the import lock, as a running import would.
    const server = await startEmbeddedPostgres({ dataDir });
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      await client.query('select pg_advisory_lock(7370110)');
      const gaveUp = await runCli(IMPORT, ['seeds', '--no-wait'], embedded());
      expect(gaveUp.code, said(gaveUp)).toBe(2);
      expect(gaveUp.stdout + gaveUp.stderr).toContain('another import is running; try again when it has finished');
      expect(gaveUp.stdout + gaveUp.stderr).not.toMatch(STACK);

      const waiting = startCli(IMPORT, ['seeds'], embedded(), /waiting for it to finish/);
      await waiting.ready;
      await client.query('select pg_advisory_unlock(7370110)');
      const done = await waiting.done;
      expect(done.code, said(done)).toBe(0);
      expect(done.stderr).toContain('another import is running; waiting for it to finish');
    } finally {
      await client.end();
      await server.stop();
    }
  }, 180_000);
});

describe('a data directory PostgreSQL cannot enter', () => {
  it('is refused with a message naming the directory and the fix (root: postgres runs as another user)', async () => {
    const locked = await mkdtemp(path.join(dir, 'private-')); // 0700, as mkdtemp makes it
    const r = await runCli(IMPORT, ['seeds', '--create'], { ...NO_DATABASE, PG_DATA_DIR: path.join(locked, 'pg') });
    expect(r.stdout + r.stderr).not.toMatch(STACK);
    if (process.getuid?.() === 0) {
      expect(r.code, said(r)).toBe(2);
      expect(r.stderr).toContain(`import could not run: embedded postgres: PostgreSQL runs as the postgres system user`);
      expect(r.stderr).toContain(`cannot enter ${locked} (mode 0700, owner uid 0)`);
      expect(r.stderr).toContain(`chmod o+x ${locked}`);
    } else {
      // Not root: PostgreSQL runs as this user, who can enter their own 0700 directory.
      expect(r.code, said(r)).toBe(0);
    }
  }, 120_000);
});

describe('progress', () => {
  it('draws a bar per phase on a terminal', async () => {
    const target = path.join(dir, 'pty-run');
    await mkdir(target, { recursive: true });
    const command = `${JSON.stringify(process.execPath)} --import @swc-node/register/esm-register ${IMPORT} seeds`;
    // `script` runs the command on a real pseudo-terminal, so stderr is a TTY.
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: { ...process.env, ...embedded(), COLUMNS: '120' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, out).toBe(0);
    for (const phase of ['read  读取', 'check 检查', 'write 写入']) expect(out, out).toMatch(new RegExp(`${phase} \\[[█░]+\\] 100% \\|`));
  }, 120_000);

  it('prints plain lines elsewhere: at each tenth once a phase runs long enough, and when it ends', () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (c: Buffer) => (text += c.toString()));
    const progress = progressReporter(stream, { quietMs: 0, everyMs: 60_000 });
    progress.start('write', 1000);
    for (let i = 0; i < 100; i++) progress.advance(10);
    progress.done();
    const lines = text.trim().split('\n');
    expect(lines.map((l) => l.replace(/, \d+ s\)$/, ')'))).toEqual([
      ...[10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((pct) => `[import] write ${pct}% (${pct * 10}/1000 rows)`),
      '[import] write 100% (1000/1000 rows)',
    ]);
    // Quiet for a phase shorter than quietMs.
    text = '';
    const quiet = progressReporter(stream, { quietMs: 60_000 });
    quiet.start('read', 1048576);
    quiet.advance(1048576);
    quiet.done();
    expect(text).toBe('');
  });
});
