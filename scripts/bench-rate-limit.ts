/**
 * `npm run bench:rate-limit [-- --seconds 10 --connections 16 --rounds 2 --direct-only]`: what counting the rate
 * limit in PostgreSQL (shared by API replicas, the `rate_limit` table) costs per request.
 *
 * Starts a throwaway embedded PostgreSQL, then the compiled API (as `npm start` runs it) twice per
 * round: once with the rate limit off (RATE_LIMIT_PER_MINUTE=0) and once on with a limit no client
 * reaches (1,000,000,000 a minute, so every request runs the shared counter's upsert and none is
 * refused). Each is loaded with `{ __typename }`, the cheapest GraphQL request, from one address (one
 * counter row, the hottest case), and the figures per request are compared: the difference is the
 * limiter's cost. Then the same with one API key per connection (16 callers, 16 rows: no burst of
 * one caller to count together; each request also looks its key up, in both runs). Last, the counter
 * alone without HTTP (see directRuns), which a busy machine disturbs least.
 */
import 'reflect-metadata';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { generateKey, hashKey } from '../src/auth/keys.js';
import { findFreePort, startEmbeddedPostgres } from '../src/db/embedded.js';
import { ApiProcess } from './bench/api-process.js';
import { cpuMs, postgresCpuMs, postmasterPid, runLoad } from './bench/measure.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i < 0 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) {
    console.error(`--${name} takes a whole number of at least 1`);
    process.exit(2);
  }
  return v;
};
const seconds = arg('seconds', 10);
const connections = arg('connections', 16);
const rounds = arg('rounds', 2);
const say = (msg: string) => process.stderr.write(`[bench:rate-limit] ${msg}\n`);

const OFF = { RATE_LIMIT_PER_MINUTE: '0' };
const ON = { RATE_LIMIT_PER_MINUTE: '1000000000' };
/** One caller (anonymous, one address: one counter row), or one API key per connection (as many rows). */
const MODES = [
  { name: 'off, 1 caller', env: OFF, keys: false },
  { name: 'on, 1 caller', env: ON, keys: false },
  { name: 'off, 16 keys', env: OFF, keys: true },
  { name: 'on, 16 keys', env: ON, keys: true },
] as const;
const CALLERS = 16;
/** Requests per direct run. */
const DIRECT_N = 4000;
/** `--direct-only`: just the counter without HTTP (a minute instead of several). */
const directOnly = process.argv.includes('--direct-only');
const BODY = JSON.stringify({ query: '{ __typename }' });

interface Figures {
  reqPerSec: number;
  p50: number;
  p99: number;
  apiCpu: number;
  pgCpu: number;
  handled: number;
  failed: number;
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-rate-limit-'));
await chmod(dir, 0o755); // the postgres user must reach the data dir
const dataDir = path.join(dir, 'pg');
const server = await startEmbeddedPostgres({ dataDir, port: await findFreePort() });
const pgPid = postmasterPid(dataDir);
const keys = Array.from({ length: CALLERS }, () => generateKey());
let keysMade = false;
const makeKeys = async () => {
  if (keysMade) return;
  const owner = new pg.Client({ connectionString: server.url });
  await owner.connect();
  for (const [i, key] of keys.entries()) {
    await owner.query(`insert into api_key (prefix, hash, role, label, created_by) values ($1, $2, 'reader', $3, 'bench')`, [
      key.slice(0, 10),
      hashKey(key),
      `bench ${i + 1}`,
    ]);
  }
  await owner.end();
  keysMade = true;
};
const results = new Map<string, Figures[]>();
const direct: string[] = [];
say(
  `${rounds} round(s) × ${MODES.length} modes, ${connections} connections, ${seconds} s each; load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
try {
  for (let round = 1; round <= (directOnly ? 0 : rounds); round++) {
    for (const mode of MODES) {
      const api = await ApiProcess.start({ appUrl: server.appUrl, ownerUrl: server.url, connections, log: say, env: mode.env });
      try {
        if (mode.keys) await makeKeys();
        let next = 0;
        const headersFor = mode.keys
          ? (c: Record<string, unknown>) => {
              c.authorization ??= `Bearer ${keys[next++ % keys.length]}`;
              return { authorization: c.authorization as string };
            }
          : undefined;
        const id = (phase: string) => `rl-${round}-${MODES.indexOf(mode)}-${phase}`;
        const warm = await runLoad(api.url, BODY, connections, 2, id('warm'), headersFor);
        await api.handled(id('warm'), warm.sent);
        await new Promise((r) => setTimeout(r, 500));
        const apiBefore = cpuMs(api.pid);
        const pgBefore = postgresCpuMs(pgPid);
        const load = await runLoad(api.url, BODY, connections, seconds, id('timed'), headersFor);
        const handled = Math.max(await api.handled(id('timed'), load.sent), load.completed);
        await new Promise((r) => setTimeout(r, 500));
        const figures: Figures = {
          reqPerSec: load.reqPerSec,
          p50: load.p50,
          p99: load.p99,
          apiCpu: (cpuMs(api.pid) - apiBefore) / handled,
          pgCpu: (postgresCpuMs(pgPid) - pgBefore) / handled,
          handled,
          failed: load.non200 + load.graphqlErrors + load.connectionErrors,
        };
        results.set(mode.name, [...(results.get(mode.name) ?? []), figures]);
        say(`round ${round}, ${mode.name}: ${figures.reqPerSec.toFixed(0)} req/s, ${figures.failed} failed`);
      } finally {
        await api.stop();
      }
    }
  }
  direct.push(...(await directRuns()));
} finally {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}

if (directOnly) {
  printDirect();
  process.exit(0);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const pick = (name: string, f: (x: Figures) => number) => median(results.get(name)!.map(f));
console.log(
  `\n{ __typename }, ${connections} connections, ${seconds} s, median of ${rounds} round(s); load average after ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(
  `${'rate limit'.padEnd(22)}${'req/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'API CPU ms'.padStart(12)}${'PG CPU ms'.padStart(11)}${'failed'.padStart(8)}`,
);
for (const mode of MODES) {
  const n = mode.name;
  console.log(
    `${n.padEnd(22)}${pick(n, (x) => x.reqPerSec)
      .toFixed(0)
      .padStart(9)}${pick(n, (x) => x.p50)
      .toFixed(2)
      .padStart(9)}${pick(n, (x) => x.p99)
      .toFixed(2)
      .padStart(9)}` +
      `${pick(n, (x) => x.apiCpu)
        .toFixed(3)
        .padStart(12)}${pick(n, (x) => x.pgCpu)
        .toFixed(3)
        .padStart(11)}${String(results.get(n)!.reduce((s, x) => s + x.failed, 0)).padStart(8)}`,
  );
}
for (const [off, on] of [MODES.slice(0, 2), MODES.slice(2, 4)].map((pair) => pair.map((m) => m.name))) {
  const dApi = pick(on!, (x) => x.apiCpu) - pick(off!, (x) => x.apiCpu);
  const dPg = pick(on!, (x) => x.pgCpu) - pick(off!, (x) => x.pgCpu);
  console.log(
    `cost of the shared count per request, ${on!.split(', ')[1]}: API CPU ${(dApi * 1000).toFixed(0)} µs, PostgreSQL CPU ${(dPg * 1000).toFixed(0)} µs, p50 ${(pick(on!, (x) => x.p50) - pick(off!, (x) => x.p50)).toFixed(2)} ms`,
  );
}
printDirect();
process.exit(0);

function printDirect(): void {
  console.log(
    `\nThe counter alone, in this process (the API's code: rateCounter in src/server/limits/http.ts), ${DIRECT_N} requests each; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}:`,
  );
  console.log(`${'run'.padEnd(40)}${'µs/request'.padStart(12)}${'CPU µs'.padStart(9)}${'PG CPU µs'.padStart(11)}${'statements/request'.padStart(20)}`);
  for (const line of direct) console.log(line);
}

/**
 * The counter without HTTP: `inFlight` workers each counting requests one after another for `callers`
 * keys (round robin), through the API's own rate counter on an ORM opened as the application role,
 * against the in-memory counter for comparison. Per request: wall time, this process's CPU,
 * PostgreSQL's CPU, and the statements the counter sent.
 */
async function directRuns(): Promise<string[]> {
  const { openDatabase } = await import('../src/db/database.js');
  const { rateCounter } = await import('../src/server/limits/http.js');
  const db = await openDatabase({ url: server.appUrl, migrationUrl: server.url });
  const lines: string[] = [];
  try {
    for (const [inFlight, callers] of [
      [1, 16],
      [16, 1],
      [16, 16],
    ] as const) {
      for (const store of [undefined, { knex: db.orm.em.getKnex('write') }]) {
        const counter = rateCounter(1_000_000_000, store);
        const prefix = `direct-${inFlight}-${callers}-${store ? 'pg' : 'mem'}-${Date.now()}`;
        let next = 0;
        const work = async () => {
          while (next < DIRECT_N) {
            const n = next++;
            const d = await counter.consume(`${prefix}:${n % callers}`);
            if (!d.allowed) throw new Error('refused');
          }
        };
        // warm-up: the statement is prepared on the pool's connections
        await Promise.all(Array.from({ length: inFlight }, () => counter.consume(`${prefix}:warm`)));
        const calls0 = counter.calls;
        const cpu0 = process.cpuUsage();
        const pg0 = postgresCpuMs(pgPid);
        const t0 = performance.now();
        await Promise.all(Array.from({ length: inFlight }, work));
        const wall = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        const pgCpu = postgresCpuMs(pgPid) - pg0;
        const name = `${store ? 'PostgreSQL' : 'memory'}, ${inFlight} in flight, ${callers} caller${callers > 1 ? 's' : ''}`;
        lines.push(
          `${name.padEnd(40)}${((wall * 1000) / DIRECT_N).toFixed(0).padStart(12)}${((cpu.user + cpu.system) / DIRECT_N).toFixed(0).padStart(9)}` +
            `${((pgCpu * 1000) / DIRECT_N).toFixed(0).padStart(11)}${((counter.calls - calls0) / DIRECT_N).toFixed(3).padStart(20)}`,
        );
        say(lines.at(-1)!.replace(/\s+/g, ' '));
      }
    }
  } finally {
    await db.close();
  }
  return lines;
}
