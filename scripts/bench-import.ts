/**
 * `npm run bench:import [-- --rows 1000000] [--format csv|xlsx]`: generates the files of a
 * province-sized import (a sixth of the rows projects, as many LANDED stages, the rest fund flows,
 * four per project; plus 52 areas and 1,000 enterprises), imports them with `npm run import` (its
 * own process, with the npm script's heap cap) into a fresh database, and compares the time with
 * PostgreSQL's own COPY of the same table rows into fresh databases (with the same triggers, and
 * bare). Prints the import's phases, its peak RSS, rows/s and the ratios.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { openDatabase } from '../src/db/database.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { makeCreditCode } from '../src/enterprise/credit-code.js';

const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const ROWS = Number(arg('--rows') ?? 1_000_000) || 1_000_000;
const FORMAT = arg('--format') === 'xlsx' ? 'xlsx' : 'csv';
const P = Math.ceil(ROWS / 6);
const FLOWS = 4 * P;
const ENTERPRISES = 1000;
const VILLAGES = 50;

const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-bench-'));
await chmod(dir, 0o755);
const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg') });

async function freshDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = server.url.replace(/\/registry$/, `/${name}`);
  const db = await openDatabase({ url });
  await db.close();
  return url;
}

const credit = (i: number) => makeCreditCode(`91330110MA${String(i).padStart(7, '0')}`);
const village = (i: number) => `330110109${String(201 + i).padStart(3, '0')}`;
const date = (i: number) => `20${20 + (i % 4)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
const amount = (i: number) => String(1_000_000 + ((i * 7919) % 9_000_000_000));
/** Flow k: project k >> 2; two commitments and two landings per project, each on its own date. */
const FLOW_KIND = ['COMMITMENT', 'COMMITMENT', 'LANDED', 'LANDED'];
const FLOW_ZH = ['承诺', '承诺', '落地', '落地'];
const flowDate = (k: number) => ['2020-01-15', '2021-01-15', '2024-06-30', '2025-06-30'][k % 4]!;
const flowAmount = (k: number) => String(100_000 + ((k * 104_729) % 90_000_000));
const LANDED_ON = '2024-01-31';

/** The rows of each sheet, header first, generated lazily. */
function* sheetRows(name: string): Generator<(string | number)[]> {
  if (name === 'areas') {
    yield ['行政区划代码', '名称', '类型', '上级代码', '山区镇', '来源'];
    yield ['330110', '余杭区', '区', '', '', 'bench'];
    yield ['330110109', '径山镇', '镇', '330110', '是', 'bench'];
    for (let v = 0; v < VILLAGES; v++) yield [village(v), `村${v}`, '村', '330110109', '', 'bench'];
  } else if (name === 'enterprises') {
    yield ['统一社会信用代码', '名称', '所有制', '来源'];
    for (let e = 0; e < ENTERPRISES; e++) yield [credit(e), `企业${e}`, '民营', 'bench'];
  } else if (name === 'projects') {
    yield ['项目编号', '项目名称', '行业', '所在区域代码', '签约金额', '签约日期', '投资企业信用代码', '来源'];
    for (let i = 0; i < P; i++) yield [`B-${i}`, `项目${i}`, '数字经济', village(i % VILLAGES), amount(i), date(i), credit(i % ENTERPRISES), 'bench'];
  } else if (name === 'project_stages') {
    yield ['项目编号', '阶段', '日期'];
    for (let i = 0; i < P; i++) yield [`B-${i}`, '落地', LANDED_ON];
  } else {
    yield ['项目编号', '凭证号', '资金类型', '金额', '日期', '来源'];
    for (let k = 0; k < FLOWS; k++) yield [`B-${k >> 2}`, `V-${k % 4}`, FLOW_ZH[k % 4]!, flowAmount(k), flowDate(k), 'bench'];
  }
}
const SHEET_NAMES = ['areas', 'enterprises', 'projects', 'project_stages', 'fund_flows'];

/** Writes `lines` to a file, streaming, with back-pressure. */
async function writeLines(file: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(file);
  let batch: string[] = [];
  for (const line of lines) {
    batch.push(line);
    if (batch.length === 10_000) {
      if (!out.write(batch.join(''))) await once(out, 'drain');
      batch = [];
    }
  }
  out.end(batch.join(''));
  await once(out, 'finish');
  await chmod(file, 0o644);
}

function* map<T, U>(it: Iterable<T>, f: (x: T) => U): Generator<U> {
  for (const x of it) yield f(x);
}
function* range<T>(n: number, f: (i: number) => T): Generator<T> {
  for (let i = 0; i < n; i++) yield f(i);
}

/** Runs `npm run import` on `input` against `url`; returns its output, exit code and wall time. */
async function importCommand(input: string, url: string): Promise<{ code: number | null; output: string; seconds: number }> {
  const started = Date.now();
  const child = spawn('npm', ['run', '--silent', 'import', '--', input], {
    env: { ...process.env, DATABASE_URL: url, IMPORT_TIMING: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output, seconds: (Date.now() - started) / 1000 };
}

try {
  // 1. The input, streamed to disk.
  const t = Date.now();
  const inputDir = path.join(dir, 'input');
  await mkdir(inputDir, { mode: 0o755 });
  let input: string;
  if (FORMAT === 'csv') {
    for (const name of SHEET_NAMES)
      await writeLines(
        path.join(inputDir, `${name}.csv`),
        map(sheetRows(name), (r) => `${r.join(',')}\n`),
      );
    input = inputDir;
  } else {
    input = path.join(inputDir, 'bench.xlsx');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: input, useSharedStrings: true, useStyles: false });
    for (const name of SHEET_NAMES) {
      const ws = wb.addWorksheet(name);
      for (const r of sheetRows(name)) ws.addRow(r.map((c) => (typeof c === 'string' && /^\d+(\.\d+)?$/.test(c) && name !== 'areas' ? Number(c) : c))).commit();
      ws.commit();
    }
    await wb.commit();
  }
  const fileRows = 2 + VILLAGES + ENTERPRISES + 2 * P + FLOWS;
  const bytes =
    FORMAT === 'csv'
      ? (await Promise.all(SHEET_NAMES.map(async (n) => (await stat(path.join(inputDir, `${n}.csv`))).size))).reduce((a, b) => a + b, 0)
      : (await stat(input)).size;
  console.log(
    `input (${FORMAT}): ${fileRows} rows (${P} projects, ${P} stages, ${FLOWS} fund flows, ${2 + VILLAGES} areas, ${ENTERPRISES} enterprises), ${(bytes / 1048576).toFixed(1)} MiB, written in ${((Date.now() - t) / 1000).toFixed(1)} s`,
  );

  // 2. The import, end to end (its own process: start, read, check, write, commit with the rollups).
  const importUrl = await freshDatabase('bench_import');
  const run = await importCommand(input, importUrl);
  for (const line of run.output.trim().split('\n')) console.log(`  | ${line}`);
  if (run.code !== 0) throw new Error(`import exited with ${run.code}`);
  const peaks = [...run.output.matchAll(/peak RSS (\d+) MiB/g)].map((m) => Number(m[1]));
  const peak = peaks.length > 0 ? Math.max(...peaks) : NaN;

  // 3. COPY of the same table rows (areas, enterprises, projects, investors, stages, fund flows).
  const now = '2026-01-01 00:00:00+00';
  const file = async (name: string, lines: Iterable<string>) => {
    const p = path.join(dir, `${name}.copy.csv`);
    await writeLines(
      p,
      map(lines, (l) => `${l}\n`),
    );
    return p;
  };
  const files = {
    area: await file('area', [
      `1,bench,${now},${now},330110,余杭区,DISTRICT,,false,NONE`,
      `2,bench,${now},${now},330110109,径山镇,TOWN,1,true,NONE`,
      ...range(VILLAGES, (v) => `${3 + v},bench,${now},${now},${village(v)},村${v},VILLAGE,2,false,NONE`),
    ]),
    enterprise: await file(
      'enterprise',
      range(ENTERPRISES, (e) => `${e + 1},bench,${now},${now},${credit(e)},企业${e},PRIVATE,{}`),
    ),
    project: await file(
      'project',
      range(P, (i) => `${i + 1},bench,${now},${now},B-${i},项目${i},数字经济,${3 + (i % VILLAGES)},,${amount(i)},${date(i)}`),
    ),
    project_investor: await file(
      'project_investor',
      range(P, (i) => `${i + 1},${i + 1},${(i % ENTERPRISES) + 1}`),
    ),
    project_stage: await file(
      'project_stage',
      range(2 * P, (k) => (k < P ? `${k + 1},${k + 1},SIGNED,${date(k)}` : `${k + 1},${k - P + 1},LANDED,${LANDED_ON}`)),
    ),
    fund_flow: await file(
      'fund_flow',
      range(FLOWS, (k) => `${k + 1},bench,${now},${now},${(k >> 2) + 1},V-${k % 4},${FLOW_KIND[k % 4]},${flowAmount(k)},${flowDate(k)}`),
    ),
  };
  // Note: COPY into the migrated schema fires the same statement triggers as the import (audit log,
  // rollups at commit); the second COPY, with triggers off (session_replication_role = replica), is the bare floor.
  const copyInto = async (url: string, bare: boolean) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const started = Date.now();
    await client.query('begin');
    if (bare) await client.query(`set local session_replication_role = replica`);
    await client.query(
      `copy area (id, source, created_at, updated_at, code, name, kind, parent_id, mountain, scenic_grade) from '${files.area}' with (format csv)`,
    );
    await client.query(`copy enterprise (id, source, created_at, updated_at, credit_code, name, ownership, tags) from '${files.enterprise}' with (format csv)`);
    await client.query(
      `copy project (id, source, created_at, updated_at, code, name, sector, host_id, pairing_id, signed_amount, signed_on) from '${files.project}' with (format csv)`,
    );
    await client.query(`copy project_investor (id, project_id, enterprise_id) from '${files.project_investor}' with (format csv)`);
    await client.query(`copy project_stage (id, project_id, stage, reached_on) from '${files.project_stage}' with (format csv)`);
    await client.query(
      `copy fund_flow (id, source, created_at, updated_at, project_id, reference, kind, amount, occurred_on) from '${files.fund_flow}' with (format csv)`,
    );
    await client.query('commit');
    await client.end();
    return (Date.now() - started) / 1000;
  };
  const copySeconds = await copyInto(await freshDatabase('bench_copy'), false);
  const bareSeconds = await copyInto(await freshDatabase('bench_copy_bare'), true);

  // The import and COPY wrote the same rows.
  const count = async (url: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const [r] = (
      await client.query(
        `select (select count(*) from project)::int as p, (select count(*) from project_stage)::int as s, (select count(*) from fund_flow)::int as f, (select sum(amount)::text from fund_flow) as money, (select count(*) from project_investor)::int as i`,
      )
    ).rows;
    await client.end();
    return JSON.stringify(r);
  };
  const imported = await count(importUrl);
  console.log(`rows in the import's database: ${imported}`);
  let money = 0n;
  for (let k = 0; k < FLOWS; k++) money += BigInt(flowAmount(k));
  const expected = { p: P, s: 2 * P, f: FLOWS, money: `${money}.00`, i: P };
  if (imported !== JSON.stringify(expected)) throw new Error(`the import's database holds ${imported}, expected ${JSON.stringify(expected)}`);

  const copied = 2 + VILLAGES + ENTERPRISES + P * 4 + FLOWS;
  const internal = [...run.output.matchAll(/: (\d+) ms \(peak RSS/g)].reduce((s, m) => s + Number(m[1]), 0) / 1000;
  console.log(
    `import:  ${run.seconds.toFixed(2)} s wall (${internal.toFixed(2)} s in its phases), ${Math.round(fileRows / run.seconds)} rows/s; peak RSS ${peak} MiB (limit 512)`,
  );
  console.log(`COPY:    ${copySeconds.toFixed(2)} s  ${Math.round(copied / copySeconds)} rows/s (${copied} table rows, triggers and rollups on)`);
  console.log(`COPY, triggers off: ${bareSeconds.toFixed(2)} s  ${Math.round(copied / bareSeconds)} rows/s (no audit log, no rollups, no foreign-key checks)`);
  console.log(
    `ratio:   import takes ${(run.seconds / copySeconds).toFixed(2)}× COPY's time (aim: ≤ 5×), ${(run.seconds / bareSeconds).toFixed(2)}× the bare COPY's`,
  );
} finally {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
