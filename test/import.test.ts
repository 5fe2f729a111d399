import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCreditCode } from '../src/enterprise/credit-code.js';
import { limitsFromEnv } from '../src/import/limits.js';
import { type ImportOutcome, runImport } from '../src/import/run.js';
import { templateWorkbook } from '../src/import/template.js';
import { startTestApi, type TestApi } from './support/api.js';
import { snapshotDatabase } from './support/snapshot.js';

const FIX = 'test/fixtures/import';
const E1 = makeCreditCode('91330110MA0000001');
const E2 = makeCreditCode('91330110MA0000002');
let api: TestApi;
let tmp: string;

beforeAll(async () => {
  api = await startTestApi();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'registry-import-'));
  await chmod(tmp, 0o755);
});
afterAll(async () => {
  await api?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

function importFiles(paths: string[], extra: { dryRun?: boolean; noWait?: boolean } = {}): Promise<ImportOutcome> {
  return runImport(api.databaseUrl, { paths, limits: limitsFromEnv(), ...extra });
}

function counts(outcome: ImportOutcome) {
  return Object.fromEntries(outcome.summaries.map((s) => [s.sheet, [s.created, s.updated, s.unchanged, s.rejected]]));
}

describe('importing spreadsheets', () => {
  it('refuses a workbook with many problems, listing every one with sheet, row, column, value and rule, and writes nothing', async () => {
    const before = await snapshotDatabase(api.databaseUrl);
    const outcome = await importFiles([`${FIX}/bad.xlsx`]);
    expect(outcome.status).toBe('rejected');
    const problems = outcome.problems.problems.filter((p) => p.severity === 'error').map((p) => `${p.sheet}!${p.row}!${p.column}!${p.value}!${p.rule}`);
    const expected = [
      /^areas!3!行政区划代码!ABC!must be a division code of 6 to 12 digits$/,
      /^areas!4!类型!省!must be one of 区, 平台, 镇, 村, 社区$/,
      /^areas!5!上级代码!null!is required for kind VILLAGE$/,
      /^areas!5!山区镇!是!only a TOWN can be a mountain town$/,
      /^enterprises!2!统一社会信用代码!.{18}!check character should be '.', got '.'$/,
      /^projects!2!项目名称!!is required$/,
      /^projects!2!签约金额!abc!money /,
      /^projects!2!签约日期!2023-02-30!date does not exist$/,
      /^projects!3!项目编号!P-1!duplicate key: already in projects row 2$/,
      /^projects!3!所在区域代码!330110!must be a PLATFORM, TOWN, VILLAGE or COMMUNITY, not a DISTRICT$/,
      /^fund_flows!2!项目编号!P-404!no project has code P-404 \(not in the projects sheet or the registry\)$/,
      /^fund_flows!2!金额!0!must be more than 0$/,
      /^collective_incomes!2!村代码!330110!must be a VILLAGE or COMMUNITY/,
      /^collective_incomes!2!经营性收入!100!must equal 经营收入 businessIncome \+ 发包及上交收入 contractingIncome \+ 投资收益 investmentIncome = 6$/,
    ];
    for (const re of expected)
      expect(
        problems.some((p) => re.test(p)),
        `${re} in\n${problems.join('\n')}`,
      ).toBe(true);
    expect(counts(outcome).projects[3]).toBe(2);
    expect(await snapshotDatabase(api.databaseUrl)).toEqual(before);
  });

  it('imports a good workbook: forward references, units, formulas, Excel dates, full-width digits and English headers', async () => {
    const outcome = await importFiles([`${FIX}/good.xlsx`]);
    expect(outcome.problems.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(outcome.problems.problems).toContainEqual(
      expect.objectContaining({ severity: 'warning', sheet: 'enterprises', column: 'remarks', rule: 'unknown column, ignored' }),
    );
    expect(outcome.status).toBe('ok');
    expect(counts(outcome)).toEqual({
      areas: [4, 0, 0, 0],
      enterprises: [2, 0, 0, 0],
      pairings: [2, 0, 0, 0],
      projects: [3, 0, 0, 0],
      project_stages: [2, 0, 0, 0],
      fund_flows: [2, 0, 0, 0],
      collective_incomes: [2, 0, 0, 0],
      workshops: [1, 0, 0, 0],
    });
    const data = await api.data(`{
      p1: project(code: "P-1") { name signedAmount signedOn stage investors { creditCode } pairing { code } fundFlows { nodes { kind amount occurredOn } } }
      p2: project(code: "P-2") { signedAmount signedOn }
      p3: project(code: "P-3") { signedAmount signedOn pairing { code } }
      town: area(code: "330110109") { name mountain children { nodes { code scenicGrade } } }
      e2: enterprise(creditCode: "${E2}") { name ownership tags }
      incomes: collectiveIncomes(orderBy: [{ field: YEAR }]) { nodes { year operatingIncome investmentIncome subsidyIncome } }
      workshops { nodes { name type jobsCreated lowIncomeJobs incomeGainPerPerson hostEnterprise { name } } }
    }`);
    expect(data.p1).toEqual({
      name: '径山文旅项目',
      signedAmount: '710000000',
      signedOn: '2022-03-15',
      stage: 'STARTED',
      investors: expect.arrayContaining([{ creditCode: E1 }, { creditCode: E2 }]),
      pairing: { code: 'CM-330110109' },
      fundFlows: {
        nodes: [
          { kind: 'COMMITMENT', amount: '1234567.89', occurredOn: '2022-03-15' },
          { kind: 'LANDED', amount: '4500000', occurredOn: '2022-05-01' },
        ],
      },
    });
    expect(data.p2).toEqual({ signedAmount: '1250000000', signedOn: '2023-01-05' });
    expect(data.p3).toEqual({ signedAmount: '1234567.89', signedOn: '2023-03-31', pairing: { code: 'SOE-330110109' } });
    expect(data.town).toEqual({ name: '径山镇', mountain: true, children: { nodes: [{ code: '330110109201', scenicGrade: 'GRADE_3A' }] } });
    expect(data.e2).toEqual({ name: '区文旅集团', ownership: 'STATE_OWNED', tags: [] });
    expect(data.incomes.nodes).toEqual([
      { year: 2021, operatingIncome: '1000000', investmentIncome: null, subsidyIncome: null },
      { year: 2022, operatingIncome: '1150000', investmentIncome: '-50000', subsidyIncome: '300000' },
    ]);
    expect(data.workshops.nodes).toEqual([
      { name: '村团长', type: 'LIVE_COMMERCE', jobsCreated: 120, lowIncomeJobs: 30, incomeGainPerPerson: '15000', hostEnterprise: { name: '区文旅集团' } },
    ]);
  });

  it('changes nothing when the same file is imported again, not even updatedAt', async () => {
    const before = await snapshotDatabase(api.databaseUrl);
    const outcome = await importFiles([`${FIX}/good.xlsx`]);
    expect(outcome.status).toBe('ok');
    for (const [sheet, [created, updated, unchanged]] of Object.entries(counts(outcome))) {
      expect({ sheet, created, updated }).toEqual({ sheet, created: 0, updated: 0 });
      expect(unchanged).toBeGreaterThan(0);
    }
    expect(await snapshotDatabase(api.databaseUrl)).toEqual(before);
  });

  it('updates a changed row and only that row', async () => {
    const wb = templateWorkbook();
    wb.getWorksheet('projects')!.addRow(['P-2', '未来数字项目（二期）', '数字经济', '330110801', '', '12.5亿', '2023-01-05', E1, 'test']);
    wb.getWorksheet('projects')!.addRow(['P-3', '小项目', '现代农业', '330110109', 'SOE-330110109', '1234567.89', '2023-03-31', E2, 'test']);
    const file = path.join(tmp, 'change.xlsx');
    await wb.xlsx.writeFile(file);
    const outcome = await importFiles([file]);
    expect(counts(outcome).projects).toEqual([0, 2, 0, 0]);
    const data = await api.data(`{ p2: project(code: "P-2") { name signedAmount } p3: project(code: "P-3") { investors { creditCode } } }`);
    expect(data).toEqual({ p2: { name: '未来数字项目（二期）', signedAmount: '1250000000' }, p3: { investors: [{ creditCode: E2 }] } });
  });

  it('writes nothing at all when only the last row of a good workbook is bad', async () => {
    const before = await snapshotDatabase(api.databaseUrl);
    const outcome = await importFiles([`${FIX}/bad-at-end.xlsx`]);
    expect(outcome.status).toBe('rejected');
    expect(outcome.problems.problems).toEqual([
      expect.objectContaining({ sheet: 'workshops', row: 3, column: '其中低收入人数', rule: 'must not exceed jobsCreated (10)' }),
    ]);
    expect(await snapshotDatabase(api.databaseUrl)).toEqual(before);
  });

  it('checks a dry run fully but writes nothing', async () => {
    const before = await snapshotDatabase(api.databaseUrl);
    const outcome = await importFiles([`${FIX}/gb18030`], { dryRun: true });
    expect(outcome.status).toBe('ok');
    // The district's source differs from the workbook imported before, so it would be updated.
    expect(counts(outcome).areas).toEqual([2, 1, 0, 0]);
    expect(await snapshotDatabase(api.databaseUrl)).toEqual(before);
  });

  it('reads a folder of GB18030 CSV files named in Chinese, with a unit in a header', async () => {
    const outcome = await importFiles([`${FIX}/gb18030`]);
    expect(outcome.status).toBe('ok');
    const data = await api.data(
      `{ area(code: "330110112201") { name scenicGrade parent { name mountain } collectiveIncomes { nodes { year operatingIncome } } } }`,
    );
    expect(data.area).toEqual({
      name: '仙佰坑村',
      scenicGrade: 'GRADE_3A',
      parent: { name: '鸬鸟镇', mountain: true },
      collectiveIncomes: {
        nodes: [
          { year: 2022, operatingIncome: '13505000' },
          { year: 2021, operatingIncome: '12000000' },
        ],
      },
    });
    const district = await api.data(`{ area(code: "330110") { source } }`);
    expect(district.area.source).toBe('余杭区委宣传部, 2023');
  });

  it('reads a UTF-8 CSV with a byte-order mark and English headers', async () => {
    const outcome = await importFiles([`${FIX}/utf8-bom-areas.csv`], { dryRun: true });
    expect(outcome.status).toBe('ok');
    expect(counts(outcome).areas).toEqual([0, 1, 0, 0]);
  });

  it('round-trips the template: filled in and imported', async () => {
    const file = path.join(tmp, 'template.xlsx');
    await templateWorkbook().xlsx.writeFile(file);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const areas = wb.getWorksheet('areas')!;
    expect(areas.getCell('A1').note).toBeTruthy();
    areas.addRow(['330110113', '百丈镇', '镇', '330110', '是', '', 'template']);
    await wb.xlsx.writeFile(file);
    const outcome = await importFiles([file]);
    expect(outcome.status).toBe('ok');
    expect((await api.data(`{ area(code: "330110113") { name mountain source } }`)).area).toEqual({ name: '百丈镇', mountain: true, source: 'template' });
  });

  it('never interleaves two imports: the second gives up with --no-wait, or waits for the lock', async () => {
    const holder = new pg.Client({ connectionString: api.databaseUrl });
    await holder.connect();
    await holder.query('begin');
    await holder.query('select pg_advisory_xact_lock(7370110)');
    const gaveUp = await importFiles([`${FIX}/good.xlsx`], { noWait: true });
    expect(gaveUp).toMatchObject({ status: 'failed', message: expect.stringMatching(/another import is running/) });
    let finished = 0;
    const waiting = importFiles([`${FIX}/good.xlsx`]).then((o) => {
      finished = Date.now();
      return o;
    });
    await new Promise((r) => setTimeout(r, 700));
    const released = Date.now();
    await holder.query('commit');
    await holder.end();
    expect((await waiting).status).toBe('ok');
    expect(finished).toBeGreaterThanOrEqual(released);
  });

  it('runs as a command: exit 1 for rejected input with the problems printed, 0 for a clean import', async () => {
    const env = { ...process.env, DATABASE_URL: api.databaseUrl };
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['--import', '@swc-node/register/esm-register', 'src/import/import.cli.ts', ...args], { env, encoding: 'utf8' });
    const report = path.join(tmp, 'report.csv');
    const bad = run([`${FIX}/bad.xlsx`, '--report', report]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/ERROR bad\.xlsx › projects › row 2 › 签约日期: "2023-02-30" date does not exist/);
    expect(bad.stdout).toMatch(/rejected: \d+ problem\(s\); nothing was written/);
    expect(bad.stdout + bad.stderr).not.toMatch(/^\s+at /m);
    const csv = await readFile(report, 'utf8');
    expect(csv.startsWith('\ufeffseverity 级别,file 文件,sheet 工作表,row 行,column 列,value 值,rule 规则')).toBe(true);
    expect(csv).toMatch(/error,bad\.xlsx,projects,2,签约日期,2023-02-30,date does not exist/);
    const good = run([`${FIX}/good.xlsx`]);
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/projects\s+0\s+0\s+3\s+0/);
  }, 120_000);
});
