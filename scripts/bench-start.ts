/**
 * `npm run bench:start [-- --rebuild] [--requests 50]`: runs `npm start` itself (npm, the build
 * check, the API) twice on a fresh embedded PostgreSQL in a temporary folder, loopback only:
 *   1. first start: creates the database, applies the migrations, loads the seed workbook;
 *   2. later start: the same data directory, what every start after the first does.
 * For each it prints the build (time when it compiled, else "up to date"), the time from spawning
 * `npm start` to the "GraphQL API ready" line and to the first answered GraphQL request, the API
 * process's resident memory (VmRSS, with its anonymous and file-backed parts, from
 * /proc/<pid>/status) when idle after start and a few requests, and after N more requests (the
 * queries of queries/, in turn). `--rebuild` deletes dist/ first, so the first start compiles.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from '../src/db/embedded.js';
import { ROOT, startCommand } from './start-command.js';

const argv = process.argv.slice(2);
const REBUILD = argv.includes('--rebuild');
const REQUESTS = (() => {
  const i = argv.indexOf('--requests');
  const n = i >= 0 ? Number(argv[i + 1]) : 50;
  if (!Number.isInteger(n) || n <= 0) throw new Error('--requests needs a positive whole number');
  return n;
})();
const FEW = 3;
const TARGET_IDLE_MIB = 150;

const QUERIES = readdirSync(path.join(ROOT, 'queries'))
  .filter((f) => f.endsWith('.graphql'))
  .sort()
  .map((f) => readFileSync(path.join(ROOT, 'queries', f), 'utf8'));

interface Memory {
  rss: number;
  anon: number;
  file: number;
  hwm: number;
}

/** Resident memory of a process in MiB, from /proc/<pid>/status. */
function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) / 1024;
  return { rss: mib('VmRSS'), anon: mib('RssAnon'), file: mib('RssFile'), hwm: mib('VmHWM') };
}
const show = (m: Memory) => `${m.rss.toFixed(0)} MiB (anonymous ${m.anon.toFixed(0)}, files ${m.file.toFixed(0)}; peak ${m.hwm.toFixed(0)})`;

/** The pid of the API process: the descendant of `root` running the API entry of `npm start`. */
function apiPid(root: number, entry: string): number | undefined {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  for (const [pid] of parent) {
    let up: number | undefined = pid;
    while (up !== undefined && up > 1 && up !== root) up = parent.get(up);
    if (up !== root || pid === root) continue;
    const cmdline = (() => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      } catch {
        return [];
      }
    })();
    if (cmdline.includes(entry)) return pid;
  }
  return undefined;
}

async function post(port: number, query: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(30_000),
  });
  await res.arrayBuffer();
  return res.status;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `npm start` as a user runs it: this npm (when run through npm), else the one on PATH. */
function spawnNpmStart(env: NodeJS.ProcessEnv): ChildProcess {
  const npmCli = process.env.npm_execpath;
  const [command, args] = npmCli && /\.c?js$/.test(npmCli) ? [process.execPath, [npmCli, 'start']] : ['npm', ['start']];
  return spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

interface StartOutcome {
  built?: string;
  readyMs: number;
  firstAnswerMs: number;
  idle: Memory;
  after: Memory;
  failures: number;
}

async function measureStart(label: string, dataDir: string): Promise<StartOutcome> {
  const port = await findFreePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PG_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.MIGRATION_DATABASE_URL;
  delete env.SEED;
  const began = performance.now();
  const child = spawnNpmStart(env);
  let output = '';
  let readyMs = NaN;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (Number.isNaN(readyMs) && output.includes('GraphQL API ready')) readyMs = performance.now() - began;
    });
  }
  let gone = false;
  void exited.then(() => (gone = true));
  const entry = startCommand().api.at(-1)!;
  let pid: number | undefined;
  try {
    // Note: poll from the moment of the spawn; the first answered request is the figure.
    let firstAnswerMs = NaN;
    while (Number.isNaN(firstAnswerMs)) {
      if (gone) throw new Error(`npm start exited:\n${output}`);
      if (performance.now() - began > 600_000) throw new Error(`no answer within 10 minutes:\n${output}`);
      try {
        if ((await post(port, '{ __typename }')) === 200) firstAnswerMs = performance.now() - began;
      } catch {
        await sleep(25);
      }
    }
    pid = apiPid(child.pid!, entry);
    if (pid === undefined) throw new Error(`found no process running ${entry} under npm start`);
    let failures = 0;
    for (let i = 0; i < FEW; i++) if ((await post(port, QUERIES[i % QUERIES.length])) !== 200) failures++;
    await sleep(2_000);
    const idle = memoryOf(pid);
    for (let i = 0; i < REQUESTS; i++) if ((await post(port, QUERIES[(FEW + i) % QUERIES.length])) !== 200) failures++;
    await sleep(1_000);
    const after = memoryOf(pid);
    const built = /\[build\] (compiled[^\n]*)/.exec(output)?.[1];
    const outcome = { built, readyMs, firstAnswerMs, idle, after, failures };
    console.log(`${label}:`);
    console.log(`  build: ${built ?? (startCommand().prepare.length ? 'up to date (not compiled)' : 'none (npm start runs TypeScript)')}`);
    console.log(`  spawn → "GraphQL API ready": ${(readyMs / 1000).toFixed(2)} s; → first answered request: ${(firstAnswerMs / 1000).toFixed(2)} s`);
    console.log(`  RSS idle after start and ${FEW} requests: ${show(idle)}`);
    console.log(`  RSS after ${REQUESTS} more requests (queries/ in turn): ${show(after)}${failures ? `; ${failures} requests not answered 200` : ''}`);
    return outcome;
  } finally {
    pid ??= apiPid(child.pid!, entry);
    if (pid !== undefined) process.kill(pid, 'SIGTERM');
    else child.kill('SIGTERM');
    await Promise.race([exited, sleep(30_000)]);
  }
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-bench-start-'));
await chmod(dir, 0o755);
try {
  if (REBUILD && existsSync(path.join(ROOT, 'dist'))) await rm(path.join(ROOT, 'dist'), { recursive: true, force: true });
  console.log(`npm start: ${JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start}`);
  console.log(
    `node ${process.version}, ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const dataDir = path.join(dir, 'pg');
  await measureStart('first start (new database, migrations, seed import)', dataDir);
  const later = await measureStart('later start (existing database)', dataDir);
  const met = later.idle.rss < TARGET_IDLE_MIB;
  console.log(`idle RSS ${later.idle.rss.toFixed(0)} MiB against the ${TARGET_IDLE_MIB} MiB target: ${met ? 'met' : 'missed'}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
