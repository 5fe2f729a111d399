/**
 * The API under test, started as `npm start` starts it in production: `node
 * scripts/ensure-build.mjs` (compiles dist/ when stale), then `node --max-old-space-size=384
 * --max-semi-space-size=16 dist/src/main.js` (both read from package.json by start-command.ts),
 * loopback only, pointed at the bench database as an external server: DATABASE_URL is the
 * application role (what the API queries with), MIGRATION_DATABASE_URL the owner (migrations and
 * grants at start), as README's Database roles describes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { findFreePort } from '../../src/db/embedded.js';
import { prepareStart, ROOT, startCommand } from '../start-command.js';

export interface ApiOptions {
  appUrl: string;
  ownerUrl: string;
  connections: number;
  log: (msg: string) => void;
  /** Added to (and overriding) the bench's environment, e.g. a rate limit to measure. */
  env?: Record<string, string>;
}

/**
 * Limits raised for the bench (README, Limits), so it measures speed, not refusals: no rate
 * limit, as many requests in progress as connections, a queue that never fills, and no node
 * budget across requests. The per-request limits (tokens, depth, cost, nodes) stay at their
 * defaults, which every bench query passes (test/bench-queries.test.ts); (b) only just, at a
 * cost of 497,450 against 500,000.
 */
export function benchLimitsEnv(connections: number): Record<string, string> {
  return {
    RATE_LIMIT_PER_MINUTE: '0',
    MAX_CONCURRENT_REQUESTS: String(Math.max(16, connections)),
    QUEUE_MAX: String(Math.max(64, connections * 4)),
    MAX_NODES_IN_FLIGHT: '100000000',
  };
}

export class ApiProcess {
  private output: string[] = [];
  /** Request log lines seen so far: one per request the API finished (src/server/http-log.ts, at LOG_LEVEL info). */
  requests = 0;
  /** Request log lines per X-Request-Id (the bench sends one id per query and phase). */
  readonly byRequestId = new Map<string, number>();
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly built: string | undefined,
  ) {}

  get pid(): number {
    return this.child.pid!;
  }

  /** Lines the API printed, request lines left out, most recent last. */
  lines(): string[] {
    return this.output;
  }

  static async start(opts: ApiOptions): Promise<ApiProcess> {
    const prepared = prepareStart();
    const built = prepared.built ? prepared.output.trim() : undefined;
    if (built) opts.log(built);
    const port = await findFreePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: opts.appUrl,
      MIGRATION_DATABASE_URL: opts.ownerUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      NODE_ENV: 'production',
      SEED: 'false',
      // Note: `info`, the production default: one log line per request, which the bench counts
      // (the number of requests the API handled, whatever the client saw).
      LOG_LEVEL: 'info',
      ...benchLimitsEnv(opts.connections),
      ...opts.env,
    };
    delete env.PG_DATA_DIR;
    delete env.PGPORT;
    delete env.PG_LOG;
    const child = spawn(process.execPath, startCommand().api, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const api = new ApiProcess(child, `http://127.0.0.1:${port}/graphql`, built);
    let ready = false;
    for (const stream of [child.stdout!, child.stderr!]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        for (const line of parts) {
          if (line.includes('GraphQL API ready')) ready = true;
          if (line.startsWith('{') && line.includes('"msg":"request"')) {
            api.requests++;
            const id = /"reqId":"([^"]*)"/.exec(line)?.[1];
            if (id) api.byRequestId.set(id, (api.byRequestId.get(id) ?? 0) + 1);
            if (!line.includes('"level":50') && !line.includes('"level":40')) continue;
          }
          api.output.push(line);
          if (api.output.length > 200) api.output.shift();
        }
      });
    }
    const until = Date.now() + 120_000;
    while (!ready) {
      if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}:\n${api.output.join('\n')}`);
      if (Date.now() > until) {
        child.kill('SIGTERM');
        throw new Error(`the API was not ready within 120 s:\n${api.output.join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return api;
  }

  /**
   * Waits until the API has logged `n` requests with this X-Request-Id (every request autocannon
   * sent, including those still in flight when it stopped), or nothing more came for 5 s; returns
   * the number logged.
   */
  async handled(requestId: string, n: number, timeoutMs = 120_000): Promise<number> {
    const until = Date.now() + timeoutMs;
    let last = -1;
    let lastChange = Date.now();
    for (;;) {
      const seen = this.byRequestId.get(requestId) ?? 0;
      if (seen >= n || Date.now() > until) return seen;
      if (seen !== last) {
        last = seen;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > 5_000) return seen;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** SIGTERM (the API's orderly shutdown), SIGKILL after 30 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }
}
