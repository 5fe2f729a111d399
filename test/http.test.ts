import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/keys.js';
import { type Database, openDatabase } from '../src/db/database.js';
import { buildRegistrySchema } from '../src/schema/build.js';
import { type RunningApp, startApp } from '../src/server/app.js';
import { type HttpConfig, httpConfigFromEnv, httpErrorHandler, httpGuards, notFoundHandler } from '../src/server/http.js';
import { createTestDatabase } from './support/database.js';

type LogLine = Record<string, any>;

/** Collects the JSON log lines an app writes. */
class LogCapture {
  readonly raw: string[] = [];
  readonly lines: LogLine[] = [];
  write(chunk: string) {
    this.raw.push(chunk);
    for (const line of chunk.split('\n')) if (line.trim()) this.lines.push(JSON.parse(line));
  }
  /** The request lines of one request id, once the request has ended (its line is written on finish). */
  async of(reqId: string): Promise<LogLine[]> {
    for (let i = 0; i < 50; i++) {
      const found = this.lines.filter((l) => l.reqId === reqId);
      if (found.length > 0) {
        await new Promise((r) => setTimeout(r, 20)); // a second line would show up by now
        return this.lines.filter((l) => l.reqId === reqId);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return [];
  }
}

interface TestServer {
  base: string;
  url: string;
  log: LogCapture;
  stop(): Promise<void>;
}

let db: Database;
let schema: GraphQLSchema;
let dropDatabase: () => Promise<void>;
const servers: TestServer[] = [];

beforeAll(async () => {
  const database = await createTestDatabase();
  dropDatabase = database.drop;
  db = await openDatabase({ url: database.url });
  schema = await buildRegistrySchema();
});

afterAll(async () => {
  for (const s of servers) await s.stop();
  await db?.close();
  await dropDatabase?.();
});

/** The real app on a free port with these HTTP settings, its log lines captured. */
async function startHttpApp(settings: Partial<HttpConfig> = {}): Promise<TestServer> {
  const log = new LogCapture();
  const app: RunningApp = await startApp(
    { orm: db.orm, schema, http: { corsOrigins: [], logLevel: 'info', logDestination: log, ...settings } },
    0,
    '127.0.0.1',
  );
  const server = { base: app.url.replace(/\/graphql$/, ''), url: app.url, log, stop: () => app.stop() };
  servers.push(server);
  return server;
}

/** A bare Express app with the HTTP guards and final handlers around routes of the test's own. */
async function startBareApp(routes: (app: express.Express) => void, settings: Partial<HttpConfig> = {}): Promise<TestServer> {
  const log = new LogCapture();
  const app = express();
  app.disable('x-powered-by');
  app.use(httpGuards({ http: { corsOrigins: [], logLevel: 'info', logDestination: log, ...settings } }));
  routes(app);
  app.use(notFoundHandler(), httpErrorHandler());
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const handle = { base, url: `${base}/graphql`, log, stop: () => new Promise<void>((r) => server.close(() => r())) };
  servers.push(handle);
  return handle;
}

const json = { 'content-type': 'application/json' };
const reqId = () => `test-${randomBytes(6).toString('hex')}`;

describe('security headers', () => {
  it('are sent with GraphQL answers, health checks, 404s and refused bodies, and X-Powered-By never is', async () => {
    const api = await startHttpApp();
    const answers = [
      await fetch(api.url, { method: 'POST', headers: json, body: JSON.stringify({ query: '{ __typename }' }) }),
      await fetch(`${api.base}/healthz`),
      await fetch(`${api.base}/no-such-page`),
      await fetch(api.url, { method: 'POST', headers: json, body: '{"query": ' }),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 404, 400]);
    for (const res of answers) {
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'self'");
      expect(csp).not.toContain('https:');
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      expect(res.headers.get('x-dns-prefetch-control')).toBe('off');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });
});

describe('CORS', () => {
  const preflight = (url: string, origin: string) =>
    fetch(url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-request-id' },
    });
  const post = (url: string, origin: string) => fetch(url, { method: 'POST', headers: { ...json, origin }, body: JSON.stringify({ query: '{ __typename }' }) });

  it('sends no CORS headers at all when no origin is configured, and still answers OPTIONS with 204', async () => {
    const api = await startHttpApp({ corsOrigins: [] });
    const pre = await preflight(api.url, 'https://portal.example.gov.cn');
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    expect(pre.headers.get('access-control-allow-methods')).toBeNull();
    const res = await post(api.url, 'https://portal.example.gov.cn');
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a preflight from a listed origin with 204, that origin, credentials, methods, headers and max-age', async () => {
    const api = await startHttpApp({ corsOrigins: ['https://portal.example.gov.cn', 'http://localhost:5173'] });
    const pre = await preflight(api.url, 'https://portal.example.gov.cn');
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://portal.example.gov.cn');
    expect(pre.headers.get('access-control-allow-credentials')).toBe('true');
    expect(pre.headers.get('access-control-allow-methods')?.split(',')).toEqual(['GET', 'POST', 'OPTIONS']);
    const allowed = (pre.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(',');
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'x-request-id', 'apollo-require-preflight']));
    expect(Number(pre.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(pre.headers.get('vary')).toMatch(/origin/i);

    const res = await post(api.url, 'http://localhost:5173');
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-expose-headers')).toMatch(/X-Request-Id/i);
    expect(res.headers.get('vary')).toMatch(/origin/i);
  });

  it('gives an origin that is not listed no CORS headers, on preflight or request', async () => {
    const api = await startHttpApp({ corsOrigins: ['https://portal.example.gov.cn'] });
    for (const origin of ['https://evil.example', 'https://portal.example.gov.cn.evil.example', 'http://portal.example.gov.cn', 'null']) {
      const pre = await preflight(api.url, origin);
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
      expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
      expect(pre.headers.get('vary')).toMatch(/origin/i);
      const res = await post(api.url, origin);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('allows any origin with *, never with credentials', async () => {
    const api = await startHttpApp({ corsOrigins: ['*'] });
    const pre = await preflight(api.url, 'https://anywhere.example');
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    const res = await post(api.url, 'https://anywhere.example');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('reads CORS_ORIGINS and LOG_LEVEL from the environment and refuses values it cannot use', () => {
    expect(httpConfigFromEnv({})).toMatchObject({ corsOrigins: [], logLevel: 'info' });
    expect(httpConfigFromEnv({ CORS_ORIGINS: ' https://a.example.gov.cn/ , http://localhost:5173,,', LOG_LEVEL: 'WARN' })).toMatchObject({
      corsOrigins: ['https://a.example.gov.cn', 'http://localhost:5173'],
      logLevel: 'warn',
    });
    expect(httpConfigFromEnv({ CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
    expect(() => httpConfigFromEnv({ CORS_ORIGINS: 'https://a.example/portal' })).toThrow(/not an origin/);
    expect(() => httpConfigFromEnv({ CORS_ORIGINS: 'portal.example.gov.cn' })).toThrow(/not an origin/);
    expect(() => httpConfigFromEnv({ CORS_ORIGINS: '*,https://a.example' })).toThrow(/cannot be combined/);
    expect(() => httpConfigFromEnv({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL/);
  });
});

describe('malformed requests', () => {
  const cases: { name: string; path?: string; init: RequestInit; status: number[]; code: string }[] = [
    { name: 'invalid JSON', init: { method: 'POST', headers: json, body: '{"query": "{ __typename }"' }, status: [400], code: 'BAD_REQUEST' },
    {
      name: 'a text/plain body',
      init: { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"query":"{ __typename }"}' },
      status: [400, 415],
      code: 'BAD_REQUEST',
    },
    {
      name: 'an XML body with a preflight header',
      init: { method: 'POST', headers: { 'content-type': 'application/xml', 'apollo-require-preflight': 'true' }, body: '<query/>' },
      status: [400, 415],
      code: 'BAD_REQUEST',
    },
    { name: 'an empty body', init: { method: 'POST', headers: json, body: '' }, status: [400], code: 'BAD_REQUEST' },
    { name: 'an empty JSON object', init: { method: 'POST', headers: json, body: '{}' }, status: [400], code: 'BAD_REQUEST' },
    {
      name: 'a charset other than UTF-8',
      init: { method: 'POST', headers: { 'content-type': 'application/json; charset=latin1' }, body: '{}' },
      status: [415],
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
    {
      name: 'an unknown content encoding',
      init: { method: 'POST', headers: { ...json, 'content-encoding': 'zstd-x' }, body: '{}' },
      status: [415],
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
    {
      name: 'a 2 MB body',
      init: { method: 'POST', headers: json, body: JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(2 * 1024 * 1024) } }) },
      status: [413],
      code: 'PAYLOAD_TOO_LARGE',
    },
    { name: 'PUT', init: { method: 'PUT', headers: json, body: '{"query":"{ __typename }"}' }, status: [405], code: 'BAD_REQUEST' },
    { name: 'an unknown route', path: '/graphq', init: { method: 'POST', headers: json, body: '{}' }, status: [404], code: 'NOT_FOUND' },
    { name: 'an unknown GET route', path: '/admin/../etc/passwd', init: { method: 'GET' }, status: [404], code: 'NOT_FOUND' },
  ];

  let api: TestServer;
  beforeAll(async () => {
    api = await startHttpApp();
  });

  it.each(cases)('$name gets a JSON GraphQL error with its status', async ({ path, init, status, code }) => {
    const res = await fetch(path ? `${api.base}${path}` : api.url, init);
    expect(status).toContain(res.status);
    expect(res.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
    const text = await res.text();
    expect(text).not.toMatch(/<html|<pre|<!DOCTYPE/i);
    const body = JSON.parse(text);
    expect(body).toEqual({ errors: [expect.objectContaining({ message: expect.any(String), extensions: expect.objectContaining({ code }) })] });
    expect(body.data).toBeUndefined();
  });

  it('turns an uncaught error into a 500 JSON error without its message or stack, which go to the log', async () => {
    const api = await startBareApp((app) => {
      app.get('/boom', () => {
        throw new Error('kaboom: internal detail /srv/registry/secret.ts');
      });
      app.get('/boom-async', async () => {
        await Promise.resolve();
        throw new TypeError('async kaboom');
      });
      app.get('/teapot', () => {
        throw Object.assign(new Error('internal wording'), { status: 418 });
      });
    });
    for (const [path, logged] of [
      ['/boom', 'kaboom: internal detail'],
      ['/boom-async', 'async kaboom'],
    ]) {
      const id = reqId();
      const res = await fetch(`${api.base}${path}`, { headers: { 'x-request-id': id } });
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      expect(text).not.toContain('kaboom');
      expect(text).not.toContain('.ts');
      const [line, ...more] = await api.log.of(id);
      expect(more).toEqual([]);
      expect(line).toMatchObject({
        level: 50,
        status: 500,
        path,
        err: { message: expect.stringContaining(logged), stack: expect.stringContaining('http.test.ts') },
      });
    }
    const teapot = await fetch(`${api.base}/teapot`);
    expect(teapot.status).toBe(418);
    expect(await teapot.json()).toEqual({ errors: [{ message: 'Bad request (418)', extensions: { code: 'BAD_REQUEST' } }] });
  });
});

describe('request ids', () => {
  it('echoes a sane X-Request-Id and replaces a missing or unsafe one with a UUID, in the header and the log', async () => {
    const api = await startHttpApp();
    const send = (id?: string) =>
      fetch(api.url, { method: 'POST', headers: { ...json, ...(id === undefined ? {} : { 'x-request-id': id }) }, body: '{"query":"{ __typename }"}' });
    const sane = 'portal-7.Ab_c-' + randomBytes(4).toString('hex');
    const echoed = await send(sane);
    expect(echoed.headers.get('x-request-id')).toBe(sane);
    expect(await api.log.of(sane)).toHaveLength(1);

    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const replaced = new Set<string>();
    for (const bad of [undefined, '', 'x'.repeat(65), 'abc def', 'id\u00e9', '<script>', 'a,b', '../../etc']) {
      const res = await send(bad);
      const id = res.headers.get('x-request-id')!;
      expect(id).toMatch(uuid);
      expect(await api.log.of(id)).toHaveLength(1);
      replaced.add(id);
    }
    expect(replaced.size).toBe(8);
    const longest = 'y'.repeat(64);
    expect((await send(longest)).headers.get('x-request-id')).toBe(longest);
  });
});

describe('request log', () => {
  it('writes exactly one line per request with id, credential, operation, method, path, status and duration, and never a secret', async () => {
    const api = await startHttpApp();
    const secret = `s3cr3t-${randomBytes(8).toString('hex')}`;
    const ids: Record<string, string> = {};
    const send = async (name: string, path: string, init: RequestInit) => {
      ids[name] = reqId();
      const res = await fetch(`${api.base}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), 'x-request-id': ids[name] } });
      await res.text();
      return res.status;
    };
    // The credential is a real editor key (a secret too): the log names its id, never the key.
    const { key, row } = await createApiKey(db.orm.em.fork(), { role: 'editor', label: 'log test', createdBy: 'test' });
    const auth = { authorization: `Bearer ${key}`, cookie: `session=${secret}` };

    const statuses = {
      variables: await send('variables', '/graphql', {
        method: 'POST',
        headers: { ...json, ...auth },
        body: JSON.stringify({ query: 'query AreaByCode($code: String!) { area(code: $code) { name } }', variables: { code: secret } }),
      }),
      mutation: await send('mutation', '/graphql', {
        method: 'POST',
        headers: { ...json, ...auth },
        body: JSON.stringify({
          query: `mutation RecordArea { createArea(input: { code: "339901", name: "${secret}", kind: DISTRICT, source: "${secret}" }) { code } }`,
        }),
      }),
      mutationVariables: await send('mutationVariables', '/graphql', {
        method: 'POST',
        headers: { ...json, ...auth },
        body: JSON.stringify({
          query: 'mutation Rename($code: String!, $input: AreaInput!) { updateArea(code: $code, input: $input) { name } } query Other { __typename }',
          operationName: 'Rename',
          variables: { code: '339901', input: { name: `${secret}-2`, source: secret } },
        }),
      }),
      refused: await send('refused', '/graphql', {
        method: 'POST',
        headers: { ...json, ...auth },
        body: JSON.stringify({ query: 'mutation Bad($code: String!) { deleteArea(code: $code) }', variables: { code: `${secret}` } }),
      }),
      get: await send(
        'get',
        `/graphql?query=${encodeURIComponent('query ByGet($c: String!) { area(code: $c) { name } }')}&variables=${encodeURIComponent(JSON.stringify({ c: secret }))}`,
        {
          method: 'GET',
          headers: { 'apollo-require-preflight': 'true', ...auth },
        },
      ),
      invalidJson: await send('invalidJson', '/graphql', {
        method: 'POST',
        headers: { ...json, ...auth },
        body: `{"query": "{ area(code: \\"${secret}\\") { name } }", `,
      }),
      tooLarge: await send('tooLarge', '/graphql', {
        method: 'POST',
        headers: { ...json, ...auth },
        body: JSON.stringify({ query: '{ __typename }', variables: { pad: `${secret} `.repeat(100_000) } }),
      }),
      notFound: await send('notFound', `/nowhere?token=${secret}`, { method: 'GET', headers: auth }),
    };
    expect(statuses).toEqual({ variables: 200, mutation: 200, mutationVariables: 200, refused: 200, get: 200, invalidJson: 400, tooLarge: 413, notFound: 404 });

    const lines: Record<string, LogLine> = {};
    for (const [name, id] of Object.entries(ids)) {
      const found = await api.log.of(id);
      expect(found, name).toHaveLength(1);
      lines[name] = found[0];
      expect(found[0]).toMatchObject({
        msg: 'request',
        reqId: id,
        credential: name === 'notFound' ? null : `key:${row.id}`,
        status: statuses[name as keyof typeof statuses],
      });
      expect(found[0].ms).toBeGreaterThanOrEqual(0);
      expect(found[0].ms).toBeLessThan(30_000);
    }
    expect(lines.variables).toMatchObject({ level: 30, op: 'AreaByCode', opType: 'query', method: 'POST', path: '/graphql' });
    expect(lines.mutation).toMatchObject({ op: 'RecordArea', opType: 'mutation' });
    expect(lines.mutationVariables).toMatchObject({ op: 'Rename', opType: 'mutation' });
    expect(lines.refused).toMatchObject({ op: 'Bad', opType: 'mutation', errors: ['NOT_FOUND'] });
    expect(lines.get).toMatchObject({ op: 'ByGet', method: 'GET', path: '/graphql' });
    expect(lines.invalidJson).toMatchObject({ level: 40, error: 'entity.parse.failed', path: '/graphql' });
    expect(lines.invalidJson.op).toBeUndefined();
    expect(lines.tooLarge).toMatchObject({ error: 'entity.too.large' });
    expect(lines.notFound).toMatchObject({ method: 'GET', path: '/nowhere' });

    // The requests did happen with the secret (so the log had every chance to see it).
    const written = await db.orm.em.fork().getConnection().execute(`select name, source from area where code = '339901'`);
    expect(written).toEqual([{ name: `${secret}-2`, source: secret }]);
    const everything = api.log.raw.join('');
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain('s3cr3t');
    expect(everything).not.toContain(key.slice(4));
    expect(everything).not.toMatch(/authorization|cookie|bearer|variables|createArea|"query":/i);
  });

  it('names the credential of an authenticated request', async () => {
    const api = await startBareApp((app) => {
      app.use((req, _res, next) => {
        if (req.headers.authorization === 'Bearer test-key') req.principal = { id: 'key:42', role: 'editor' };
        next();
      });
      app.get('/whoami', (req, res) => {
        res.json({ requestId: req.requestId });
      });
    });
    const id = reqId();
    const res = await fetch(`${api.base}/whoami`, { headers: { authorization: 'Bearer test-key', 'x-request-id': id } });
    expect(await res.json()).toEqual({ requestId: id });
    const [line] = await api.log.of(id);
    expect(line).toMatchObject({ credential: 'key:42', status: 200, path: '/whoami' });
    expect(JSON.stringify(line)).not.toContain('test-key');
  });

  it('follows LOG_LEVEL: at warn, successful requests are not logged and failed ones are', async () => {
    const api = await startHttpApp({ logLevel: 'warn' });
    const ok = reqId();
    const bad = reqId();
    await (await fetch(api.url, { method: 'POST', headers: { ...json, 'x-request-id': ok }, body: '{"query":"{ __typename }"}' })).text();
    await (await fetch(`${api.base}/missing`, { headers: { 'x-request-id': bad } })).text();
    expect(await api.log.of(bad)).toMatchObject([{ level: 40, status: 404 }]);
    expect(api.log.lines.filter((l) => l.reqId === ok)).toEqual([]);
  });
});
