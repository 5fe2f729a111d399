import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsConfigFromEnv, metricsEnabled, resolveMetricsConfig } from '../src/server/metrics/config.js';
import { startTestApi, type TestApi } from './support/api.js';
import { runCli } from './support/cli.js';

/** Metrics over real HTTP: who may read them, and that they move with the requests this test sends. */
const KEY = 'metrics-key-for-the-test-0123456789';
let api: TestApi;
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'registry-metrics-'));
  api = await startTestApi({ metrics: { port: 0, key: KEY }, limits: { ratePerMinute: 50 } });
}, 120_000);
afterAll(async () => {
  await api?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const publicMetrics = (url: string) => url.replace(/\/graphql$/, '/metrics');

async function get(url: string, key?: string): Promise<{ status: number; text: string; type: string | null }> {
  const res = await fetch(url, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

/** Samples of a Prometheus text exposition: `name{labels}` → value. */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

async function scrape(target = api): Promise<Map<string, number>> {
  const res = await get(target.metricsUrl!, KEY);
  expect(res.status).toBe(200);
  return parse(res.text);
}

const value = (m: Map<string, number>, sample: string) => m.get(sample) ?? 0;
const count = (operation: string, outcome: string) => `registry_graphql_request_duration_seconds_count{operation="${operation}",outcome="${outcome}"}`;
const refused = (limit: string) => `registry_requests_refused_total{limit="${limit}"}`;

/** A raw POST to /graphql, optionally from another loopback address (its own rate-limit count). */
function post(body: string, localAddress = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(api.url, { method: 'POST', localAddress, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('who may read /metrics', () => {
  it('refuses /metrics on the public port without the key, or with a wrong one, and shows nothing of the metrics', async () => {
    for (const key of [undefined, 'not-the-metrics-key-0123456789']) {
      const res = await get(publicMetrics(api.url), key);
      expect(res.status).toBe(401);
      expect(JSON.parse(res.text).errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(res.text).not.toContain('registry_');
    }
    // An API key of the registry is not the metrics key either.
    expect((await get(publicMetrics(api.url), api.adminKey)).status).toBe(401);
  });

  it('serves them on the public port with the key, and on the metrics port (127.0.0.1) with the key', async () => {
    const pub = await get(publicMetrics(api.url), KEY);
    expect(pub.status).toBe(200);
    expect(pub.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(pub.text).toContain('# TYPE registry_graphql_request_duration_seconds histogram');
    expect(new URL(api.metricsUrl!).hostname).toBe('127.0.0.1');
    expect(new URL(api.metricsUrl!).port).not.toBe(new URL(api.url).port);
    expect((await get(api.metricsUrl!)).status).toBe(401);
    expect((await get(api.metricsUrl!, KEY)).status).toBe(200);
    expect((await get(api.metricsUrl!.replace(/\/metrics$/, '/graphql'), KEY)).status).toBe(404);
  });

  it('without a key: nothing on the public port (404), the metrics port open to this machine; with neither, no metrics at all', async () => {
    const portOnly = await startTestApi({ metrics: { port: 0 } });
    try {
      expect((await get(publicMetrics(portOnly.url), KEY)).status).toBe(404);
      const res = await get(portOnly.metricsUrl!);
      expect(res.status).toBe(200);
      expect(res.text).toContain('registry_db_pool_max{pool="primary"}');
    } finally {
      await portOnly.close();
    }
    const off = await startTestApi();
    try {
      expect(off.metricsUrl).toBeUndefined();
      expect((await get(publicMetrics(off.url), KEY)).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});

describe('metrics settings', () => {
  it('are off by default, and refuse settings that would expose them or that are not what they look like', () => {
    expect(metricsEnabled(metricsConfigFromEnv({}))).toBe(false);
    expect(metricsConfigFromEnv({ METRICS_PORT: '9464' })).toMatchObject({ port: 9464, host: '127.0.0.1', maxOperationNames: 100 });
    expect(() => metricsConfigFromEnv({ METRICS_PORT: '99999' })).toThrow('METRICS_PORT must be a port number');
    expect(() => metricsConfigFromEnv({ METRICS_MAX_OPERATIONS: 'lots' })).toThrow('METRICS_MAX_OPERATIONS must be a whole number');
    expect(() => resolveMetricsConfig({ key: 'short' })).toThrow('METRICS_KEY must be at least 16 characters');
    expect(() => resolveMetricsConfig({ port: 9464, host: '0.0.0.0' })).toThrow('METRICS_HOST=0.0.0.0 opens /metrics beyond this machine: set METRICS_KEY too');
    expect(resolveMetricsConfig({ port: 9464, host: '0.0.0.0', key: KEY })).toMatchObject({ host: '0.0.0.0', key: KEY });
  });
});

describe('what the metrics count', () => {
  it('counts requests by operation name and outcome, and the refusals of each limit', async () => {
    const before = await scrape();
    for (let i = 0; i < 3; i++) expect((await api.gqlAs(null, 'query F10 { pairings { totalCount } }')).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await api.gqlAs(null, '{ __typename }')).status).toBe(200);
    const anonymousWrite = await api.gqlAs(
      null,
      'mutation MetricsWrite { createArea(input: { code: "339950", name: "无权", kind: DISTRICT, source: "metrics test" }) { code } }',
    );
    expect(anonymousWrite.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // Limits: depth, body size, batch, and the rate limit of another address (50 a minute).
    const deep = `{ areas { nodes { ${'children { nodes { '.repeat(12)}code${' } }'.repeat(12)} } } }`;
    expect((await api.gqlAs(null, deep)).errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
    expect(await post(JSON.stringify({ query: `{ __typename } # ${'x'.repeat(150 * 1024)}` }))).toBe(413);
    expect(await post(JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]))).toBe(400);
    const statuses: number[] = [];
    for (let i = 0; i < 52; i++) statuses.push(await post(JSON.stringify({ query: '{ __typename }' }), '127.0.0.5'));
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    // A key the registry does not know.
    expect((await api.gqlAs('yhr_unknownunknownunknownunknownunknownunknown', '{ __typename }')).status).toBe(401);

    const after = await scrape();
    const delta = (sample: string) => value(after, sample) - value(before, sample);
    expect(delta(count('F10', 'ok'))).toBe(3);
    expect(delta(count('anonymous', 'ok'))).toBe(2 + 50);
    expect(delta(count('MetricsWrite', 'UNAUTHENTICATED'))).toBe(1);
    expect(delta(count('none', 'QUERY_TOO_DEEP'))).toBe(1);
    expect(delta(count('none', 'PAYLOAD_TOO_LARGE'))).toBe(1);
    expect(delta(count('none', 'BATCH_NOT_ALLOWED'))).toBe(1);
    expect(delta(count('none', 'RATE_LIMITED'))).toBe(2);
    expect(delta(count('none', 'UNAUTHENTICATED'))).toBe(1);
    expect(delta(refused('QUERY_TOO_DEEP'))).toBe(1);
    expect(delta(refused('PAYLOAD_TOO_LARGE'))).toBe(1);
    expect(delta(refused('BATCH_NOT_ALLOWED'))).toBe(1);
    expect(delta(refused('RATE_LIMITED'))).toBe(2);
    expect(delta(refused('QUERY_TOO_COSTLY'))).toBe(0);
    // Every limit has its line from the start, at 0 until it refuses something.
    expect(after.has(refused('OVERLOADED'))).toBe(true);
    // The duration sums grew by the requests' time (positive, less than the test took).
    expect(value(after, 'registry_graphql_request_duration_seconds_sum{operation="F10",outcome="ok"}')).toBeGreaterThan(
      value(before, 'registry_graphql_request_duration_seconds_sum{operation="F10",outcome="ok"}'),
    );
  });

  it('keeps operation names bounded: names beyond the cap are counted as `other`', async () => {
    const capped = await startTestApi({ metrics: { port: 0, maxOperationNames: 3 } });
    try {
      for (let i = 1; i <= 10; i++) expect((await capped.gqlAs(null, `query Name${i} { __typename }`)).status).toBe(200);
      await capped.gqlAs(null, 'query F2 { __typename }');
      const m = parse((await get(capped.metricsUrl!)).text);
      const operations = [...m.keys()]
        .filter((k) => k.startsWith('registry_graphql_request_duration_seconds_count{'))
        .map((k) => /operation="([^"]*)"/.exec(k)![1]);
      expect(operations.sort()).toEqual(['F2', 'Name1', 'Name2', 'Name3', 'other']);
      expect(value(m, count('other', 'ok'))).toBe(7);
      // Names of queries/ are always their own (F2 is one), whatever the cap.
      expect(value(m, count('F2', 'ok'))).toBe(1);
    } finally {
      await capped.close();
    }
  });

  it('reports the database pool of the process', async () => {
    expect((await api.gqlAs(null, '{ areas(first: 1) { totalCount } }')).status).toBe(200);
    const m = await scrape();
    expect(value(m, 'registry_db_pool_max{pool="primary"}')).toBe(Number(process.env.DB_POOL_MAX ?? 10));
    const used = value(m, 'registry_db_pool_connections{pool="primary",state="used"}');
    const free = value(m, 'registry_db_pool_connections{pool="primary",state="free"}');
    expect(used).toBeGreaterThanOrEqual(0);
    expect(used + free).toBeGreaterThanOrEqual(1); // the request above (and the scrape's own reads) opened connections
    expect(used + free).toBeLessThanOrEqual(Number(process.env.DB_POOL_MAX ?? 10));
    expect(m.has('registry_db_pool_connections{pool="primary",state="pending"}')).toBe(true);
  });

  it('reports the time the rollup triggers take, as PostgreSQL times them', async () => {
    const before = await scrape();
    expect(value(before, 'registry_rollup_tracking_enabled'), 'PostgreSQL must run with track_functions=pl (the embedded server does)').toBe(1);
    const calls = 'registry_rollup_maintenance_calls_total{function="area_ancestry_refresh"}';
    const seconds = 'registry_rollup_maintenance_seconds_total{function="area_ancestry_refresh"}';
    // Two writes of areas: each statement recomputes the ancestors of the areas it touched.
    for (const [code, name] of [
      ['339951', '度量甲'],
      ['339952', '度量乙'],
    ]) {
      const res = await api.gqlAs(
        api.adminKey,
        `mutation { createArea(input: { code: "${code}", name: "${name}", kind: DISTRICT, source: "metrics test" }) { code } }`,
      );
      expect(res.errors).toBeUndefined();
    }
    // PostgreSQL publishes a backend's function statistics when it goes idle (within about a second).
    let after = before;
    for (let i = 0; i < 50 && value(after, calls) - value(before, calls) < 2; i++) {
      await new Promise((r) => setTimeout(r, 200));
      after = await scrape();
    }
    expect(value(after, calls) - value(before, calls)).toBe(2);
    expect(value(after, seconds)).toBeGreaterThan(value(before, seconds));
    expect(value(after, 'registry_metrics_database_up')).toBe(1);
  });

  it('counts committed import runs and their rows, which a separate process wrote', async () => {
    const file = path.join(tmp, 'areas.csv');
    await writeFile(
      file,
      'code,name,kind,parent_code,source\n339960,度量区,区,,metrics test\n339960101,度量镇,镇,339960,metrics test\n339960102,度量二镇,镇,339960,metrics test\n',
    );
    const env = { DATABASE_URL: api.databaseUrl, MIGRATION_DATABASE_URL: '', LOG_LEVEL: 'silent' };
    const before = await scrape();
    const first = await runCli('src/import/import.cli.ts', [file], env);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const second = await runCli('src/import/import.cli.ts', [file], env);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const dry = await runCli('src/import/import.cli.ts', [file, '--dry-run'], env);
    expect(dry.code).toBe(0);
    const after = await scrape();
    const delta = (sample: string) => value(after, sample) - value(before, sample);
    expect(delta('registry_import_runs_total')).toBe(2); // the dry run wrote nothing
    expect(delta('registry_import_rows_total{result="created"}')).toBe(3);
    expect(delta('registry_import_rows_total{result="unchanged"}')).toBe(3);
    expect(delta('registry_import_rows_total{result="updated"}')).toBe(0);
    expect(value(after, 'registry_import_last_run_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 600);
  });
});
