/**
 * `npm run bench:abuse [-- --requests 200] [--rounds 1]`: starts the API as `npm start` does (the
 * build check, then the compiled API with the flags of package.json's start script; default limits) as a child process on a fresh embedded PostgreSQL loaded with the seed, fires N
 * concurrent requests of the heaviest read the limits allow, samples the child's resident memory
 * from /proc/<pid>/status every 20 ms, and prints what was answered or refused, latencies and the
 * peak RSS against the 600 MiB target. Loopback only; bounded in time (each round ends when
 * every request is answered; requests time out after 120 s).
 *
 * Environment variables given to this command (MAX_CONCURRENT_REQUESTS, QUEUE_MAX, …) pass
 * through to the API, so other settings can be measured the same way.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from '../src/db/embedded.js';
import { prepareStart, ROOT, startCommand } from './start-command.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && Number(process.argv[i + 1]) > 0 ? Number(process.argv[i + 1]) : fallback;
};
const REQUESTS = arg('requests', 200);
const ROUNDS = arg('rounds', 1);
const TARGET_MIB = 600;

/**
 * The heaviest read MAX_NODES (50,000) lets through: 100 projects, each with its host's first 100
 * projects, each with its investors' first 3 projects = 100 + 10,000 + 30,000 = 40,100 nodes
 * (one more project per investor would be 50,100: refused). On the seed it returns ~31,000
 * project nodes, about 7 MB of JSON.
 */
export const HEAVY = `query Heavy($n: Int!, $m: Int!) {
  projects(first: $n) { totalCount nodes { code name sector signedAmount signedOn tier stage
    host { code name projects(first: $n) { totalCount nodes { code name sector signedAmount(unit: WAN) signedOn tier stage
      investors { creditCode name projects(first: $m) { totalCount nodes { code name signedAmount } } } } } } } }
}`;
const VARIABLES = { n: 100, m: 3 };

function mib(kb: number): string {
  return `${(kb / 1024).toFixed(0)} MiB`;
}

function memory(pid: number): { rss: number; hwm: number } {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    throw new Error(`the API process ${pid} is gone (exit ${api?.exitCode ?? '?'}, signal ${api?.signalCode ?? '-'}):\n${output.slice(-3000)}`);
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The API's own log (stdout and stderr), to show why it stopped if it does. */
let output = '';

async function startApi(dataDir: string, port: number): Promise<ChildProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, PG_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production' };
  delete env.DATABASE_URL;
  delete env.SEED;
  const child = spawn(process.execPath, startCommand().api, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`API did not start:\n${output}`)), 180_000);
    const onData = () => {
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

interface Outcome {
  status: number;
  code?: string;
  ms: number;
  bytes: number;
}

async function fire(url: string): Promise<Outcome> {
  const t = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: HEAVY, variables: VARIABLES }),
      signal: AbortSignal.timeout(120_000),
    });
    const text = await res.text();
    let code: string | undefined;
    if (res.status !== 200 || text.startsWith('{"errors"') || text.startsWith('{\n  "errors"')) code = JSON.parse(text).errors?.[0]?.extensions?.code;
    return { status: res.status, code, ms: performance.now() - t, bytes: text.length };
  } catch (e) {
    return { status: 0, code: (e as Error).name, ms: performance.now() - t, bytes: 0 };
  }
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-bench-abuse-'));
await chmod(dir, 0o755);
let api: ChildProcess | undefined;
let failed = false;
try {
  const port = await findFreePort();
  // Note: as `npm start`: build dist/ if it is missing or stale, then the compiled API with its flags.
  const prepared = prepareStart();
  if (prepared.built) console.log(prepared.output.trim());
  const started = performance.now();
  api = await startApi(path.join(dir, 'pg'), port);
  const url = `http://127.0.0.1:${port}/graphql`;
  const pid = api.pid!;
  console.log(`API: node ${startCommand().api.join(' ')} (npm start, after its build check), default limits`);
  console.log(`API pid ${pid} ready in ${((performance.now() - started) / 1000).toFixed(1)} s (fresh embedded PostgreSQL, seed loaded)`);
  const idle = memory(pid);
  const single = await fire(url);
  if (single.status !== 200 || single.code) throw new Error(`the heavy query failed alone: ${JSON.stringify(single)}`);
  console.log(
    `one heavy request alone: ${single.ms.toFixed(0)} ms, ${(single.bytes / 1048576).toFixed(1)} MiB of JSON; RSS idle ${mib(idle.rss)}, after it ${mib(memory(pid).rss)}`,
  );

  let peak = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    let samples = 0;
    const sampler = setInterval(() => {
      try {
        peak = Math.max(peak, memory(pid).rss);
        samples++;
      } catch {
        /* the process is gone: reported after the round */
      }
    }, 20);
    const t = performance.now();
    const outcomes = await Promise.all(Array.from({ length: REQUESTS }, () => fire(url)));
    const wall = performance.now() - t;
    clearInterval(sampler);
    const { rss, hwm } = memory(pid);
    peak = Math.max(peak, rss, hwm);
    const by = new Map<string, Outcome[]>();
    for (const o of outcomes) {
      const key = o.status === 200 && !o.code ? '200 answered' : `${o.status} ${o.code ?? ''}`.trim();
      by.set(key, [...(by.get(key) ?? []), o]);
    }
    const all = outcomes.map((o) => o.ms).sort((a, b) => a - b);
    const answered = (by.get('200 answered') ?? []).map((o) => o.ms).sort((a, b) => a - b);
    console.log(`\nround ${round}: ${REQUESTS} concurrent requests in ${(wall / 1000).toFixed(1)} s`);
    for (const [key, list] of [...by].sort()) console.log(`  ${key.padEnd(22)} ${String(list.length).padStart(4)}`);
    console.log(`  latency all       p50 ${percentile(all, 50).toFixed(0)} ms  p99 ${percentile(all, 99).toFixed(0)} ms`);
    console.log(`  latency answered  p50 ${percentile(answered, 50).toFixed(0)} ms  p99 ${percentile(answered, 99).toFixed(0)} ms`);
    console.log(`  RSS now ${mib(rss)}, peak ${mib(peak)} (VmHWM ${mib(hwm)}; ${samples} samples)`);
    const bad = outcomes.filter((o) => !((o.status === 200 && !o.code) || o.status === 503 || o.status === 429));
    if (bad.length) {
      failed = true;
      console.log(`  ${bad.length} requests neither answered nor refused with 503/429: ${JSON.stringify(bad.slice(0, 3))}`);
    }
  }
  const after = await fire(url);
  console.log(`\nafterwards one request: HTTP ${after.status} in ${after.ms.toFixed(0)} ms`);
  console.log(`peak RSS ${mib(peak)} against the ${TARGET_MIB} MiB target: ${peak / 1024 <= TARGET_MIB ? 'met' : 'NOT met'}`);
  if (peak / 1024 > TARGET_MIB || after.status !== 200) failed = true;
} finally {
  if (api && api.exitCode === null) {
    const exited = new Promise((r) => api!.once('exit', r));
    api.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
    if (api.exitCode === null) api.kill('SIGKILL');
  }
  await rm(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
