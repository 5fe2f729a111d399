/**
 * `npm run bench:import [-- --projects 100000]`: generates a workbook of N projects with their
 * fund flows, imports it into a fresh database, and compares the time with PostgreSQL's own
 * COPY of the same rows into another fresh database. Prints rows/s and the ratio.
 */
import 'reflect-metadata';
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { openDatabase } from '../src/db/database.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { makeCreditCode } from '../src/enterprise/credit-code.js';
import { limitsFromEnv } from '../src/import/limits.js';
import { runImport } from '../src/import/run.js';

const N = Number(process.argv[process.argv.indexOf('--projects') + 1] || 100_000) || 100_000;
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

try {
  // 1. The workbook, streamed to disk.
  let t = Date.now();
  const file = path.join(dir, 'bench.xlsx');
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: false });
  const areas = wb.addWorksheet('areas');
  areas.addRow(['行政区划代码', '名称', '类型', '上级代码', '山区镇', '来源']).commit();
  areas.addRow(['330110', '余杭区', '区', '', '', 'bench']).commit();
  areas.addRow(['330110109', '径山镇', '镇', '330110', '是', 'bench']).commit();
  for (let v = 0; v < VILLAGES; v++) areas.addRow([village(v), `村${v}`, '村', '330110109', '', 'bench']).commit();
  areas.commit();
  const ents = wb.addWorksheet('enterprises');
  ents.addRow(['统一社会信用代码', '名称', '所有制', '来源']).commit();
  for (let e = 0; e < ENTERPRISES; e++) ents.addRow([credit(e), `企业${e}`, '民营', 'bench']).commit();
  ents.commit();
  const projects = wb.addWorksheet('projects');
  projects.addRow(['项目编号', '项目名称', '行业', '所在区域代码', '签约金额', '签约日期', '投资企业信用代码', '来源']).commit();
  for (let i = 0; i < N; i++) projects.addRow([`B-${i}`, `项目${i}`, '数字经济', village(i % VILLAGES), Number(amount(i)), date(i), credit(i % ENTERPRISES), 'bench']).commit();
  projects.commit();
  const flows = wb.addWorksheet('fund_flows');
  flows.addRow(['项目编号', '凭证号', '资金类型', '金额', '日期', '来源']).commit();
  for (let i = 0; i < N; i++) {
    flows.addRow([`B-${i}`, 'V-1', '承诺', Number(amount(i)), date(i), 'bench']).commit();
    flows.addRow([`B-${i}`, 'V-2', '落地', Number(amount(i)) / 2, '2024-06-30', 'bench']).commit();
  }
  flows.commit();
  await wb.commit();
  const rows = 2 + VILLAGES + ENTERPRISES + N * 3;
  console.log(`workbook: ${rows} rows (${N} projects, ${2 * N} fund flows), ${((await stat(file)).size / 1048576).toFixed(1)} MiB, written in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  // 2. The import, end to end (read, check, write, commit).
  const importUrl = await freshDatabase('bench_import');
  t = Date.now();
  // Note: this process has no heap cap, so the row limit is raised to take the whole workbook.
  const outcome = await runImport(importUrl, { paths: [file], limits: { ...limitsFromEnv(), maxRows: rows }, log: (m) => console.log(`  ${m}`) });
  const importSeconds = (Date.now() - t) / 1000;
  if (outcome.status !== 'ok') throw new Error(`import ${outcome.status}: ${outcome.message ?? JSON.stringify(outcome.problems.problems.slice(0, 3))}`);

  // 3. COPY of the same rows (areas, enterprises, projects, investors, stages, fund flows).
  const copyUrl = await freshDatabase('bench_copy');
  const csv = async (name: string, lines: Iterable<string>) => {
    const p = path.join(dir, `${name}.csv`);
    await writeFile(p, [...lines].join('\n') + '\n');
    await chmod(p, 0o644);
    return p;
  };
  const now = '2026-01-01 00:00:00+00';
  function* range<T>(n: number, f: (i: number) => T) {
    for (let i = 0; i < n; i++) yield f(i);
  }
  const files = {
    area: await csv('area', [`1,bench,${now},${now},330110,余杭区,DISTRICT,,false,NONE`, `2,bench,${now},${now},330110109,径山镇,TOWN,1,true,NONE`, ...range(VILLAGES, (v) => `${3 + v},bench,${now},${now},${village(v)},村${v},VILLAGE,2,false,NONE`)]),
    enterprise: await csv('enterprise', range(ENTERPRISES, (e) => `${e + 1},bench,${now},${now},${credit(e)},企业${e},PRIVATE,{}`)),
    project: await csv('project', range(N, (i) => `${i + 1},bench,${now},${now},B-${i},项目${i},数字经济,${3 + (i % VILLAGES)},,${amount(i)},${date(i)}`)),
    project_investor: await csv('project_investor', range(N, (i) => `${i + 1},${i + 1},${(i % ENTERPRISES) + 1}`)),
    project_stage: await csv('project_stage', range(N, (i) => `${i + 1},${i + 1},SIGNED,${date(i)}`)),
    fund_flow: await csv('fund_flow', range(2 * N, (k) => { const i = k >> 1; return k % 2 === 0 ? `${k + 1},bench,${now},${now},${i + 1},V-1,COMMITMENT,${amount(i)},${date(i)}` : `${k + 1},bench,${now},${now},${i + 1},V-2,LANDED,${Number(amount(i)) / 2},2024-06-30`; })),
  };
  // Note: COPY into the migrated schema fires the same statement triggers as the import (audit log,
  // rollups); the second COPY, with triggers off (session_replication_role = replica), is the bare floor.
  const copyInto = async (url: string, bare: boolean) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const started = Date.now();
    await client.query('begin');
    if (bare) await client.query(`set local session_replication_role = replica`);
    await client.query(`copy area (id, source, created_at, updated_at, code, name, kind, parent_id, mountain, scenic_grade) from '${files.area}' with (format csv)`);
    await client.query(`copy enterprise (id, source, created_at, updated_at, credit_code, name, ownership, tags) from '${files.enterprise}' with (format csv)`);
    await client.query(`copy project (id, source, created_at, updated_at, code, name, sector, host_id, pairing_id, signed_amount, signed_on) from '${files.project}' with (format csv)`);
    await client.query(`copy project_investor (id, project_id, enterprise_id) from '${files.project_investor}' with (format csv)`);
    await client.query(`copy project_stage (id, project_id, stage, reached_on) from '${files.project_stage}' with (format csv)`);
    await client.query(`copy fund_flow (id, source, created_at, updated_at, project_id, reference, kind, amount, occurred_on) from '${files.fund_flow}' with (format csv)`);
    await client.query('commit');
    await client.end();
    return (Date.now() - started) / 1000;
  };
  const copySeconds = await copyInto(copyUrl, false);
  const bareSeconds = await copyInto(await freshDatabase('bench_copy_bare'), true);

  const copied = 2 + VILLAGES + ENTERPRISES + N * 5;
  console.log(`import:  ${importSeconds.toFixed(2)} s  ${Math.round(rows / importSeconds)} rows/s (workbook rows; it also writes ${N} investor links and ${N} SIGNED stages)`);
  console.log(`COPY:    ${copySeconds.toFixed(2)} s  ${Math.round(copied / copySeconds)} rows/s (${copied} table rows)`);
  console.log(`COPY, triggers off: ${bareSeconds.toFixed(2)} s  ${Math.round(copied / bareSeconds)} rows/s (no audit log, no rollups, no foreign-key checks)`);
  console.log(`ratio:   import takes ${(importSeconds / copySeconds).toFixed(2)}× COPY's time (aim: ≤ 5×), ${(importSeconds / bareSeconds).toFixed(2)}× the bare COPY's`);
  console.log(`peak RSS of this process: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
} finally {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
