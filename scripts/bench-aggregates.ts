/**
 * `npm run bench [-- --flows 1000000]`: on a generated registry (the seed's areas, enterprises and
 * pairings plus 200,000 projects and 1,000,000 fund flows), times each aggregate through GraphQL
 * over HTTP next to the very statements it sends (with their bound parameters, as named prepared
 * statements) sent by node-postgres on one connection, and prints the ratios. Median of 7 runs
 * after a warm-up.
 */
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase } from '../src/db/database.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { PARAMS_MARK } from '../src/db/sql.js';
import { limitsFromEnv } from '../src/import/limits.js';
import { runImport } from '../src/import/run.js';
import { buildRegistrySchema } from '../src/schema/build.js';
import { startApp } from '../src/server/app.js';

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1] || fallback) || fallback;
const FLOWS = arg('flows', 1_000_000);
const PROJECTS = Math.max(1, Math.round(FLOWS / 5));
const RUNS = 7;

const QUERIES: Record<string, string> = {
  'fundsLanded: mountain towns, 2022 (F2)': '{ fundsLanded(filter: { mountain: true, period: { year: 2022 } }) { total projectCount } }',
  'fundsLanded: by town and year': '{ fundsLanded(groupBy: [TOWN, YEAR]) { total groups { area { code } year total projectCount } } }',
  'fundsLanded: by scheme and quarter, 2021–2023':
    '{ fundsLanded(filter: { period: { from: "2021-01-01", to: "2023-12-31" } }, groupBy: [SCHEME, QUARTER]) { groups { scheme quarter { year quarter } total } } }',
  'fundsLanded: by investor': '{ fundsLanded(groupBy: [INVESTOR]) { groups { investor { creditCode } total projectCount } } }',
  'projectTiers: platforms, 2023 Q1 (F8/F9)':
    '{ projectTiers(filter: { signed: { year: 2023, quarter: 1 } }, groupBy: [PLATFORM]) { groups { area { code } tiers { tier projectCount signedAmount } } } }',
  'projectTiers: mountain, landed 2022, by quarter':
    '{ projectTiers(filter: { mountain: true, landed: { year: 2022 } }, groupBy: [QUARTER]) { projectCount groups { quarter { quarter } tiers { projectCount } } } }',
  'collectiveIncome: 2022 by town (F3/F7)':
    '{ collectiveIncome(year: 2022, groupBy: [TOWN]) { total growthRate groups { area { code } total change growthRate } } }',
  'fundsLanded: 2022 by town (issue 10 c)':
    '{ fundsLanded(filter: { period: { year: 2022 } }, groupBy: [TOWN]) { total projectCount groups { area { code } total projectCount } } }',
  'funds: by pairing, 2022 Q3':
    '{ funds(filter: { period: { year: 2022, quarter: 3 } }, groupBy: [PAIRING]) { committed landed groups { pairing { code } committed landed landedShare projectCount } } }',
  'projectTiers: one platform, 2022 Q2 (issue 10 d)':
    '{ projectTiers(filter: { area: { within: ["330110801"] }, signed: { year: 2022, quarter: 2 } }) { projectCount tiers { tier projectCount signedAmount } } }',
  'collectiveIncome: mountain towns by town (issue 10 e)':
    '{ collectiveIncome(year: 2023, filter: { area: { mountain: true } }, groupBy: [TOWN]) { growthRate groups { area { code } growthRate } } }',
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-bench-agg-'));
await chmod(dir, 0o755);
const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg') });
let statements: string[] = [];
const db = await openDatabase({
  url: server.url,
  orm: {
    debug: ['query', 'query-params'],
    colors: false,
    logger: (line: string) => {
      const m = /^\[query\] ([\s\S]*?)(?: \[took [^\]]*\])?$/.exec(line);
      if (m) statements.push(m[1]);
    },
  },
});
try {
  const t = Date.now();
  const seeded = await runImport(server.url, { paths: ['seeds'], limits: limitsFromEnv() });
  if (seeded.status !== 'ok') throw new Error('could not load the seed data');
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  await client.query(`
    insert into project (source, created_at, updated_at, code, name, sector, host_id, pairing_id, signed_amount, signed_on)
    select 'bench', now(), now(), 'BENCH-' || g, '基准项目' || g,
      (array['数字经济', '文旅', '现代农业', '智能制造', '生命科技'])[1 + g % 5],
      hosts.ids[1 + g % array_length(hosts.ids, 1)],
      case when g % 4 = 0 then pairings.ids[1 + g % array_length(pairings.ids, 1)] end,
      (1000000 + (g::bigint * 7919) % 9000000000)::numeric,
      date '2019-01-01' + (g % 1800)
    from generate_series(1, ${PROJECTS}) g,
      (select array_agg(id order by id) ids from area where kind <> 'DISTRICT') hosts,
      (select array_agg(id order by id) ids from pairing) pairings`);
  await client.query(`insert into project_investor (project_id, enterprise_id)
    select p.id, e.ids[1 + p.id % array_length(e.ids, 1)] from project p, (select array_agg(id order by id) ids from enterprise) e where p.source = 'bench'`);
  await client.query(`insert into project_stage (project_id, stage, reached_on)
    select id, 'SIGNED', signed_on from project where source = 'bench'
    union all select id, 'LANDED', signed_on + 30 from project where source = 'bench' and id % 5 <> 0`);
  await client.query(`insert into fund_flow (source, created_at, updated_at, project_id, reference, kind, amount, occurred_on)
    select 'bench', now(), now(), p.id, 'F-' || k, case when k = 0 then 'COMMITMENT' else 'LANDED' end,
      case when k = 0 then p.signed_amount else round(p.signed_amount / 8, 2) + k end, p.signed_on + k * 45
    from project p, generate_series(0, 4) k where p.source = 'bench'`);
  await client.query('vacuum analyze');
  const [{ n }] = (await client.query('select count(*)::int as n from fund_flow')).rows;
  await client.end();
  console.log(`registry: ${PROJECTS + 196} projects, ${n} fund flows (generated in ${((Date.now() - t) / 1000).toFixed(1)} s)`);

  const app = await startApp({ orm: db.orm, schema: await buildRegistrySchema() }, 0, '127.0.0.1');
  const raw = new pg.Client({ connectionString: server.url });
  raw.on('error', () => {}); // the server stopping at the end; a failing query still throws
  await raw.connect();
  console.log(`\n${'aggregate'.padEnd(55)}${'GraphQL ms'.padStart(12)}${'pg ms'.padStart(10)}${'ratio'.padStart(8)}  statements`);
  for (const [label, query] of Object.entries(QUERIES)) {
    const graphql: number[] = [];
    let captured: string[] = [];
    for (let i = 0; i <= RUNS; i++) {
      statements = [];
      const started = performance.now();
      const res = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
      const body = (await res.json()) as { errors?: unknown };
      if (body.errors) throw new Error(`${label}: ${JSON.stringify(body.errors)}`);
      if (i > 0) graphql.push(performance.now() - started);
      captured = statements;
    }
    // The statements as the API sent them: text, then (for aggregates) their parameters after PARAMS_MARK.
    const sent = captured.map((s) => {
      const at = s.lastIndexOf(PARAMS_MARK);
      const text = at < 0 ? s : s.slice(0, at);
      return {
        name: `b${createHash('sha1').update(text).digest('hex').slice(0, 24)}`,
        text,
        values: at < 0 ? [] : (JSON.parse(s.slice(at + PARAMS_MARK.length)) as unknown[]),
      };
    });
    const rawMs: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const started = performance.now();
      for (const q of sent) await raw.query(q.values.length ? q : q.text);
      if (i > 0) rawMs.push(performance.now() - started);
    }
    const r = median(rawMs);
    const g = median(graphql);
    console.log(`${label.padEnd(55)}${g.toFixed(1).padStart(12)}${r.toFixed(1).padStart(10)}${(g / r).toFixed(2).padStart(8)}  ${captured.length}`);
  }
  console.log(
    `\nGraphQL: HTTP round trip from this process. pg: the same statements with the same parameters (prepared), sent by node-postgres from this process. Aim: ratio ≤ 1.5.`,
  );
  await raw.end();
  await app.stop();
} finally {
  await db.close();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
