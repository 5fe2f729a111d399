/**
 * `npm run soak -- --minutes N [--connections 32]`: starts the real start command (as `npm start`:
 * the build check, then the compiled API with package.json's flags) on a fresh embedded database
 * in a temporary folder (the seed loads at first start),
 * loopback only, then sends mixed reads (F1–F11 from queries/, list and lookup queries) and writes
 * (create, update, read back and delete a workshop on a seeded village; update a seeded fund flow)
 * at N concurrent connections for N minutes. Prints errors, p50/p99 latency, request counts and
 * the API's RSS at start, every minute and at the end. Exits 1 when any request failed.
 *
 * Writes need an editor key: the script creates one with `npm run keys -- create --role editor
 * --label soak` against the same data directory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Request, type Result } from 'autocannon';
import { prepareStart, startCommand } from './start-command.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MAX_MINUTES = 120;

interface Args {
  minutes: number;
  connections: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { minutes: 1, connections: 32 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) usage(`${a} needs a positive number`);
      return v;
    };
    if (a === '--minutes') args.minutes = value();
    else if (a === '--connections') args.connections = Math.round(value());
    else usage(`unknown argument ${a}`);
  }
  if (args.minutes > MAX_MINUTES) usage(`--minutes is at most ${MAX_MINUTES}`);
  if (args.connections > 256) usage('--connections is at most 256');
  return args;
}

function usage(problem: string): never {
  console.error(`soak: ${problem}\nusage: npm run soak -- --minutes N [--connections 32]`);
  process.exit(2);
}

const say = (msg: string) => console.log(`[soak] ${msg}`);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** RSS and peak RSS of a process in MiB, from /proc/<pid>/status. */
function memoryOf(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

const mib = (pid: number) => {
  const m = memoryOf(pid);
  return m ? `${m.rss.toFixed(0)} MiB (peak ${m.peak.toFixed(0)} MiB)` : 'n/a';
};

/** The API as a child process; counts its request log lines and keeps what else it says. */
class Api {
  readonly child: ChildProcess;
  requestLines = 0;
  serverErrorLines = 0;
  readonly other: string[] = [];
  private ready = false;
  private readonly early: string[] = [];

  constructor(env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, startCommand().api, {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) this.line(line);
      });
    }
  }

  private line(line: string) {
    if (line.startsWith('{') && line.includes('"msg":"request"')) {
      this.requestLines++;
      if (line.includes('"level":50')) this.serverErrorLines++;
      return;
    }
    if (!this.ready) {
      this.early.push(line);
      if (line.includes('GraphQL API ready')) this.ready = true;
    } else if (line.trim() && this.other.length < 50) {
      this.other.push(line);
    }
  }

  async started(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!this.ready) {
      if (this.child.exitCode !== null) throw new Error(`the API exited with ${this.child.exitCode}:\n${this.early.join('\n')}`);
      if (Date.now() > until) throw new Error(`the API did not start within ${timeoutMs / 1000} s:\n${this.early.join('\n')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** What the API printed until it was ready. */
  startupLines(): string[] {
    return [...this.early];
  }

  /** Waits until no request line has been written for a second (at most `timeoutMs`). */
  async quiet(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    let seen = -1;
    while (seen !== this.requestLines && Date.now() < until) {
      seen = this.requestLines;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  /** SIGTERM, then SIGKILL after 30 s; resolves with the exit code or signal. */
  async stop(): Promise<string> {
    if (this.child.exitCode !== null) return `exited earlier with ${this.child.exitCode}`;
    const exited = new Promise<string>((r) => this.child.once('exit', (code, signal) => r(signal ? `killed by ${signal}` : `exit code ${code}`)));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    const how = await exited;
    clearTimeout(timer);
    return how;
  }
}

/** Runs a command to its end, returning its exit code and output. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function graphql(url: string, query: string, headers: Record<string, string> = {}): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  if (!res.ok || body.errors) throw new Error(`setup query failed (${res.status}): ${JSON.stringify(body).slice(0, 500)}`);
  return body.data;
}

// --- the workload -------------------------------------------------------------------------------

interface Operation {
  name: string;
  query: string;
  variables?: (ctx: Record<string, any>) => Record<string, unknown>;
}

const LIST_QUERIES: Operation[] = [
  {
    name: 'ListProjects',
    query: `query ListProjects { projects(first: 20, orderBy: [{ field: SIGNED_AMOUNT, direction: DESC }]) {
      totalCount nodes { code name tier signedAmount(unit: YI) stage landedOn host { name } investors { name } pairing { code scheme } } } }`,
  },
  {
    name: 'MountainTowns',
    query: `query MountainTowns { areas(filter: { kinds: [TOWN], mountain: true }) { totalCount nodes { code name
      children(first: 100) { totalCount nodes { name scenicGrade } } projects(first: 5) { totalCount nodes { code tier stage } } } } }`,
  },
  {
    name: 'ListWorkshops',
    query: `query ListWorkshops { workshops(first: 50) { totalCount nodes { name type jobsCreated village { name } hostEnterprise { name } } } }`,
  },
  { name: 'ListEnterprises', query: `query ListEnterprises { enterprises(first: 60) { totalCount nodes { creditCode name ownership tags } } }` },
  {
    name: 'ListFundFlows',
    query: `query ListFundFlows { fundFlows(first: 50) { totalCount nodes { kind amount(unit: WAN) occurredOn project { code name } } } }`,
  },
  {
    name: 'ListPairings',
    query: `query ListPairings { pairings(first: 40) { totalCount nodes { code scheme startDate
      lead { ... on Area { name } ... on Enterprise { name } } partner { ... on Area { name } ... on Enterprise { name } } } } }`,
  },
];

function readQueries(): Operation[] {
  const dir = path.join(ROOT, 'queries');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => ({ name: f.replace(/\.graphql$/, ''), query: readFileSync(path.join(dir, f), 'utf8') }));
}

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)];

interface Seeded {
  villages: string[];
  fundFlows: { projectCode: string; kind: string; occurredOn: string }[];
}

function workload(seeded: Seeded, withWrites: boolean): { requests: Request[] } {
  const reads: Operation[] = [
    ...readQueries(),
    ...LIST_QUERIES,
    {
      name: 'VillageByCode',
      query: `query VillageByCode($code: String!) { area(code: $code) { name parent { name } workshops(first: 10) { nodes { name } } } }`,
      variables: () => ({ code: pick(seeded.villages) }),
    },
  ];
  let serial = 0;
  const workshopKey = (ctx: Record<string, any>) => ({ villageCode: ctx.village, name: ctx.workshop });
  const writes: Record<string, Operation> = {
    C: {
      name: 'SoakCreateWorkshop',
      query: `mutation SoakCreateWorkshop($input: WorkshopInput!) { createWorkshop(input: $input) { name jobsCreated } }`,
      variables: (ctx) => {
        ctx.village = pick(seeded.villages);
        ctx.workshop = `soak ${process.pid}-${++serial}`;
        return { input: { villageCode: ctx.village, name: ctx.workshop, type: 'LIVE_COMMERCE', jobsCreated: 3, source: 'illustrative: soak test' } };
      },
    },
    U: {
      name: 'SoakUpdateWorkshop',
      query: `mutation SoakUpdateWorkshop($key: WorkshopKeyInput!, $input: WorkshopInput!) { updateWorkshop(key: $key, input: $input) { jobsCreated } }`,
      variables: (ctx) => ({ key: workshopKey(ctx), input: { jobsCreated: 5 + Math.floor(Math.random() * 50), lowIncomeJobs: 1 } }),
    },
    K: {
      name: 'SoakReadWorkshop',
      query: `query SoakReadWorkshop($key: WorkshopKeyInput!) { workshop(key: $key) { name jobsCreated village { name } } }`,
      variables: (ctx) => ({ key: workshopKey(ctx) }),
    },
    D: {
      name: 'SoakDeleteWorkshop',
      query: `mutation SoakDeleteWorkshop($key: WorkshopKeyInput!) { deleteWorkshop(key: $key) }`,
      variables: (ctx) => ({ key: workshopKey(ctx) }),
    },
    F: {
      name: 'SoakUpdateFundFlow',
      query: `mutation SoakUpdateFundFlow($key: FundFlowKeyInput!, $input: FundFlowInput!) { updateFundFlow(key: $key, input: $input) { amount } }`,
      variables: () => ({ key: pick(seeded.fundFlows), input: { source: `illustrative; touched by soak ${process.pid}` } }),
    },
  };
  // One cycle per connection: 20 requests, of which 4 writes and a read of the connection's own write.
  const cycle = withWrites ? 'RRCRRRURRKRRRDRRFRRR' : 'RRRRRRRRRRRRRRRRRRRR';
  const requests: Request[] = [...cycle].map((letter) => ({
    method: 'POST',
    path: '/graphql',
    setupRequest: (req, ctx) => {
      const op = letter === 'R' ? pick(reads) : writes[letter];
      ctx.op = op.name;
      return { ...req, body: JSON.stringify({ query: op.query, variables: op.variables?.(ctx) }) };
    },
  }));
  return { requests };
}

// --- measuring ------------------------------------------------------------------------------------

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

class Stats {
  window: number[] = [];
  total = 0;
  writes = 0;
  readonly errors = new Map<string, number>();
  errorCount = 0;

  error(kind: string) {
    this.errorCount++;
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
  }

  /** Checks one response: an HTTP error status or a GraphQL `errors` entry counts as an error. */
  check(op: string, status: number, body: string) {
    if (op.startsWith('Soak') && op !== 'SoakReadWorkshop') this.writes++;
    let parsed: { errors?: { message?: string; extensions?: { code?: string } }[] } | undefined;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    if (status !== 200 || !parsed || parsed.errors) {
      const first = parsed?.errors?.[0];
      this.error(`${op}: HTTP ${status} ${first?.extensions?.code ?? ''} ${(first?.message ?? body).slice(0, 120)}`.replace(/\s+/g, ' '));
    }
  }

  take(): number[] {
    const w = this.window.sort((a, b) => a - b);
    this.window = [];
    return w;
  }
}

// --- main -------------------------------------------------------------------------------------------

const args = parseArgs(process.argv.slice(2));
const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-soak-'));
await chmod(dir, 0o755); // embedded PostgreSQL runs as `postgres`, which must traverse it
const port = await freePort();
const env: NodeJS.ProcessEnv = {
  ...process.env,
  PG_DATA_DIR: path.join(dir, 'pg'),
  PORT: String(port),
  HOST: '127.0.0.1',
  NODE_ENV: 'production',
  // Note: one client at 32 connections is far over the per-credential rate limit; the soak
  // measures the API itself (set RATE_LIMIT_PER_MINUTE to measure the limit instead).
  RATE_LIMIT_PER_MINUTE: process.env.RATE_LIMIT_PER_MINUTE ?? '0',
};
delete env.DATABASE_URL;
delete env.PGPORT;
const url = `http://127.0.0.1:${port}/graphql`;

// Note: as `npm start`: build dist/ if it is missing or stale, then the compiled API with its flags.
const prepared = prepareStart();
if (prepared.built) say(prepared.output.trim());
say(`fresh data directory ${env.PG_DATA_DIR}; starting the API on 127.0.0.1:${port} (first start loads the seed)`);
const api = new Api(env);
let exitCode = 0;
let stopping: (() => void) | undefined;
process.once('SIGINT', () => {
  say('interrupted: stopping');
  stopping?.();
});
try {
  const t0 = Date.now();
  await api.started(300_000);
  const pid = api.child.pid!;
  say(`API ready after ${((Date.now() - t0) / 1000).toFixed(1)} s (pid ${pid})`);
  for (const line of api.startupLines().filter((l) => /seed/i.test(l))) say(`API: ${line.trim()}`);

  const headers: Record<string, string> = { 'content-type': 'application/json' };
  // Writes need a credential: an editor key made with the keys CLI against the same data directory.
  const created = await run('npm', ['run', 'keys', '--', 'create', '--role', 'editor', '--label', 'soak'], env);
  const key = created.stdout.trim().split('\n').pop()?.trim() ?? '';
  if (created.code !== 0 || !key || /\s/.test(key)) {
    throw new Error(`npm run keys -- create failed (exit ${created.code}):\n${created.stdout}\n${created.stderr}`);
  }
  headers.authorization = `Bearer ${key}`;
  const mode = 'reads and writes, with an editor key made by `npm run keys`';
  const withWrites = mode.startsWith('reads and writes');
  say(`mode: ${mode}`);

  const seededData = await graphql(
    url,
    `
      query SoakSetup {
        areas(filter: { kinds: [VILLAGE] }, first: 100) {
          nodes {
            code
          }
        }
        fundFlows(first: 100) {
          nodes {
            kind
            occurredOn
            project {
              code
            }
          }
        }
      }
    `,
    headers,
  );
  const seeded: Seeded = {
    villages: seededData.areas.nodes.map((n: { code: string }) => n.code),
    fundFlows: seededData.fundFlows.nodes.map((n: any) => ({ projectCode: n.project.code, kind: n.kind, occurredOn: n.occurredOn })),
  };
  if (seeded.villages.length === 0 || seeded.fundFlows.length === 0) throw new Error('the seed data is missing: no villages or fund flows');

  const startMem = memoryOf(pid);
  say(`RSS at start: ${mib(pid)}`);
  say(`load: ${args.connections} connections for ${args.minutes} min against ${url}`);

  const stats = new Stats();
  const { requests } = workload(seeded, withWrites);
  for (const r of requests) {
    r.onResponse = (status, body, ctx) => stats.check(String(ctx.op), status, body);
  }
  const duration = Math.round(args.minutes * 60);
  const result = await new Promise<Result>((resolve, reject) => {
    const instance = autocannon({ url, connections: args.connections, duration, timeout: 30, headers, requests }, (error, r) =>
      error ? reject(error) : resolve(r),
    );
    stopping = () => instance.stop();
    instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
      stats.window.push(ms);
      stats.total++;
    });
    instance.on('reqError', (error: Error) => stats.error(`connection: ${error.message}`));
    let minute = 0;
    let lastErrors = 0;
    let lastAt = Date.now();
    const report = (label: string) => {
      const w = stats.take();
      const seconds = (Date.now() - lastAt) / 1000;
      lastAt = Date.now();
      say(
        `${label}: ${w.length} requests (${(w.length / seconds).toFixed(0)}/s), ${stats.errorCount - lastErrors} errors, ` +
          `p50 ${percentile(w, 50).toFixed(1)} ms, p99 ${percentile(w, 99).toFixed(1)} ms, RSS ${mib(pid)}`,
      );
      lastErrors = stats.errorCount;
    };
    const timer = setInterval(() => report(`minute ${++minute}`), 60_000);
    instance.once('done', () => {
      clearInterval(timer);
      if (stats.window.length > 0 && Date.now() - lastAt >= 1000) report(`last ${((Date.now() - lastAt) / 1000).toFixed(0)} s`);
    });
  });
  // Note: requests still in flight when the load stopped (their clients gone) finish first, so
  // the API is stopped idle: its own shutdown with requests in flight is another test's subject.
  await api.quiet(15_000);
  const endMem = memoryOf(pid);
  say(`RSS at end: ${mib(pid)}`);
  const how = await api.stop();

  const errors = stats.errorCount + result.errors;
  console.log('');
  console.log(`soak: ${args.minutes} min, ${args.connections} connections, ${mode}`);
  console.log(`requests: ${stats.total} (${(stats.total / result.duration).toFixed(0)}/s), of which writes ${stats.writes}`);
  console.log(
    `errors: ${errors} (GraphQL errors or HTTP status other than 200: ${stats.errorCount}; connection errors/timeouts: ${result.errors}/${result.timeouts})`,
  );
  for (const [kind, n] of [...stats.errors].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`  ${n}× ${kind}`);
  console.log(`latency: p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`);
  console.log(`API RSS: start ${startMem?.rss.toFixed(0)} MiB, end ${endMem?.rss.toFixed(0)} MiB, peak ${endMem?.peak.toFixed(0)} MiB`);
  console.log(`API log: ${api.requestLines} request lines (${api.serverErrorLines} with status ≥ 500); API stopped: ${how}`);
  if (api.other.length) console.log(`API also said:\n  ${api.other.slice(0, 10).join('\n  ')}`);
  if (errors > 0) exitCode = 1;
} catch (error) {
  console.error(`[soak] ${(error as Error).message}`);
  exitCode = 2;
} finally {
  await api.stop();
  await rm(dir, { recursive: true, force: true });
}
process.exit(exitCode);
