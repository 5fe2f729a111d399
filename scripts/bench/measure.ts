/**
 * What the bench reads while load runs: CPU time of processes (`/proc/<pid>/stat`), resident
 * memory (`/proc/<pid>/status`), latency percentiles, and the load itself (autocannon).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import autocannon, { type Result } from 'autocannon';

/** Clock ticks per second of /proc's CPU times. */
export const CLK_TCK = (() => {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(out.stdout?.trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
})();

/** Fields of /proc/<pid>/stat after the command name (field 3 is index 0). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** CPU ms (user + system) a process used so far; with `children`, also that of its reaped children. */
export function cpuMs(pid: number, children = false): number {
  const f = statFields(pid);
  if (!f) return 0;
  // utime, stime, cutime, cstime are fields 14–17, so indexes 11–14 here.
  const ticks = Number(f[11]) + Number(f[12]) + (children ? Number(f[13]) + Number(f[14]) : 0);
  return (ticks * 1000) / CLK_TCK;
}

/** Pid of the postmaster of a data directory (first line of postmaster.pid). */
export function postmasterPid(dataDir: string): number {
  const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no postmaster pid in ${dataDir}/postmaster.pid`);
  return pid;
}

/**
 * CPU ms of a PostgreSQL server: the postmaster, every live child (backends, background
 * workers), and the children already reaped (the postmaster's cutime/cstime), so backends that
 * end between two readings are still counted.
 */
export function postgresCpuMs(postmaster: number): number {
  let total = cpuMs(postmaster, true);
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(Number(name));
    if (f && Number(f[1]) === postmaster) total += cpuMs(Number(name));
  }
  return total;
}

/** Resident memory of a process in MiB (VmRSS), or NaN when it is gone. */
export function rssMiB(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; `max()` is the highest seen. */
export class RssSampler {
  private peak = 0;
  private timer: NodeJS.Timeout;
  constructor(
    private readonly pid: number,
    everyMs = 100,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }
  private sample() {
    const v = rssMiB(this.pid);
    if (v > this.peak) this.peak = v;
  }
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export interface LoadResult {
  /** Responses received in the window. */
  completed: number;
  /** Requests sent (the server answers each, even those still in flight when the window closed). */
  sent: number;
  seconds: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  /** Responses with a status other than 200. */
  non200: number;
  /** 200 responses carrying GraphQL errors. */
  graphqlErrors: number;
  /** Connection errors and timeouts. */
  connectionErrors: number;
  /** A few of the refusals, for the report. */
  samples: string[];
}

/**
 * POSTs one GraphQL body at `connections` concurrent connections for `seconds` (autocannon,
 * loopback), every request with the same X-Request-Id (which the API logs). Latency per response
 * from autocannon's `response` event (ms, sub-millisecond).
 */
export async function runLoad(
  url: string,
  body: string,
  connections: number,
  seconds: number,
  requestId: string,
  /** Extra headers of each request, from the connection's own context object (e.g. one credential per connection). */
  headersFor?: (connection: Record<string, unknown>) => Record<string, string>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let non200 = 0;
  let graphqlErrors = 0;
  const samples: string[] = [];
  const note = (s: string) => {
    if (samples.length < 3) samples.push(s.slice(0, 300));
  };
  const result = await new Promise<Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        duration: seconds,
        timeout: 30,
        requests: [
          {
            method: 'POST',
            path: '/graphql',
            headers: { 'content-type': 'application/json', 'x-request-id': requestId },
            body,
            ...(headersFor ? { setupRequest: (request, context) => ({ ...request, headers: { ...request.headers, ...headersFor(context) } }) } : {}),
            onResponse: (status, text) => {
              if (status !== 200) {
                non200++;
                note(`HTTP ${status}: ${text}`);
              } else if (text.includes('"errors":[')) {
                graphqlErrors++;
                note(text);
              }
            },
          },
        ],
      },
      (error, r) => (error ? reject(error) : resolve(r)),
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => latencies.push(ms));
  });
  latencies.sort((a, b) => a - b);
  const completed = latencies.length;
  const sent = (result.requests as unknown as { sent?: number }).sent ?? completed;
  return {
    completed,
    sent: Math.max(sent, completed),
    seconds: result.duration,
    reqPerSec: completed / result.duration,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    non200,
    graphqlErrors,
    connectionErrors: result.errors,
    samples,
  };
}
