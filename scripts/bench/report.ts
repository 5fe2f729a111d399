/**
 * The bench's results: one row per query, issue 10's targets checked against the figures, the
 * table printed on stdout and the JSON written under bench/results/.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CapturedStatement } from './floor.js';
import { type BenchQuery, RSS_TARGET_MIB, type Targets } from './queries.js';

export interface QueryResult {
  name: string;
  label: string;
  kind: BenchQuery['kind'];
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  completed: number;
  sent: number;
  /** Requests the API handled in the window and after it (its request log lines): the denominator of the per-request figures. */
  handled: number;
  seconds: number;
  /** SQL statements of one request sent alone after the window: pg_stat_statements calls of the API's role in this database, transaction control left out. */
  statementsPerRequest: number;
  /** Those statements (pg_stat_statements' normalised text, shortened) and their calls. */
  statementCalls: { calls: number; query: string }[];
  /** The same count over the timed window ÷ requests handled (a little low: requests cut off when the window closes stop part-way). */
  statementsPerRequestUnderLoad: number;
  apiCpuMsPerRequest: number;
  /** CPU ms per request of the primary PostgreSQL (all its processes). */
  pgCpuMsPerRequest: number;
  /**
   * With `--replica`: where the statements ran and what the standby's PostgreSQL spent.
   * `statementsPerRequest` above then counts both servers; these split it.
   */
  replica?: {
    /** Statements of the request sent alone that ran on the replica (and on the primary). */
    statementsAlone: number;
    statementsAlonePrimary: number;
    statementCalls: { calls: number; query: string }[];
    /** Statements per request under load on the replica and on the primary (pg_stat_statements over the window ÷ requests handled). */
    statementsPerRequestUnderLoad: number;
    statementsPerRequestUnderLoadPrimary: number;
    /** CPU ms per request of the standby's PostgreSQL (all its processes, WAL replay included). */
    pgCpuMsPerRequest: number;
  };
  apiRssMaxMiB: number;
  errors: { non200: number; graphqlErrors: number; connectionErrors: number; samples: string[] };
  loadAverageBefore: number[];
  floor?: {
    reqPerSec: number;
    p50Ms: number;
    p99Ms: number;
    completed: number;
    statements: CapturedStatement[];
  };
  /** API req/s ÷ floor req/s. */
  ratio?: number;
  targets: TargetCheck[];
}

export interface TargetCheck {
  what: string;
  target: string;
  value: string;
  met: boolean;
}

const f = (n: number | undefined, digits = 1) => (n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(digits));

/** The query's targets at this scale (and the RSS target), checked against its figures. */
export function checkTargets(targets: Targets | undefined, scale: 1 | 10 | 100, r: Omit<QueryResult, 'targets'>): TargetCheck[] {
  const out: TargetCheck[] = [];
  const at = <T>(m: Partial<Record<1 | 10 | 100, T>> | undefined) => m?.[scale];
  const add = (what: string, limit: number | undefined, value: number, atLeast: boolean, unit = '') => {
    if (limit === undefined) return;
    out.push({
      what,
      target: `${atLeast ? '≥' : '≤'} ${limit}${unit}`,
      value: `${f(value, value < 10 ? 2 : 1)}${unit}`,
      met: atLeast ? value >= limit : value <= limit,
    });
  };
  add('req/s', at(targets?.reqPerSec), r.reqPerSec, true);
  add('p50', at(targets?.p50Ms), r.p50Ms, false, ' ms');
  add('p99', at(targets?.p99Ms), r.p99Ms, false, ' ms');
  add('API CPU/req', at(targets?.apiCpuMs), r.apiCpuMsPerRequest, false, ' ms');
  add('PG CPU/req', at(targets?.pgCpuMs), r.pgCpuMsPerRequest, false, ' ms');
  add('statements/req', at(targets?.statements), r.statementsPerRequest, false);
  add('API RSS', RSS_TARGET_MIB, r.apiRssMaxMiB, false, ' MiB');
  return out;
}

export const hasErrors = (r: QueryResult) => r.errors.non200 + r.errors.graphqlErrors + r.errors.connectionErrors > 0;

const COLUMNS: [string, number, (r: QueryResult) => string][] = [
  ['query', 34, (r) => r.name],
  ['req/s', 8, (r) => f(r.reqPerSec)],
  ['p50 ms', 8, (r) => f(r.p50Ms)],
  ['p99 ms', 8, (r) => f(r.p99Ms)],
  ['stmt/req', 9, (r) => f(r.statementsPerRequest, 2)],
  ['API CPU', 8, (r) => f(r.apiCpuMsPerRequest, 2)],
  ['PG CPU', 8, (r) => f(r.pgCpuMsPerRequest, 2)],
  ['RSS MiB', 8, (r) => f(r.apiRssMaxMiB, 0)],
  ['floor/s', 8, (r) => (r.floor ? f(r.floor.reqPerSec) : '')],
  ['ratio', 6, (r) => (r.ratio === undefined ? '' : r.completed === 0 ? '–' : f(r.ratio, 2))],
  [
    '',
    0,
    (r) =>
      [
        hasErrors(r) ? ` ERRORS ${r.errors.non200 + r.errors.graphqlErrors + r.errors.connectionErrors}` : '',
        r.targets.some((t) => !t.met) ? ' missed' : '',
      ].join(''),
  ],
];

/** With `--replica`, after PG CPU: the statements of one request that ran on the replica, and the replica's CPU. */
const REPLICA_COLUMNS: [string, number, (r: QueryResult) => string][] = [
  ['on repl', 9, (r) => (r.replica ? f(r.replica.statementsAlone, 2) : '')],
  ['repl CPU', 9, (r) => (r.replica ? f(r.replica.pgCpuMsPerRequest, 2) : '')],
];

function columns(replica: boolean) {
  if (!replica) return COLUMNS;
  const at = COLUMNS.findIndex(([h]) => h === 'PG CPU') + 1;
  return [...COLUMNS.slice(0, at), ...REPLICA_COLUMNS, ...COLUMNS.slice(at)];
}

export function tableHeader(replica = false): string {
  return columns(replica)
    .map(([h, w], i) => (i === 0 ? h.padEnd(w) : h.padStart(w)))
    .join(' ');
}

export function tableRow(r: QueryResult): string {
  return columns(r.replica !== undefined)
    .map(([, w, v], i) => (i === 0 ? v(r).padEnd(w) : v(r).padStart(w)))
    .join(' ');
}

/** The targets of (a)–(e) (and every missed target of the others), one line each. */
export function targetLines(results: QueryResult[]): string[] {
  const lines: string[] = [];
  for (const r of results) {
    const shown = /^[a-e]-/.test(r.name) ? r.targets : r.targets.filter((t) => !t.met);
    for (const t of shown)
      lines.push(`${r.name.padEnd(34)} ${t.what.padEnd(15)} ${t.value.padStart(12)}  target ${t.target.padEnd(12)} ${t.met ? 'met' : 'MISSED'}`);
  }
  return lines;
}

/**
 * At scale 10 (and 100): each page query's cost (API + PostgreSQL CPU ms per request) against the
 * latest scale-1 result file with the same connections; the issue asks for ≤ 1.2×.
 */
export function scaleLines(resultsDir: string, results: QueryResult[], connections: number, scale: number): string[] {
  if (!existsSync(resultsDir)) return [];
  const files = readdirSync(resultsDir)
    .filter((n) => /^api-s1-.*\.json$/.test(n))
    .sort();
  for (const file of files.reverse()) {
    const s1 = JSON.parse(readFileSync(path.join(resultsDir, file), 'utf8')) as {
      args: { connections: number; processes?: number; replica?: boolean };
      results: QueryResult[];
    };
    if (s1.args.connections !== connections || (s1.args.processes ?? 1) !== 1 || s1.args.replica) continue;
    const lines: string[] = [];
    for (const r of results.filter((x) => /^[ab]-/.test(x.name))) {
      const base = s1.results.find((x) => x.name === r.name);
      if (!base) continue;
      const cost = (x: QueryResult) => x.apiCpuMsPerRequest + x.pgCpuMsPerRequest;
      const ratio = cost(r) / cost(base);
      lines.push(
        `${r.name.padEnd(34)} CPU ms/req ${f(cost(r), 2)} at scale ${scale} vs ${f(cost(base), 2)} at scale 1 (${file}): ${f(ratio, 2)}×  target ≤ 1.2×  ${ratio <= 1.2 ? 'met' : 'MISSED'}`,
      );
    }
    return lines;
  }
  return [];
}
