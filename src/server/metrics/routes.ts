import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { RequestHandler } from 'express';
import { requestLogOf } from '../http-log.js';
import type { MetricsConfig } from './config.js';
import type { RegistryMetrics } from './metrics.js';

/**
 * Measures every request to /graphql (mounted before anything that may answer it: the outage guard,
 * authentication, the limits, Apollo). The outcome is the first `extensions.code` of the answer:
 * Apollo's errors come from the request's log record (operationNamePlugin), the refusals answered
 * outside Apollo (limits, authentication, outage) from the JSON body they send.
 */
export function measureGraphql(metrics: RegistryMetrics): RequestHandler {
  return (_req, res, next) => {
    const started = process.hrtime.bigint();
    const codes: string[] = [];
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      for (const e of (body as { errors?: { extensions?: { code?: unknown } }[] } | null)?.errors ?? []) {
        if (typeof e?.extensions?.code === 'string') codes.push(e.extensions.code);
      }
      return json(body);
    };
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const record = requestLogOf(res);
      metrics.observe(record?.op, [...codes, ...(record?.errors ?? [])], res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Whether an Authorization header carries the metrics key (compared in constant time). */
export function hasMetricsKey(header: string | undefined, key: string | undefined): boolean {
  if (key === undefined) return true;
  const match = /^Bearer +(\S+)\s*$/i.exec(header ?? '');
  return match !== null && timingSafeEqual(sha256(match[1]!), sha256(key));
}

/** Answers a scrape: 401 without the key (when one is set), else the metrics as Prometheus text. */
async function scrape(
  metrics: RegistryMetrics,
  key: string | undefined,
  authorization: string | undefined,
): Promise<{ status: number; type: string; body: string; headers?: Record<string, string> }> {
  if (!hasMetricsKey(authorization, key)) {
    const body = JSON.stringify({
      errors: [{ message: 'Unauthenticated: /metrics needs Authorization: Bearer <METRICS_KEY>', extensions: { code: 'UNAUTHENTICATED' } }],
    });
    return { status: 401, type: 'application/json; charset=utf-8', body, headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' } };
  }
  return { status: 200, type: metrics.contentType, body: await metrics.render() };
}

/** `GET /metrics` on the public port: only with METRICS_KEY set, and only to a request carrying it. */
export function metricsRoute(metrics: RegistryMetrics, key: string): RequestHandler {
  return async (req, res) => {
    const answer = await scrape(metrics, key, req.headers.authorization);
    res
      .status(answer.status)
      .set({ 'Content-Type': answer.type, 'Cache-Control': 'no-store', ...answer.headers })
      .send(answer.body);
  };
}

/** The metrics listener (METRICS_PORT on METRICS_HOST): `GET /metrics` and nothing else. */
export async function startMetricsListener(metrics: RegistryMetrics, config: MetricsConfig): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found: this port serves GET /metrics only\n');
      return;
    }
    scrape(metrics, config.key, req.headers.authorization).then(
      (answer) =>
        res
          .writeHead(answer.status, { 'Content-Type': answer.type, 'Cache-Control': 'no-store', ...answer.headers })
          .end(req.method === 'HEAD' ? undefined : answer.body),
      () => res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('metrics failed\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return { server, url: `http://${host}:${port}/metrics` };
}
