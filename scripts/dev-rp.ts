// Scratch harness (not committed): measures (a) and (b) on 20k projects / 200k flows.
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import pg from 'pg';
import autocannon from 'autocannon';
import { openDatabase } from '../src/db/database.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { limitsFromEnv } from '../src/import/limits.js';
import { runImport } from '../src/import/run.js';
import { buildRegistrySchema } from '../src/schema/build.js';
import { startApp } from '../src/server/app.js';

const dataDir = '/work/rp/pg';
const fresh = !existsSync(dataDir);
const server = await startEmbeddedPostgres({ dataDir });
let statements: string[] = [];
const db = await openDatabase({ url: server.url, orm: { debug: ['query'], colors: false, logger: (l: string) => { if (l.startsWith('[query]')) statements.push(l); } } });
if (fresh) {
  const seeded = await runImport(server.url, { paths: ['seeds'], limits: limitsFromEnv() });
  if (seeded.status !== 'ok') throw new Error('seed');
  const c = new pg.Client({ connectionString: server.url }); await c.connect();
  const P = 20000;
  await c.query(`insert into project (source, created_at, updated_at, code, name, sector, host_id, pairing_id, signed_amount, signed_on)
    select 'bench', now(), now(), 'BENCH-' || g, '基准项目' || g, (array['数字经济','文旅','现代农业','智能制造','生命科技'])[1 + g % 5],
      hosts.ids[1 + g % array_length(hosts.ids, 1)], case when g % 4 = 0 then pairings.ids[1 + g % array_length(pairings.ids, 1)] end,
      (1000000 + (g::bigint * 7919) % 9000000000)::numeric, date '2019-01-01' + (g % 1800)
    from generate_series(1, ${P}) g, (select array_agg(id order by id) ids from area where kind <> 'DISTRICT') hosts, (select array_agg(id order by id) ids from pairing) pairings`);
  await c.query(`insert into project_investor (project_id, enterprise_id) select p.id, e.ids[1 + p.id % array_length(e.ids, 1)] from project p, (select array_agg(id order by id) ids from enterprise) e where p.source = 'bench'`);
  await c.query(`insert into project_stage (project_id, stage, reached_on) select id, 'SIGNED', signed_on from project where source = 'bench' union all select id, 'LANDED', signed_on + 30 from project where source = 'bench' and id % 5 <> 0`);
  await c.query(`insert into fund_flow (source, created_at, updated_at, project_id, kind, amount, occurred_on) select 'bench', now(), now(), p.id, case when k = 0 then 'COMMITMENT' else 'LANDED' end, case when k = 0 then p.signed_amount else round(p.signed_amount / 12, 2) + k end, p.signed_on + k * 20 from project p, generate_series(0, 9) k where p.source = 'bench'`);
  await c.query('vacuum analyze'); await c.end();
}
import { spawn, execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
execSync('node scripts/ensure-build.mjs', { stdio: 'inherit' });
const PORT = 4711;
const child = spawn(process.execPath, ['--max-old-space-size=384', '--max-semi-space-size=16', ...(process.env.PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []), 'dist/src/main.js'], { env: { ...process.env, DATABASE_URL: server.url, PORT: String(PORT), RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'silent', NODE_ENV: 'production' }, stdio: ['ignore', 'ignore', 'inherit'] });
const app = { url: `http://127.0.0.1:${PORT}/graphql`, stop: async () => { child.kill('SIGTERM'); await new Promise((r) => child.on('exit', r)); } };
for (let i = 0; i < 200; i++) { try { const r = await fetch(app.url.replace('/graphql', '/readyz')); if (r.ok) break; } catch {} await new Promise((r) => setTimeout(r, 100)); }
const cpuOf = (pid: number) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; };

const Q: Record<string, string> = {
  a: '{ projects(first: 20, orderBy: [{field: SIGNED_AMOUNT, direction: DESC}]) { nodes { code name signedAmount signedOn host { code name } investors { creditCode name } } } }',
  b: '{ areas(filter: {kinds: [TOWN]}, first: 20) { nodes { code name children(first: 20) { nodes { code name workshops(first: 20) { nodes { name jobsCreated } } } } } } projects(first: 20) { nodes { code fundFlows(first: 20) { nodes { kind amount occurredOn } } } } }',
};
const only = process.argv[2];
for (const [k, q] of Object.entries(Q)) {
  if (only && !only.includes(k)) continue;
  statements = [];
  const r = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: q }) });
  const body = await r.json() as any;
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  const n = statements.length;
  if (process.env.SHOW) console.log(statements.join('\n'));
  db.orm.config.set('debug', false);
  const cpu0 = cpuOf(child.pid!);
  const res = await autocannon({ url: app.url, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: q }), connections: 16, duration: Number(process.env.SECS ?? 6) });
  const cpu = cpuOf(child.pid!) - cpu0;
  db.orm.config.set('debug', ['query']);
  console.log(`(${k}) ${res.requests.average} req/s p50 ${res.latency.p50} p99 ${res.latency.p99} statements ${n} non2xx ${res.non2xx} errors ${res.errors} API CPU ms/req ${(cpu / res.requests.total).toFixed(2)}`);
}
await app.stop(); await db.close(); await server.stop();
