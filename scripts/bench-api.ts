/**
 * `npm run bench:api -- [--scale 1|10|100] [--connections 16] [--seconds 10] [--only <substring>]
 * [--warmup 1] [--regenerate] [--processes 1] [--replica]`
 *
 * 1. Data: the registry of that scale (1: 20,000 projects / 200,000 fund flows; 10: 200,000 /
 *    1,000,000; 100: 2,000,000 / 10,000,000 with 1,300 towns and 20,000 villages) in its own
 *    embedded PostgreSQL, `.data/bench-api-s<scale>/`, generated once and reused
 *    (scripts/bench/database.ts, generate.ts).
 * 2. Server: the API as `npm start` runs it (compiled, same node flags), on loopback, pointed at
 *    that database (scripts/bench/api-process.ts); with `--processes N`, N such processes on N
 *    ports against the same database, the load's connections split evenly between them (one
 *    autocannon instance per process), CPU summed over them and RSS the highest of them. With
 *    `--replica`, a streaming standby of the bench database (src/db/standby.ts, in
 *    `.data/bench-api-s<scale>/replica`) and the API processes read from it
 *    (`DATABASE_REPLICA_URLS`); per query, the statements that ran on each server and the CPU of
 *    each PostgreSQL; the standby is stopped, its slot dropped and its directory removed at the end.
 * 3. Each query of scripts/bench/queries.ts is sent once and must answer without errors and
 *    with data; then, one query at a time: a warm-up, then `--seconds` of autocannon at
 *    `--connections`, with requests/s, p50/p99, SQL statements per request (pg_stat_statements),
 *    CPU ms per request of the API process and of all PostgreSQL processes (/proc), and the API's
 *    peak RSS. Then the raw SQL floor: the statements of one request, sent through `pg`
 *    (scripts/bench/floor.ts).
 * 4. A table on stdout, issue 10's targets beside (a)–(e), and the JSON in
 *    bench/results/api-s<scale>[-p<N>][-r]-<timestamp>.json. Exit 1 when any request was refused or failed.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { findFreePort } from '../src/db/embedded.js';
import { REPLICA_APPLICATION_NAME } from '../src/db/replicas.js';
import { dropStandbySlot, type StandbyHandle, startStandby } from '../src/db/standby.js';
import { ApiProcess, benchLimitsEnv } from './bench/api-process.js';
import { openBenchDatabase, type Scale, SCALES } from './bench/database.js';
import { type CapturedStatement, captureStatements, isTransactionControl, runFloor, waitIdle } from './bench/floor.js';
import { cpuMs, postgresCpuMs, postmasterPid, RssSampler, runLoad } from './bench/measure.js';
import { type BenchQuery, emptyPaths, QUERIES } from './bench/queries.js';
import { checkTargets, hasErrors, type QueryResult, scaleLines, tableHeader, tableRow, targetLines } from './bench/report.js';
import { ROOT } from './start-command.js';

interface Args {
  scale: Scale;
  connections: number;
  seconds: number;
  warmup: number;
  only: string[];
  regenerate: boolean;
  processes: number;
  replica: boolean;
}

function usage(problem: string): never {
  console.error(`bench:api: ${problem}
usage: npm run bench:api -- [--scale 1|10|100] [--connections 16] [--seconds 10] [--only <query-name-substring>[,…]] [--warmup 1] [--regenerate] [--processes 1] [--replica]`);
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const args: Args = { scale: 1, connections: 16, seconds: 10, warmup: 1, only: [], regenerate: false, processes: 1, replica: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    const num = (min: number, max: number) => {
      const v = Number(next());
      if (!Number.isFinite(v) || v < min || v > max) usage(`${a} must be a number from ${min} to ${max}`);
      return v;
    };
    if (a === '--scale') {
      const s = Number(next());
      if (!(s in SCALES)) usage(`--scale must be 1, 10 or 100`);
      args.scale = s as Scale;
    } else if (a === '--connections') args.connections = Math.round(num(1, 256));
    else if (a === '--seconds') args.seconds = num(1, 600);
    else if (a === '--warmup') args.warmup = num(0, 60);
    else if (a === '--only') args.only.push(...next().split(',').filter(Boolean));
    else if (a === '--regenerate') args.regenerate = true;
    else if (a === '--processes') args.processes = Math.round(num(1, 16));
    else if (a === '--replica') args.replica = true;
    else usage(`unknown argument ${a}`);
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const say = (msg: string) => console.log(`[bench:api] ${msg}`);
const queries: BenchQuery[] = args.only.length ? QUERIES.filter((q) => args.only.some((o) => q.name.includes(o))) : QUERIES;
if (queries.length === 0) usage(`--only ${args.only.join(',')} matches no query (names: ${QUERIES.map((q) => q.name).join(', ')})`);

const machine = {
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  os: `${os.type()} ${os.release()}`,
  node: process.version,
  postgres: '',
  loadAverageBefore: os.loadavg().map((l) => Math.round(l * 100) / 100),
};
const estimate = (args.replica ? 1 : 2) * queries.length * (args.warmup + args.seconds + 1);
say(
  `scale ${args.scale} (${SCALES[args.scale].projects} projects, ${SCALES[args.scale].fundFlows} fund flows), ${args.processes} API process${args.processes > 1 ? 'es' : ''}${args.replica ? ' reading from a streaming replica' : ''}, ${args.connections} connections, ${args.seconds} s per query after ${args.warmup} s of warm-up`,
);
say(`${queries.length} queries${args.replica ? '' : ', each also timed as raw SQL'}: at least ${Math.ceil(estimate / 60)} min of load`);
say(
  `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${machine.node}, load average ${machine.loadAverageBefore.join(' ')}`,
);

/** The commit measured (read at the start: the tree may move on during a long run). */
const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
})();
const db = await openBenchDatabase({ scale: args.scale, regenerate: args.regenerate, log: say });
const owner = new pg.Client({ connectionString: db.server.url, application_name: 'bench' });
const apis: ApiProcess[] = [];
let exitCode = 0;
const stopApis = () => Promise.all(apis.map((a) => a.stop()));
const replicaDir = path.join(path.dirname(db.dataDir), 'replica');
let standby: StandbyHandle | undefined;
let replicaOwner: pg.Client | undefined;
/** Stops the standby, drops its replication slot on the primary and removes its directory. */
const removeStandby = async () => {
  if (!standby) return;
  const s = standby;
  standby = undefined;
  await replicaOwner?.end().catch(() => {});
  await s.stop();
  await dropStandbySlot(db.dataDir, db.server.port, s.name).catch((e: Error) => say(`could not drop the replication slot ${s.name}: ${e.message}`));
  await rm(replicaDir, { recursive: true, force: true });
  say(`standby stopped, slot ${s.name} dropped, ${path.relative(ROOT, replicaDir)}/ removed`);
};
// Note: Ctrl-C stops the API and the bench's PostgreSQL before exiting (the data directory stays).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.removeAllListeners(signal);
  process.once(signal, () => {
    say(`${signal}: stopping the API and PostgreSQL`);
    void (async () => {
      await stopApis();
      await removeStandby();
      await db.stop();
      process.exit(130);
    })();
  });
}
try {
  await owner.connect();
  await owner.query('create extension if not exists pg_stat_statements');
  machine.postgres = (await owner.query('show server_version')).rows[0].server_version;
  const pgPid = postmasterPid(db.dataDir);
  let replicaPgPid: number | undefined;
  const apiEnv: Record<string, string> = {};
  if (args.replica) {
    // Note: a directory left by a killed run is removed first: a fresh base backup of the data as it is now.
    await rm(replicaDir, { recursive: true, force: true });
    const began = Date.now();
    const port = await findFreePort();
    standby = await startStandby({ primaryDataDir: db.dataDir, primaryPort: db.server.port, dataDir: replicaDir, port, name: 'bench_api_replica', log: say });
    const url = new URL(db.server.url);
    url.port = String(port);
    replicaOwner = new pg.Client({ connectionString: url.toString(), application_name: 'bench' });
    replicaOwner.on('error', () => {});
    await replicaOwner.connect();
    const lsn = (await owner.query('select pg_current_wal_lsn()::text as l')).rows[0].l as string;
    for (const until = Date.now() + 120_000; ;) {
      const { rows } = await replicaOwner.query('select coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) as ok', [lsn]);
      if (rows[0].ok) break;
      if (Date.now() > until) throw new Error(`the standby did not replay the primary's WAL up to ${lsn} within 120 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    replicaPgPid = postmasterPid(replicaDir);
    // Note: no user or password in the URL: the API logs in to the replica as its application role (README, Read replicas).
    apiEnv.DATABASE_REPLICA_URLS = `postgres://127.0.0.1:${port}${url.pathname}`;
    say(
      `standby ready and caught up in ${((Date.now() - began) / 1000).toFixed(1)} s (postmaster ${replicaPgPid}); DATABASE_REPLICA_URLS=${apiEnv.DATABASE_REPLICA_URLS}`,
    );
  }

  const t0 = Date.now();
  for (let i = 0; i < args.processes; i++) {
    apis.push(await ApiProcess.start({ appUrl: db.server.appUrl, ownerUrl: db.server.url, connections: args.connections, log: say, env: apiEnv }));
  }
  say(
    `API ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (${apis.map((a) => `pid ${a.pid}, ${a.url}`).join('; ')}); PostgreSQL ${machine.postgres} (postmaster ${pgPid})`,
  );
  const api = apis[0];
  const url = api.url;
  const urls = apis.map((a) => a.url);
  /** CPU ms of every API process. */
  const apisCpuMs = () => apis.reduce((n, a) => n + cpuMs(a.pid), 0);
  /** Waits until the API processes have logged `sent` requests with this id in all, or nothing more came for 5 s (see ApiProcess.handled). */
  const handledAll = async (requestId: string, sent: number) => {
    const count = () => apis.reduce((n, a) => n + (a.byRequestId.get(requestId) ?? 0), 0);
    const until = Date.now() + 120_000;
    let last = -1;
    let lastChange = Date.now();
    for (;;) {
      const seen = count();
      if (seen >= sent || Date.now() > until) return seen;
      if (seen !== last) {
        last = seen;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > 5_000) return seen;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const bodyOf = (q: BenchQuery) => JSON.stringify({ query: q.query });
  const post = async (q: BenchQuery) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodyOf(q), signal: AbortSignal.timeout(60_000) });
    return { status: res.status, body: (await res.json()) as { data?: unknown; errors?: unknown[] } };
  };

  // Every query once: no errors, data where the generated registry has data.
  const problems: string[] = [];
  for (const q of queries) {
    const { status, body } = await post(q);
    if (status !== 200 || body.errors) problems.push(`${q.name}: HTTP ${status} ${JSON.stringify(body.errors ?? body).slice(0, 400)}`);
    else {
      const empty = emptyPaths(q, body.data);
      if (empty.length) problems.push(`${q.name}: empty answer at ${empty.join(', ')}`);
    }
  }
  if (problems.length) throw new Error(`queries failed their check before timing:\n  ${problems.join('\n  ')}`);
  say(`all ${queries.length} queries answered with data`);

  /**
   * pg_stat_statements calls of the API's role on one server, transaction control and the
   * replica health checks (src/db/replicas.ts: a WAL position each second) left out.
   */
  const countStatements = async (client: pg.Client = owner) => {
    const { rows } = await client.query(
      `select s.query, s.calls::bigint as calls from pg_stat_statements s
       join pg_database d on d.oid = s.dbid join pg_roles r on r.oid = s.userid
       where d.datname = current_database() and r.rolname = 'registry_app'`,
    );
    const kept = rows.filter((r) => !isTransactionControl(r.query) && !/pg_current_wal_lsn|pg_last_wal_replay_lsn/.test(r.query));
    return {
      total: kept.reduce((n, r) => n + Number(r.calls), 0),
      byStatement: kept.map((r) => ({ calls: Number(r.calls), query: String(r.query).replace(/\s+/g, ' ').slice(0, 300) })).sort((a, b) => b.calls - a.calls),
    };
  };

  /**
   * Waits until neither the API's database connections nor the API process are busy: requests
   * cut off when a window closes still run to their end in the API (their log line is written at
   * the cut), and on a loaded machine the API may think for a while between two statements.
   */
  const bothIdle = async (quietMs?: number) => {
    await waitIdle(owner, quietMs);
    if (replicaOwner) await waitIdle(replicaOwner, quietMs, undefined, REPLICA_APPLICATION_NAME);
  };
  const quiesce = async () => {
    for (let i = 0; i < 100; i++) {
      await bothIdle();
      const before = apisCpuMs();
      await new Promise((r) => setTimeout(r, 300));
      if (apisCpuMs() - before <= 10 * apis.length) {
        await bothIdle(50);
        return;
      }
    }
  };
  /** pg_stat_statements_reset() on the primary and the replica (allowed on a hot standby: it is the server's memory, not data). */
  const resetStatements = async () => {
    await owner.query('select pg_stat_statements_reset()');
    if (replicaOwner) await replicaOwner.query('select pg_stat_statements_reset()');
  };
  const noStatements = { total: 0, byStatement: [] as { calls: number; query: string }[] };

  const results: QueryResult[] = [];
  console.log(`\n${tableHeader(args.replica)}`);
  for (const [i, q] of queries.entries()) {
    process.stderr.write(`[bench:api] ${i + 1}/${queries.length} ${q.name}: ${q.label}\n`);
    const body = bodyOf(q);
    // Note: the API logs each request with its X-Request-Id; waiting for all the warm-up's requests
    // (those in flight when autocannon stopped too) keeps their statements and CPU out of the window.
    const id = (phase: string) => `bench-${i}-${phase}`;
    if (args.warmup > 0) {
      const warm = await runLoad(urls, body, args.connections, args.warmup, id('warm'));
      await handledAll(id('warm'), warm.sent);
    }
    await quiesce();
    const loadAverageBefore = os.loadavg().map((l) => Math.round(l * 100) / 100);
    await resetStatements();
    const apiBefore = apisCpuMs();
    const pgBefore = postgresCpuMs(pgPid);
    const replicaPgBefore = replicaPgPid ? postgresCpuMs(replicaPgPid) : 0;
    const rss = apis.map((a) => new RssSampler(a.pid));
    const load = await runLoad(urls, body, args.connections, args.seconds, id('timed'));
    // Note: figures per request the API handled (its request log lines with the window's id):
    // requests still in flight when the window closed are handled, and cost CPU, too.
    const handled = Math.max(await handledAll(id('timed'), load.sent), load.completed);
    await quiesce();
    const apiRssMaxMiB = Math.max(...rss.map((r) => r.stop()));
    const apiCpu = apisCpuMs() - apiBefore;
    const pgCpu = postgresCpuMs(pgPid) - pgBefore;
    const replicaPgCpu = replicaPgPid ? postgresCpuMs(replicaPgPid) - replicaPgBefore : 0;
    const underLoad = await countStatements();
    const underLoadReplica = replicaOwner ? await countStatements(replicaOwner) : noStatements;
    const per = (x: number) => (handled > 0 ? x / handled : NaN);

    // One request alone: its statements counted exactly (pg_stat_statements; under load the
    // requests cut off when the window closes stop part-way), and captured from the server log
    // for the floor (floor.ts). Retried when a straggler of the window slipped
    // in (the capture and the count then disagree).
    const sendOne = async () => {
      const { status, body: answer } = await post(q);
      if (status !== 200 || answer.errors)
        throw new Error(`${q.name}: the request alone failed (HTTP ${status}): ${JSON.stringify(answer.errors ?? answer).slice(0, 300)}`);
    };
    let alone = noStatements;
    let aloneReplica = noStatements;
    let captured: CapturedStatement[] | undefined;
    // Note: with a replica the request's reads run there, where the server log cannot be switched
    // to log_statement (a standby is read-only): its statements are counted on both servers, and
    // there is no raw SQL floor (the floor is the same as without --replica).
    if (replicaOwner) {
      await quiesce();
      await resetStatements();
      await sendOne();
      await bothIdle();
      alone = await countStatements();
      aloneReplica = await countStatements(replicaOwner);
    }
    for (let attempt = 1; !replicaOwner; attempt++) {
      await quiesce();
      await owner.query('select pg_stat_statements_reset()');
      captured = await captureStatements(owner, db.setLogSink, sendOne);
      await waitIdle(owner);
      alone = await countStatements();
      const kept = captured?.filter((st) => !isTransactionControl(st.text)).length;
      if (kept === undefined || kept === alone.total) break;
      if (attempt === 3)
        throw new Error(`${q.name}: captured ${kept} statements from the server log, pg_stat_statements counted ${alone.total} (see scripts/bench/floor.ts)`);
    }
    const partial: Omit<QueryResult, 'targets'> = {
      name: q.name,
      label: q.label,
      kind: q.kind,
      reqPerSec: load.reqPerSec,
      p50Ms: load.p50,
      p99Ms: load.p99,
      completed: load.completed,
      sent: load.sent,
      handled,
      seconds: load.seconds,
      statementsPerRequest: alone.total + aloneReplica.total,
      statementCalls: alone.byStatement,
      statementsPerRequestUnderLoad: per(underLoad.total + underLoadReplica.total),
      apiCpuMsPerRequest: per(apiCpu),
      pgCpuMsPerRequest: per(pgCpu),
      apiRssMaxMiB,
      errors: { non200: load.non200, graphqlErrors: load.graphqlErrors, connectionErrors: load.connectionErrors, samples: load.samples },
      loadAverageBefore,
      ...(replicaOwner
        ? {
            replica: {
              statementsAlone: aloneReplica.total,
              statementsAlonePrimary: alone.total,
              statementCalls: aloneReplica.byStatement,
              statementsPerRequestUnderLoad: per(underLoadReplica.total),
              statementsPerRequestUnderLoadPrimary: per(underLoad.total),
              pgCpuMsPerRequest: per(replicaPgCpu),
            },
          }
        : {}),
    };
    if (captured) {
      const floor = await runFloor(db.server.appUrl, captured, args.connections, args.seconds, args.warmup);
      partial.floor = { reqPerSec: floor.reqPerSec, p50Ms: floor.p50, p99Ms: floor.p99, completed: floor.completed, statements: captured };
      partial.ratio = load.reqPerSec / floor.reqPerSec;
    }
    const result: QueryResult = { ...partial, targets: checkTargets(q.targets, args.scale, partial) };
    results.push(result);
    console.log(tableRow(result));
    if (hasErrors(result)) console.log(`  refused or failed: ${JSON.stringify(result.errors)}`);
  }

  console.log(`\nTargets (issue 10, scale ${args.scale}):`);
  for (const line of targetLines(results)) console.log(`  ${line}`);
  const resultsDir = path.join(ROOT, 'bench', 'results');
  if (args.scale !== 1) for (const line of scaleLines(resultsDir, results, args.connections, args.scale)) console.log(`  ${line}`);
  const failed = results.filter(hasErrors);
  const loadAfter = os.loadavg().map((l) => Math.round(l * 100) / 100);
  const shared = Math.max(...machine.loadAverageBefore, ...results.map((r) => r.loadAverageBefore[0])) > 0.5;
  console.log(
    `\nreq/s, p50/p99: API over HTTP (autocannon, loopback, ${args.connections} connections, ${args.seconds} s). stmt/req: SQL statements of one request ` +
      `sent alone after the window (pg_stat_statements, API role, transaction control left out${args.replica ? ', primary and replica together' : ''}). API CPU, PG CPU: CPU ms per request of the API process and of all PostgreSQL ` +
      `processes${args.replica ? ' of the primary; on repl: statements of that request that ran on the replica; repl CPU: CPU ms per request of the standby PostgreSQL (WAL replay included)' : ''}. RSS: the API's peak resident memory. floor/s: the same statements sent directly through pg at the same concurrency; ratio: API req/s ÷ floor req/s.`,
  );
  if (shared)
    console.log(
      `note: the load average was up to ${Math.max(...machine.loadAverageBefore, ...results.map((r) => r.loadAverageBefore[0])).toFixed(2)} before the queries: other jobs shared the machine`,
    );
  if (failed.length) {
    console.log(`\nFLAGGED: ${failed.length} queries had refused or failed requests: ${failed.map((r) => r.name).join(', ')}`);
    exitCode = 1;
  }

  mkdirSync(resultsDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(resultsDir, `api-s${args.scale}-${args.processes > 1 ? `p${args.processes}-` : ''}${args.replica ? 'r-' : ''}${stamp}.json`);
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        command: `npm run bench:api -- ${process.argv.slice(2).join(' ')}`.trim(),
        args,
        startedAt: new Date(t0).toISOString(),
        commit,
        machine: { ...machine, loadAverageAfter: loadAfter, sharedWithOtherJobs: shared },
        data: db.marker,
        api: {
          start: 'package.json scripts.start (compiled dist/)',
          processes: args.processes,
          limits: benchLimitsEnv(args.connections),
          logLevel: 'info',
          ...(apiEnv.DATABASE_REPLICA_URLS ? { replicaUrls: apiEnv.DATABASE_REPLICA_URLS } : {}),
        },
        flagged: failed.map((r) => r.name),
        results,
      },
      null,
      2,
    )}\n`,
  );
  say(`results written to ${path.relative(ROOT, file)}`);
} catch (e) {
  console.error(`[bench:api] ${(e as Error).message}`);
  for (const a of apis) console.error(`API output (pid ${a.pid}, last lines):\n  ${a.lines().slice(-20).join('\n  ')}`);
  exitCode = 2;
} finally {
  await stopApis();
  await removeStandby();
  await owner.end().catch(() => {});
  await db.stop();
}
process.exit(exitCode);
