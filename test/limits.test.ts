import { readdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { getIntrospectionQuery, getOperationAST, type GraphQLSchema, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitsFromEnv } from '../src/import/limits.js';
import { runImport } from '../src/import/run.js';
import { buildRegistrySchema } from '../src/schema/build.js';
import { DEFAULT_LIMITS, LIMIT_SETTINGS, limitConfigFromEnv } from '../src/server/limits.js';
import { AdmissionControl } from '../src/server/limits/admission.js';
import { rateKey } from '../src/server/limits/http.js';
import { measureQuery } from '../src/server/limits/measure.js';
import { countNodes } from '../src/server/limits/nodes.js';
import { startTestApi, type TestApi } from './support/api.js';

/**
 * "The cost of one request is bounded before it runs" (issue 8, section 3): every limit refuses
 * with its own code and message, over real HTTP, before any SQL statement is sent.
 */

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function post(url: string, body: unknown, init: { raw?: boolean; headers?: Record<string, string> } = {}): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: init.raw ? (body as string) : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`not JSON (HTTP ${res.status}): ${text.slice(0, 200)}`);
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** The one error of a refused request, with the checks every refusal shares. */
function refusal(answer: Answer, status: number, code: string): { message: string; extensions: Record<string, any> } {
  expect(answer.status, JSON.stringify(answer.body).slice(0, 500)).toBe(status);
  expect(answer.body.data).toBeUndefined();
  expect(answer.body.errors?.length, JSON.stringify(answer.body.errors).slice(0, 500)).toBeGreaterThanOrEqual(1);
  const error = answer.body.errors.find((e: any) => e.extensions?.code === code);
  expect(error, `an error with code ${code} in ${JSON.stringify(answer.body.errors).slice(0, 500)}`).toBeTruthy();
  expect(JSON.stringify(answer.body)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
  return error;
}

/** Runs `fn` and checks that the API sent no SQL statement meanwhile. */
async function withoutSql<T>(api: TestApi, fn: () => Promise<T>): Promise<T> {
  const before = api.statements();
  const result = await fn();
  expect(api.statements(), 'SQL statements sent').toBe(before);
  return result;
}

const HEAVY = `query Heavy($n: Int!, $m: Int!) {
  projects(first: $n) { totalCount nodes { code name sector signedAmount signedOn tier stage
    host { code name projects(first: $n) { totalCount nodes { code name sector signedAmount(unit: WAN) signedOn tier stage
      investors { creditCode name projects(first: $m) { totalCount nodes { code name signedAmount } } } } } } } }
}`;
/** 100 + 100·100 + 100·100·3 = 40,100 nodes: about the heaviest read MAX_NODES lets through. */
const HEAVY_VARS = { n: 100, m: 3 };

let api: TestApi;
let schema: GraphQLSchema;
const shipped: { name: string; query: string }[] = [];

beforeAll(async () => {
  schema = await buildRegistrySchema();
  api = await startTestApi();
  const outcome = await runImport(api.databaseUrl, { paths: ['seeds'], limits: limitsFromEnv() });
  expect(outcome.status).toBe('ok');
  for (const file of (await readdir('queries')).filter((f) => f.endsWith('.graphql')).sort()) {
    shipped.push({ name: `queries/${file}`, query: await readFile(`queries/${file}`, 'utf8') });
  }
  const readme = await readFile('README.md', 'utf8');
  let i = 0;
  for (const m of readme.matchAll(/```graphql\n([\s\S]*?)```/g)) shipped.push({ name: `README example ${++i}`, query: m[1] });
}, 180_000);
afterAll(async () => api?.close());

describe('defaults leave the shipped queries ample room', () => {
  it('finds the eleven F1–F11 queries and the README examples', () => {
    expect(shipped.filter((q) => q.name.startsWith('queries/')).length).toBeGreaterThanOrEqual(11);
    expect(shipped.filter((q) => q.name.startsWith('README')).length).toBeGreaterThanOrEqual(3);
  });

  it('every query in queries/ and every README example passes every limit over HTTP', async () => {
    for (const { name, query } of shipped) {
      // Note: the README's mutation example writes (as admin); it runs on this throwaway copy of the seed.
      const write = /^\s*(#[^\n]*\n\s*)*mutation\b/.test(query);
      const res = await post(api.url, { query }, { headers: write ? { authorization: `Bearer ${api.adminKey}` } : {} });
      expect(res.body.errors, name).toBeUndefined();
      expect(res.status, name).toBe(200);
    }
  });

  it('a realistic dashboard (100 areas × 10 projects with their details) passes', async () => {
    const query = `{ areas(first: 100) { nodes { code projects(first: 10) { totalCount nodes { code tier stage signedAmount(unit: WAN)
      host { code parent { code } } investors { name } stages { stage } pairing { code } } } } } }`;
    const res = await post(api.url, { query });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.areas.nodes).toHaveLength(100);
  });

  it('each default is at least twice what the most demanding of them (and a full introspection query) needs', () => {
    const all = [
      ...shipped,
      {
        name: 'introspection',
        query: getIntrospectionQuery({
          descriptions: true,
          specifiedByUrl: true,
          directiveIsRepeatable: true,
          schemaDescription: true,
          inputValueDeprecation: true,
        }),
      },
    ];
    const need = { tokens: 0, depth: 0, aliases: 0, directives: 0, cost: 0, nodes: 0 };
    for (const { query } of all) {
      const m = measureQuery(schema, query);
      for (const k of Object.keys(need) as (keyof typeof need)[]) need[k] = Math.max(need[k], m[k]);
    }
    // Sanity: the measure sees what the queries ask (README example 1 nests two connections).
    expect(need.nodes).toBeGreaterThan(2000);
    expect(need.cost).toBeGreaterThan(1000);
    expect(need.depth).toBeGreaterThanOrEqual(5);
    expect(need.aliases).toBeGreaterThanOrEqual(1);
    expect(DEFAULT_LIMITS.maxTokens).toBeGreaterThanOrEqual(2 * need.tokens);
    expect(DEFAULT_LIMITS.maxDepth).toBeGreaterThanOrEqual(2 * need.depth);
    expect(DEFAULT_LIMITS.maxAliases).toBeGreaterThanOrEqual(2 * need.aliases);
    expect(DEFAULT_LIMITS.maxDirectives).toBeGreaterThanOrEqual(Math.max(2, 2 * need.directives));
    expect(DEFAULT_LIMITS.maxCost).toBeGreaterThanOrEqual(2 * need.cost);
    expect(DEFAULT_LIMITS.maxNodes).toBeGreaterThanOrEqual(2 * need.nodes);
    const body = Math.max(...all.map((q) => Buffer.byteLength(JSON.stringify({ query: q.query }))));
    expect(DEFAULT_LIMITS.maxBodyKb * 1024).toBeGreaterThanOrEqual(2 * body);
  });

  it('the heaviest read the node limit allows runs (and the statement counter does count)', async () => {
    const before = api.statements();
    const res = await post(api.url, { query: HEAVY, variables: HEAVY_VARS });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.projects.nodes).toHaveLength(100);
    expect(api.statements()).toBeGreaterThan(before);
    expect(measureQuery(schema, HEAVY, HEAVY_VARS).nodes).toBe(40_100);
  });
});

describe('refused before any SQL runs, each with its own code and message', () => {
  it('alias bomb: 100 aliased fields, and aliased createArea, are refused (TOO_MANY_ALIASES)', async () => {
    const read = `{ ${Array.from({ length: 100 }, (_, i) => `a${i}: areas { totalCount }`).join(' ')} }`;
    const e = refusal(await withoutSql(api, () => post(api.url, { query: read })), 400, 'TOO_MANY_ALIASES');
    expect(e.message).toBe(`Too many aliases: 100 (the limit is ${DEFAULT_LIMITS.maxAliases}).`);
    expect(e.extensions).toMatchObject({ limit: DEFAULT_LIMITS.maxAliases, found: 100 });

    const creates = (n: number) =>
      `mutation { ${Array.from({ length: n }, (_, i) => `c${i}: createArea(input: { code: "3399${String(i).padStart(2, '0')}", name: "炸弹${i}", kind: DISTRICT, source: "test" }) { code }`).join(' ')} }`;
    refusal(await withoutSql(api, () => post(api.url, { query: creates(30) })), 400, 'TOO_MANY_ALIASES');
    // The 100 aliased createArea do not even get parsed (2,400 tokens).
    refusal(await withoutSql(api, () => post(api.url, { query: creates(100) })), 400, 'TOO_MANY_TOKENS');
    expect(await api.data(`{ a: area(code: "339900") { code } b: area(code: "339929") { code } }`)).toEqual({ a: null, b: null });
  });

  it('depth bomb: 20 levels of parent is refused (QUERY_TOO_DEEP)', async () => {
    const query = `{ area(code: "330110") { ${'parent { '.repeat(20)}code${' }'.repeat(20)} } }`;
    const e = refusal(await withoutSql(api, () => post(api.url, { query })), 400, 'QUERY_TOO_DEEP');
    expect(e.message).toBe(`Query too deep: depth 22 (the limit is ${DEFAULT_LIMITS.maxDepth}).`);
    // Fragments do not hide depth.
    const viaFragments = `{ area(code: "330110") { ...A } } fragment A on Area { parent { ...B } } fragment B on Area { parent { ...C } }
      fragment C on Area { ${'parent { '.repeat(12)}code${' }'.repeat(12)} }`;
    refusal(await withoutSql(api, () => post(api.url, { query: viaFragments })), 400, 'QUERY_TOO_DEEP');
  });

  it('token flood: 5,000 tokens are refused while parsing (TOO_MANY_TOKENS)', async () => {
    const query = `{ areas { nodes { ${'name '.repeat(5000)} } } }`;
    const e = refusal(await withoutSql(api, () => post(api.url, { query })), 400, 'TOO_MANY_TOKENS');
    expect(e.message).toBe(`Query too long: more than ${DEFAULT_LIMITS.maxTokens} tokens (the limit is ${DEFAULT_LIMITS.maxTokens}); parsing stopped there.`);
  });

  it('directive flood is refused (TOO_MANY_DIRECTIVES)', async () => {
    const query = `{ areas { nodes { ${Array.from({ length: 30 }, () => 'name @include(if: true)').join(' ')} } } }`;
    const e = refusal(await withoutSql(api, () => post(api.url, { query })), 400, 'TOO_MANY_DIRECTIVES');
    expect(e.message).toBe(`Too many directives: 30 (the limit is ${DEFAULT_LIMITS.maxDirectives}).`);
  });

  it('a query over the graphql-armor cost is refused (QUERY_TOO_COSTLY)', async () => {
    const query = `{ areas(first: 100) { nodes { children(first: 100) { nodes { code name kind parent { code name parent { code name } } } } } } }`;
    expect(measureQuery(schema, query).nodes).toBeLessThan(DEFAULT_LIMITS.maxNodes);
    const e = refusal(await withoutSql(api, () => post(api.url, { query })), 400, 'QUERY_TOO_COSTLY');
    expect(e.message).toMatch(new RegExp(`^Query too costly: graphql-armor cost [\\d.]+ \\(the limit is ${DEFAULT_LIMITS.maxCost}\\)\\.$`));
    expect(e.extensions.found).toBeGreaterThan(DEFAULT_LIMITS.maxCost);
  });

  it('a 101-error query gets 20 errors and one saying there were too many (TOO_MANY_ERRORS)', async () => {
    const query = `{ ${Array.from({ length: 101 }, (_, i) => `noSuchField${i}`).join(' ')} }`;
    const res = await withoutSql(api, () => post(api.url, { query }));
    refusal(res, 400, 'TOO_MANY_ERRORS');
    expect(res.body.errors).toHaveLength(DEFAULT_LIMITS.maxValidationErrors + 1);
    expect(res.body.errors.slice(0, -1).every((e: any) => e.extensions.code === 'GRAPHQL_VALIDATION_FAILED' && /noSuchField/.test(e.message))).toBe(true);
    expect(res.body.errors.at(-1).message).toMatch(/^Too many validation errors/);
  });

  it('a 2 MB body is refused with 413 (PAYLOAD_TOO_LARGE), announced or chunked', async () => {
    const query = `{ areas { totalCount } } # ${'x'.repeat(2 * 1024 * 1024)}`;
    const e = refusal(await withoutSql(api, () => post(api.url, { query })), 413, 'PAYLOAD_TOO_LARGE');
    expect(e.message).toBe(`The request body is larger than the limit of ${DEFAULT_LIMITS.maxBodyKb} KiB`);
    // Without Content-Length (chunked), the body is cut at the limit.
    const chunks = [JSON.stringify({ query }).slice(0, 1024 * 1024), 'x'.repeat(1024 * 1024)];
    const answer = await withoutSql(
      api,
      () =>
        new Promise<Answer>((resolve, reject) => {
          const req = http.request(api.url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
            let text = '';
            res.on('data', (c) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode!, headers: new Headers(res.headers as Record<string, string>), body: JSON.parse(text) }));
          });
          req.on('error', reject);
          for (const c of chunks) req.write(c);
          req.end();
        }),
    );
    refusal(answer, 413, 'PAYLOAD_TOO_LARGE');
    // Compressed: the limit applies to what it inflates to (a 2 MiB bomb in 2 KiB of gzip).
    const bomb = gzipSync(JSON.stringify({ query }));
    expect(bomb.length).toBeLessThan(10_000);
    const inflated = await withoutSql(api, async () => {
      const res = await fetch(api.url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: bomb });
      return { status: res.status, headers: res.headers, body: await res.json() } as Answer;
    });
    refusal(inflated, 413, 'PAYLOAD_TOO_LARGE');
    const broken = await fetch(api.url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: 'not gzip' });
    expect(broken.status).toBe(400);
    expect((await broken.json()).errors[0].extensions.code).toBe('BAD_REQUEST');
    // Just under the limit is fine.
    const fits = `{ areas { totalCount } } # ${'x'.repeat(DEFAULT_LIMITS.maxBodyKb * 1024 - 200)}`;
    expect((await post(api.url, { query: fits })).body).toEqual({ data: { areas: { totalCount: expect.any(Number) } } });
  });

  it('a huge first is refused, top-level or nested, literal or variable (BAD_USER_INPUT naming the field)', async () => {
    let e = refusal(await withoutSql(api, () => post(api.url, { query: `{ areas(first: 1000000) { nodes { name } } }` })), 400, 'BAD_USER_INPUT');
    expect(e.message).toBe('Invalid input: first of areas: must be between 1 and 100');
    // The same shape as the resolvers' own check (field: the argument), plus where.
    expect(e.extensions).toMatchObject({ field: 'first', rule: 'must be between 1 and 100', path: 'areas' });
    // Nested: without the check the outer page would be read first.
    e = refusal(
      await withoutSql(api, () =>
        post(api.url, { query: `query($n: Int) { areas(first: 5) { nodes { towns: children(first: $n) { totalCount } } } }`, variables: { n: 1_000_000 } }),
      ),
      400,
      'BAD_USER_INPUT',
    );
    expect(e.message).toBe('Invalid input: first of areas.nodes.towns: must be between 1 and 100');
    expect(e.extensions.problems).toEqual([{ field: 'first', rule: 'must be between 1 and 100', value: 1_000_000, path: 'areas.nodes.towns' }]);
    refusal(await withoutSql(api, () => post(api.url, { query: `{ projects(last: 0) { totalCount } }` })), 400, 'BAD_USER_INPUT');
  });

  it('three nested connections at first: 100 are refused with the computed number (QUERY_TOO_LARGE)', async () => {
    const query = `{ areas(first: 100) { nodes { children(first: 100) { nodes { projects(first: 100) { nodes { code } } } } } } }`;
    // (armor's cost also refuses this one; the node limit adds its own error, with the number)
    const res = await withoutSql(api, () => post(api.url, { query }));
    expect(res.status).toBe(400);
    expect(res.body.errors.map((x: any) => x.extensions.code)).toContain('QUERY_TOO_COSTLY');
    // With variables graphql-armor sees no page sizes; the node limit does.
    const vars = `query($a: Int!, $b: Int = 100) { areas(first: $a) { nodes { ...Kids } } }
      fragment Kids on Area { children(first: $b) { nodes { projects(last: $b) { nodes { code } } } } }`;
    const e = refusal(await withoutSql(api, () => post(api.url, { query: vars, variables: { a: 100 } })), 400, 'QUERY_TOO_LARGE');
    expect(e.message).toBe(
      `Query too large: its connections may return up to 1010100 nodes (page sizes multiplied along nested connections, summed), the limit is ${DEFAULT_LIMITS.maxNodes}. Ask for smaller pages or fewer nested connections.`,
    );
    expect(e.extensions).toMatchObject({ nodes: 1_010_100, limit: DEFAULT_LIMITS.maxNodes });
    // Exactly the limit passes; one node more is refused.
    const atLimit = `query($n: Int!, $m: Int!, $k: Int!) {
      projects(first: $n) { nodes { host { projects(first: $n) { nodes { investors { projects(first: $m) { totalCount } } } } } } }
      areas(first: $k) { nodes { children(first: $k) { totalCount } } } }`;
    expect(measureQuery(schema, atLimit, { n: 100, m: 3, k: 99 }).nodes).toBe(50_000);
    const passed = await post(api.url, { query: atLimit, variables: { n: 100, m: 3, k: 99 } });
    expect(passed.body.errors).toBeUndefined();
    expect(passed.body.data.areas.nodes.length).toBeGreaterThan(0);
    const e2 = refusal(
      await withoutSql(api, () =>
        post(api.url, { query: `${atLimit.slice(0, -1)} one: areas(first: 1) { totalCount } }`, variables: { n: 100, m: 3, k: 99 } }),
      ),
      400,
      'QUERY_TOO_LARGE',
    );
    expect(e2.extensions.nodes).toBe(50_001);
    expect(e2.message).toContain('up to 50001 nodes');
    // Default page sizes (20) count too.
    const defaults = `{ projects { nodes { host { projects { nodes { host { projects { nodes { host { projects { nodes { code } } } } } } } } } } } }`;
    expect(refusal(await withoutSql(api, () => post(api.url, { query: defaults })), 400, 'QUERY_TOO_LARGE').extensions.nodes).toBe(20 + 400 + 8000 + 160000);
  });

  it('a batch (JSON array) is refused (BATCH_NOT_ALLOWED)', async () => {
    const e = refusal(
      await withoutSql(api, () => post(api.url, [{ query: '{ areas { totalCount } }' }, { query: '{ projects { totalCount } }' }])),
      400,
      'BATCH_NOT_ALLOWED',
    );
    expect(e.message).toMatch(/^Batched requests/);
  });

  it('a body that is not JSON gets a JSON error, not an HTML page', async () => {
    const e = refusal(await withoutSql(api, () => post(api.url, '{"query": "{ areas { totalCount } }"', { raw: true })), 400, 'BAD_REQUEST');
    expect(e.message).toBe('The request body is not valid JSON');
  });

  it('no "Did you mean" suggestion leaves the server outside development', async () => {
    const res = await post(api.url, { query: `{ areas(frist: 1, filter: { kinds: [TWON] }) { nodes { nme } } }` });
    expect(res.status).toBe(400);
    const messages = res.body.errors.map((e: any) => e.message as string);
    expect(messages).toHaveLength(3);
    expect(messages.join('\n')).toMatch(/Cannot query field "nme" on type "Area"\./);
    for (const m of messages) expect(m).not.toMatch(/Did you mean|Suggestion|"name"|"first"|"TOWN"/);
  });
});

describe('node counting (GitHub style)', () => {
  const count = (query: string, variables: Record<string, unknown> = {}) => {
    const document = parse(query);
    return countNodes(schema, document, getOperationAST(document)!, variables);
  };

  it('multiplies along each path and sums over the operation, through fragments, aliases and inline fragments', () => {
    expect(count(`{ areas(first: 10) { nodes { code } } }`).nodes).toBe(10n);
    expect(count(`{ areas { totalCount } }`).nodes).toBe(20n);
    expect(count(`{ areas(first: 10) { edges { node { children(first: 5) { nodes { code } } } } } projects(last: 7) { totalCount } }`).nodes).toBe(
      10n + 50n + 7n,
    );
    expect(
      count(`{ a: areas(first: 10) { nodes { ...F } } b: areas(first: 2) { nodes { ...F ...F } } } fragment F on Area { children(first: 3) { totalCount } }`)
        .nodes,
    ).toBe(10n + 30n + 2n + 2n * 6n);
    expect(count(`{ node(id: "x") { ... on Area { projects(first: 4) { nodes { fundFlows(first: 5) { totalCount } } } } } }`).nodes).toBe(4n + 20n);
    expect(count(`query($n: Int = 7, $m: Int) { areas(first: $n) { nodes { children(first: $m) { totalCount } } } }`).nodes).toBe(7n + 7n * 20n);
    expect(count(`query($n: Int = 7) { areas(first: $n) { totalCount } }`, { n: 3 }).nodes).toBe(3n);
    expect(count(`mutation { createArea(input: { code: "1", name: "x", kind: DISTRICT, source: "t" }) { children(first: 9) { totalCount } } }`).nodes).toBe(9n);
  });

  it('costs linear time even when a fragment is spread a thousand times', () => {
    const chain = Array.from({ length: 10 }, (_, i) => `fragment F${i} on Area { ${Array.from({ length: 10 }, () => `...F${i + 1}`).join(' ')} }`).join('\n');
    const query = `{ areas(first: 1) { nodes { ...F0 } } } ${chain} fragment F10 on Area { children(first: 1) { totalCount } }`;
    const t = performance.now();
    expect(count(query).nodes).toBe(1n + 10n ** 10n);
    expect(performance.now() - t).toBeLessThan(200);
  });
});

describe('rate limit per credential or address', () => {
  let limited: TestApi;
  beforeAll(async () => {
    limited = await startTestApi({ limits: { ratePerMinute: 3 } });
  });
  afterAll(async () => limited?.close());

  it('answers 429 with Retry-After and RATE_LIMITED once a client used its minute, other clients unaffected', async () => {
    for (let i = 0; i < 3; i++) {
      const ok = await post(limited.url, { query: '{ areas { totalCount } }' });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-limit')).toBe('3');
      expect(ok.headers.get('ratelimit-remaining')).toBe(String(2 - i));
    }
    const refused = await withoutSql(limited, () => post(limited.url, { query: '{ areas { totalCount } }' }));
    const e = refusal(refused, 429, 'RATE_LIMITED');
    const retry = Number(refused.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect(e.message).toBe(`Too many requests: the limit is 3 a minute; retry in ${retry} s.`);
    // Another address (127.0.0.2 is loopback too) has its own count.
    const other = await new Promise<number>((resolve, reject) => {
      const req = http.request(limited.url, { method: 'POST', localAddress: '127.0.0.2', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ query: '{ areas { totalCount } }' }));
    });
    expect(other).toBe(200);
  });

  it('counts concurrent requests of one caller exactly: of 10 at once against a limit of 3, 3 are answered', async () => {
    const statuses = await Promise.all(
      Array.from(
        { length: 10 },
        () =>
          new Promise<number>((resolve, reject) => {
            const req = http.request(limited.url, { method: 'POST', localAddress: '127.0.0.6', headers: { 'content-type': 'application/json' } }, (res) => {
              res.resume();
              res.on('end', () => resolve(res.statusCode!));
            });
            req.on('error', reject);
            req.end(JSON.stringify({ query: '{ __typename }' }));
          }),
      ),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
  });

  it('counts per credential when authenticated, per address (IPv6: per /64) otherwise', () => {
    expect(rateKey({ ip: '10.0.0.1', principal: { id: 'key:7', role: 'reader' } })).toBe('credential:key:7');
    expect(rateKey({ ip: '10.0.0.1' })).toBe('ip:10.0.0.1');
    expect(rateKey({ ip: '::ffff:10.0.0.1' })).toBe('ip:10.0.0.1');
    expect(rateKey({ ip: '2001:db8:1:2:aaaa::1' })).toBe(rateKey({ ip: '2001:db8:1:2:bbbb:cccc:dddd:eeee' }));
    expect(rateKey({ ip: '2001:db8:1:2::1' })).not.toBe(rateKey({ ip: '2001:db8:1:3::1' }));
    expect(rateKey({ ip: '2001:db8::1' })).toBe('ip6:2001:db8:0:0::/64');
  });
});

describe('memory bounded under abuse', () => {
  it('40 concurrent heaviest-allowed requests are all answered 200, or refused with 503/429, and the API stays up', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, async () => {
        try {
          return await post(api.url, { query: HEAVY, variables: HEAVY_VARS });
        } catch (e) {
          return { status: 0, headers: new Headers(), body: { error: String(e) } } as Answer;
        }
      }),
    );
    const statuses = answers.map((a) => a.status);
    expect(
      statuses.every((s) => s === 200 || s === 503 || s === 429),
      JSON.stringify(statuses),
    ).toBe(true);
    const ok = answers.filter((a) => a.status === 200);
    expect(ok.length).toBeGreaterThan(0);
    for (const a of ok) {
      expect(a.body.errors).toBeUndefined();
      expect(a.body.data.projects.nodes).toHaveLength(100);
    }
    for (const a of answers.filter((x) => x.status !== 200)) {
      expect(['OVERLOADED', 'RATE_LIMITED']).toContain(a.body.errors[0].extensions.code);
      expect(Number(a.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    expect((await post(api.url, { query: '{ areas { totalCount } }' })).body.data.areas.totalCount).toBeGreaterThan(100);
  }, 180_000);

  describe('with 2 requests in progress and 3 waiting places', () => {
    let small: TestApi;
    beforeAll(async () => {
      small = await startTestApi({ limits: { maxConcurrent: 2, queueMax: 3, queueTimeoutMs: 120_000 } });
      const outcome = await runImport(small.databaseUrl, { paths: ['seeds'], limits: limitsFromEnv() });
      expect(outcome.status).toBe('ok');
    }, 180_000);
    afterAll(async () => small?.close());

    it('takes 2, queues 3 and refuses the rest at once with 503, Retry-After and OVERLOADED; no slot leaks', async () => {
      const answers = await Promise.all(Array.from({ length: 20 }, () => post(small.url, { query: HEAVY, variables: HEAVY_VARS })));
      const ok = answers.filter((a) => a.status === 200);
      const refused = answers.filter((a) => a.status === 503);
      expect(ok.length + refused.length).toBe(20);
      expect(ok.length).toBeGreaterThanOrEqual(5);
      expect(refused.length).toBeGreaterThanOrEqual(1);
      for (const a of ok) expect(a.body.data.projects.nodes).toHaveLength(100);
      const e = refusal(refused[0], 503, 'OVERLOADED');
      expect(e.message).toBe('Server busy: 2 requests running and 3 waiting; retry in 2 s.');
      expect(refused[0].headers.get('retry-after')).toBe('2');
      // Every slot came back: 5 at once (2 in progress + 3 waiting) all succeed.
      const again = await Promise.all(Array.from({ length: 5 }, () => post(small.url, { query: '{ areas { totalCount } }' })));
      expect(again.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    }, 240_000);
  });

  it('a request that waits longer than QUEUE_TIMEOUT_MS gets 503', async () => {
    const tight = await startTestApi({ limits: { maxConcurrent: 1, queueMax: 10, queueTimeoutMs: 1 } });
    try {
      await runImport(tight.databaseUrl, { paths: ['seeds'], limits: limitsFromEnv() });
      const answers = await Promise.all(Array.from({ length: 6 }, () => post(tight.url, { query: HEAVY, variables: HEAVY_VARS })));
      const refused = answers.filter((a) => a.status === 503);
      expect(refused.length).toBeGreaterThanOrEqual(1);
      expect(refusal(refused[0], 503, 'OVERLOADED').message).toBe('Server busy: no slot became free within 1 ms; retry in 2 s.');
    } finally {
      await tight.close();
    }
  }, 180_000);

  it('a heavy operation waits for the nodes in flight to make room, within the same deadline (503 from GraphQL, with Retry-After)', async () => {
    const budget = await startTestApi({ limits: { maxConcurrent: 8, queueMax: 8, queueTimeoutMs: 100 } });
    try {
      await runImport(budget.databaseUrl, { paths: ['seeds'], limits: limitsFromEnv() });
      const answers = await Promise.all(Array.from({ length: 4 }, () => post(budget.url, { query: HEAVY, variables: HEAVY_VARS })));
      const ok = answers.filter((a) => a.status === 200);
      const refused = answers.filter((a) => a.status === 503);
      expect(ok.length + refused.length).toBe(4);
      expect(ok.length).toBeGreaterThanOrEqual(1);
      // 40,100 nodes each in a budget of 50,000: one at a time; the others cannot start within 100 ms.
      expect(refused.length).toBeGreaterThanOrEqual(1);
      const e = refusal(refused[0], 503, 'OVERLOADED');
      expect(e.message).toBe('Server busy: no room for a query of 40100 nodes within 100 ms; retry in 2 s.');
      expect(refused[0].headers.get('retry-after')).toBe('2');
    } finally {
      await budget.close();
    }
  }, 180_000);
});

describe('nodes in flight (MAX_NODES_IN_FLIGHT)', () => {
  const control = () => new AdmissionControl({ maxConcurrent: 16, queueMax: 64, queueTimeoutMs: 10_000, maxNodesInFlight: 100 });
  const soon = () => performance.now() + 10_000;
  const settled = async <T>(p: Promise<T>) => {
    let done = false;
    void p.then(
      () => (done = true),
      () => (done = true),
    );
    await new Promise((r) => setTimeout(r, 10));
    return done;
  };

  it('runs operations while their nodes fit; a small one may pass a large one; releasing admits the next', async () => {
    const a = control();
    const r1 = await a.acquireNodes(60, soon());
    const big = a.acquireNodes(60, soon());
    expect(await settled(big)).toBe(false);
    const r2 = await a.acquireNodes(30, soon());
    expect(a.load).toMatchObject({ executing: 2, nodesInFlight: 90, waitingForNodes: 1 });
    r1();
    r1(); // releasing twice changes nothing
    const r3 = await big;
    expect(a.load).toMatchObject({ executing: 2, nodesInFlight: 90, waitingForNodes: 0 });
    r2();
    r3();
    expect(a.load).toMatchObject({ executing: 0, nodesInFlight: 0 });
    // One operation larger than the whole budget runs alone.
    const alone = await a.acquireNodes(1_000, soon());
    expect(await settled(a.acquireNodes(1, soon()))).toBe(false);
    alone();
  });

  it('refuses with OVERLOADED (503, Retry-After) when no room comes before the deadline', async () => {
    const a = control();
    const r = await a.acquireNodes(100, soon());
    const error = await a.acquireNodes(50, performance.now() + 20).then(
      () => null,
      (e) => e,
    );
    expect(error.extensions.code).toBe('OVERLOADED');
    expect(error.extensions.http.status).toBe(503);
    expect(error.extensions.http.headers.get('retry-after')).toBe('2');
    expect(a.load.waitingForNodes).toBe(0);
    r();
  });
});

describe('configuration', () => {
  it('batches pass when allowed, up to MAX_BATCH operations', async () => {
    const batching = await startTestApi({ limits: { allowBatches: true, maxBatch: 2 } });
    try {
      const two = await post(batching.url, [{ query: '{ areas { totalCount } }' }, { query: '{ projects { totalCount } }' }]);
      expect(two.status).toBe(200);
      expect(two.body).toEqual([{ data: { areas: { totalCount: 0 } } }, { data: { projects: { totalCount: 0 } } }]);
      const three = await withoutSql(batching, () =>
        post(
          batching.url,
          Array.from({ length: 3 }, () => ({ query: '{ areas { totalCount } }' })),
        ),
      );
      expect(refusal(three, 400, 'BATCH_NOT_ALLOWED').message).toBe('Too many operations in one batch: 3 (the limit is 2).');
    } finally {
      await batching.close();
    }
  });

  it('development mode keeps graphql’s suggestions', async () => {
    const dev = await startTestApi({ development: true });
    try {
      const res = await post(dev.url, { query: `{ areas { nodes { nme } } }` });
      expect(res.body.errors[0].message).toMatch(/Did you mean "name"/);
    } finally {
      await dev.close();
    }
  });

  it('reads every limit from the environment, with the documented defaults, and refuses nonsense', () => {
    expect(limitConfigFromEnv({})).toEqual(DEFAULT_LIMITS);
    expect(DEFAULT_LIMITS).toMatchObject({ maxNodes: 50_000, maxBodyKb: 100, allowBatches: false, maxValidationErrors: 20, ratePerMinute: 600 });
    const env = Object.fromEntries(LIMIT_SETTINGS.map((s, i) => [s.env, typeof s.default === 'boolean' ? 'true' : String(1000 + i)]));
    const read = limitConfigFromEnv(env);
    LIMIT_SETTINGS.forEach((s, i) => expect(read[s.key]).toBe(typeof s.default === 'boolean' ? true : 1000 + i));
    expect(limitConfigFromEnv({ RATE_LIMIT_PER_MINUTE: '0' }).ratePerMinute).toBe(0);
    expect(() => limitConfigFromEnv({ MAX_NODES: 'lots' })).toThrow('MAX_NODES must be a whole number of at least 1, got "lots"');
    expect(() => limitConfigFromEnv({ MAX_DEPTH: '0' })).toThrow(/MAX_DEPTH/);
    expect(() => limitConfigFromEnv({ ALLOW_BATCHES: 'yes please' })).toThrow(/ALLOW_BATCHES/);
  });

  it('README lists every limit with its variable and default', async () => {
    const readme = await readFile('README.md', 'utf8');
    const section = /\n## Limits\n([\s\S]*?)\n## /.exec(readme)?.[1];
    expect(section, 'a "## Limits" section').toBeTruthy();
    for (const s of LIMIT_SETTINGS) {
      const row = section!.split('\n').find((line) => line.includes(`\`${s.env}\``));
      expect(row, `a row for ${s.env}`).toBeTruthy();
      const shown = typeof s.default === 'boolean' ? String(s.default) : s.default.toLocaleString('en-US');
      expect(row, `${s.env} default`).toContain(`\`${shown}\``);
    }
  });
});
