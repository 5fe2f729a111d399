import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCreditCode } from '../src/enterprise/credit-code.js';
import { limitsFromEnv } from '../src/import/limits.js';
import { type ImportOutcome, runImport } from '../src/import/run.js';
import { startTestApi, type TestApi } from './support/api.js';
import { snapshotDatabase } from './support/snapshot.js';

// Rows of projects, stages and fund flows go to the database in batches of 5,000 (src/import/write/staging.ts):
// these files are several batches long.
const PROJECTS = 6_000;
const E = (n: number) => makeCreditCode(`91330110MA${String(n).padStart(7, '0')}`);
let api: TestApi;
let tmp: string;

beforeAll(async () => {
  api = await startTestApi();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'registry-batches-'));
  await chmod(tmp, 0o755);
  // The areas and enterprises the projects refer to, already in the registry.
  const base = path.join(tmp, 'base');
  await writeCsvFiles(base, {
    areas: [
      ['行政区划代码', '名称', '类型', '上级代码', '来源'],
      ['330110', '余杭区', '区', '', 't'],
      ['330110109', '径山镇', '镇', '330110', 't'],
      ['330110109201', '径山村', '村', '330110109', 't'],
    ],
    enterprises: [
      ['统一社会信用代码', '名称', '所有制', '来源'],
      [E(1), '甲公司', '民营', 't'],
      [E(2), '乙公司', '国有', 't'],
    ],
  });
  const outcome = await importFiles([base]);
  expect(outcome.status, JSON.stringify(outcome.problems.problems.slice(0, 3))).toBe('ok');
});
afterAll(async () => {
  await api?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

function importFiles(paths: string[]): Promise<ImportOutcome> {
  return runImport(api.databaseUrl, { paths, limits: limitsFromEnv() });
}

async function writeCsvFiles(dir: string, sheets: Record<string, string[][]>): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const [name, rows] of Object.entries(sheets)) await writeFile(path.join(dir, `${name}.csv`), rows.map((r) => r.join(',')).join('\n') + '\n');
  return dir;
}

const counts = (outcome: ImportOutcome) => Object.fromEntries(outcome.summaries.map((s) => [s.sheet, [s.created, s.updated, s.unchanged, s.rejected]]));

const projectRow = (i: number, name = `项目${i}`, investor = E(1)) => [`BT-${i}`, name, '文旅', '330110109201', String(1000 + i), '2023-01-15', investor, 't'];
const PROJECT_HEADER = ['项目编号', '项目名称', '行业', '所在区域代码', '签约金额', '签约日期', '投资企业信用代码', '来源'];
const FLOW_HEADER = ['项目编号', '凭证号', '资金类型', '金额', '日期', '来源'];

describe('imports larger than one batch', () => {
  it('refuses a workbook whose problems are in its last batch, locating each, and writes nothing', async () => {
    const file = path.join(tmp, 'last-batch.xlsx');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true });
    const projects = wb.addWorksheet('projects');
    projects.addRow(PROJECT_HEADER).commit();
    for (let i = 0; i < PROJECTS; i++) projects.addRow(projectRow(i)).commit();
    // Row PROJECTS + 2: a second BT-0, far from the first (row 2), in another batch.
    projects.addRow(projectRow(0, '重复')).commit();
    projects.commit();
    const flows = wb.addWorksheet('fund_flows');
    flows.addRow(FLOW_HEADER).commit();
    for (let i = 0; i < 2 * PROJECTS; i++)
      flows.addRow([`BT-${i >> 1}`, `V-${i % 2}`, i % 2 ? '落地' : '承诺', '100万', i % 2 ? '2023-06-01' : '2023-01-15', 't']).commit();
    // The last two rows (2 * PROJECTS + 2 and + 3): an unknown project, and an amount of 0.
    flows.addRow(['bt-nope', 'V-9', '承诺', '5', '2023-02-01', 't']).commit();
    flows.addRow(['BT-1', 'V-9', '承诺', '0', '2023-02-02', 't']).commit();
    flows.commit();
    await wb.commit();

    const before = await snapshotDatabase(api.databaseUrl);
    const outcome = await importFiles([file]);
    expect(outcome.status).toBe('rejected');
    const errors = outcome.problems.problems.filter((p) => p.severity === 'error');
    expect(errors).toHaveLength(3);
    expect(errors).toEqual(
      expect.arrayContaining([
        {
          severity: 'error',
          file: 'last-batch.xlsx',
          sheet: 'projects',
          row: PROJECTS + 2,
          column: '项目编号',
          value: 'BT-0',
          rule: 'duplicate key: already in projects row 2',
        },
        {
          severity: 'error',
          file: 'last-batch.xlsx',
          sheet: 'fund_flows',
          row: 2 * PROJECTS + 2,
          column: '项目编号',
          value: 'bt-nope',
          rule: 'no project has code BT-NOPE (not in the projects sheet or the registry)',
        },
        { severity: 'error', file: 'last-batch.xlsx', sheet: 'fund_flows', row: 2 * PROJECTS + 3, column: '金额', value: '0', rule: 'must be more than 0' },
      ]),
    );
    expect(outcome.problems.errors).toBe(3);
    // Every row was read and checked; the broken ones are counted as rejected.
    expect(outcome.rows).toBe(PROJECTS + 1 + 2 * PROJECTS + 2);
    expect(counts(outcome)).toEqual({ projects: [0, 0, 0, 1], fund_flows: [0, 0, 0, 2] });
    expect(await snapshotDatabase(api.databaseUrl)).toEqual(before);
  });

  it('counts created, updated and unchanged rows right across batches, investors and stages included', async () => {
    const dir = path.join(tmp, 'counts');
    const flowRows = (n: number, amount: (i: number) => string) =>
      Array.from({ length: 2 * n }, (_, i) => [`BT-${i >> 1}`, `V-${i % 2}`, i % 2 ? '落地' : '承诺', amount(i), i % 2 ? '2023-06-01' : '2023-01-15', 't']);
    const stageRows = (n: number) => Array.from({ length: n }, (_, i) => [`BT-${i}`, '落地', '2023-05-01']);
    await writeCsvFiles(dir, {
      projects: [PROJECT_HEADER, ...Array.from({ length: PROJECTS }, (_, i) => projectRow(i))],
      project_stages: [['项目编号', '阶段', '日期'], ...stageRows(PROJECTS)],
      fund_flows: [FLOW_HEADER, ...flowRows(PROJECTS, () => '100')],
    });
    const first = await importFiles([dir]);
    expect(first.status).toBe('ok');
    expect(counts(first)).toEqual({ projects: [PROJECTS, 0, 0, 0], project_stages: [PROJECTS, 0, 0, 0], fund_flows: [2 * PROJECTS, 0, 0, 0] });

    // Again, with: 40 more projects; 30 renamed (one in each batch region); 20 with another investor only;
    // the flows of 7 projects with new amounts; the stages of 5 projects on another date.
    const renamed = new Set(Array.from({ length: 30 }, (_, k) => k * 199));
    const reinvested = new Set(Array.from({ length: 20 }, (_, k) => 5_000 + k));
    const reamounted = new Set([0, 1, 2, 4_999, 5_000, 5_001, PROJECTS - 1]);
    const redated = new Set([3, 2_500, 4_998, 5_002, PROJECTS - 2]);
    await writeCsvFiles(dir, {
      projects: [
        PROJECT_HEADER,
        ...Array.from({ length: PROJECTS + 40 }, (_, i) => projectRow(i, renamed.has(i) ? `新名${i}` : `项目${i}`, reinvested.has(i) ? E(2) : E(1))),
      ],
      project_stages: [['项目编号', '阶段', '日期'], ...stageRows(PROJECTS).map((r, i) => (redated.has(i) ? [r[0]!, r[1]!, '2023-05-02'] : r))],
      fund_flows: [FLOW_HEADER, ...flowRows(PROJECTS, (i) => (reamounted.has(i >> 1) && i % 2 === 0 ? '200' : '100'))],
    });
    const second = await importFiles([dir]);
    expect(second.status, JSON.stringify(second.problems.problems.slice(0, 3))).toBe('ok');
    expect(counts(second)).toEqual({
      projects: [40, 30 + 20, PROJECTS - 50, 0],
      project_stages: [0, redated.size, PROJECTS - redated.size, 0],
      fund_flows: [0, reamounted.size, 2 * PROJECTS - reamounted.size, 0],
    });

    // What the registry holds now, counted independently.
    const client = new pg.Client({ connectionString: api.databaseUrl });
    await client.connect();
    try {
      const q = async (text: string) => (await client.query(text)).rows[0];
      expect(await q(`select count(*)::int as n from project where code like 'BT-%'`)).toEqual({ n: PROJECTS + 40 });
      expect(await q(`select count(*)::int as n from project where name like '新名%'`)).toEqual({ n: 30 });
      expect(
        await q(`select count(*)::int as n from project_investor pi join enterprise e on e.id = pi.enterprise_id where e.credit_code = '${E(2)}'`),
      ).toEqual({ n: 20 });
      expect(
        await q(`select count(*)::int as n from project_stage where stage = 'SIGNED' and project_id in (select id from project where code like 'BT-%')`),
      ).toEqual({ n: PROJECTS + 40 });
      expect(await q(`select sum(amount) = ${2 * PROJECTS * 100 + reamounted.size * 100} as ok from fund_flow`)).toEqual({ ok: true });
    } finally {
      await client.end();
    }

    // A third time, unchanged: nothing is written, not even updated_at.
    const before = await snapshotDatabase(api.databaseUrl);
    const third = await importFiles([dir]);
    expect(counts(third)).toEqual({ projects: [0, 0, PROJECTS + 40, 0], project_stages: [0, 0, PROJECTS, 0], fund_flows: [0, 0, 2 * PROJECTS, 0] });
    const after = await snapshotDatabase(api.databaseUrl);
    expect({ ...after, audit_log: undefined }).toEqual({ ...before, audit_log: undefined });
  });

  it("checks staged rows by their kind's own rules, worded as the API words them: row rules as read, host kind and stage order over staging", async () => {
    const dir = path.join(tmp, 'rules');
    const long = '行'.repeat(101);
    await writeCsvFiles(dir, {
      projects: [
        PROJECT_HEADER,
        ['RU-1', '项目', '文旅', '330110109201', '100', '2023-01-15', E(1), 't'],
        ['RU-2', '项目', long, '330110109201', '100', '2023-01-15', E(1), 't'],
        ['RU-3', '项目', '文旅', '330110', '100', '2023-01-15', E(1), 't'],
      ],
      project_stages: [
        ['项目编号', '阶段', '日期'],
        ['RU-1', '落地', '2023-03-01'],
        ['RU-1', '开工', '2023-02-01'],
      ],
    });
    const outcome = await runImport(api.databaseUrl, { paths: [dir], limits: limitsFromEnv(), dryRun: true });
    expect(outcome.status).toBe('rejected');
    const errors = outcome.problems.problems.filter((p) => p.severity === 'error').map((p) => `${p.sheet}!${p.row}!${p.column}!${p.rule}`);
    expect(errors).toEqual([
      'projects!3!行业!must be at most 100 characters',
      'projects!4!所在区域代码!must be a PLATFORM, TOWN, VILLAGE or COMMUNITY, not a DISTRICT',
      'project_stages!3!日期!project RU-1: STARTED (2023-02-01) cannot be before LANDED (2023-03-01)',
    ]);
  });

  it('streams the large kinds past IMPORT_MAX_HELD_ROWS but refuses more rows of a kind held in memory, naming the limit', async () => {
    const dir = path.join(tmp, 'held');
    const limits = { ...limitsFromEnv(), maxHeldRows: 1_000 };
    // 3,000 projects (staged, not held) pass under a held-row limit of 1,000 …
    await writeCsvFiles(dir, { projects: [PROJECT_HEADER, ...Array.from({ length: 3_000 }, (_, i) => projectRow(100_000 + i))] });
    const staged = await runImport(api.databaseUrl, { paths: [dir], limits, dryRun: true });
    expect(staged.status, JSON.stringify(staged.problems.problems.slice(0, 3))).toBe('ok');
    expect(counts(staged)).toEqual({ projects: [3_000, 0, 0, 0] });
    // … 3,000 enterprises (held in memory) do not.
    await writeCsvFiles(dir, {
      enterprises: [['统一社会信用代码', '名称', '所有制', '来源'], ...Array.from({ length: 3_000 }, (_, i) => [E(1_000 + i), `企业${i}`, '民营', 't'])],
    });
    const held = await runImport(api.databaseUrl, { paths: [dir], limits, dryRun: true });
    expect(held.status).toBe('rejected');
    expect(held.problems.problems).toEqual([
      expect.objectContaining({
        file: 'enterprises.csv',
        rule: expect.stringMatching(
          /^more than 1000 rows of areas, enterprises, .* \(IMPORT_MAX_HELD_ROWS; projects, stages and fund flows are not counted\)$/,
        ),
      }),
    ]);
  });
});
