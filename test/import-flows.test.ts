/**
 * Fund flows in spreadsheets never lose or double money: a flow is keyed by its reference (凭证号),
 * so a corrected date updates it; sources without references replace the flows of their projects
 * (--replace-project-flows), all or nothing, and leave every other project's flows alone.
 * The money is read back through the API's own aggregate (`funds`), which planners read.
 */
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitsFromEnv } from '../src/import/limits.js';
import { outcomeLines, reportCsv } from '../src/import/report.js';
import { type ImportOutcome, runImport } from '../src/import/run.js';
import { startTestApi, type TestApi } from './support/api.js';
import { csvText, put } from './support/corrupt-files.js';
import { AREA_HEADERS } from './support/hostile-files.js';
import { snapshotDatabase } from './support/snapshot.js';

let api: TestApi;
let dir: string;

const FLOW_HEADERS = ['项目编号', '凭证号', '资金类型', '金额', '日期', '来源'];

const errorsOf = (o: ImportOutcome) =>
  o.problems.problems.filter((p) => p.severity === 'error').map((p) => `${p.file}!${p.sheet}!${p.row}!${p.column}!${p.value}!${p.rule}`);

function importFiles(paths: string[], extra: { replaceProjectFlows?: boolean; dryRun?: boolean } = {}): Promise<ImportOutcome> {
  return runImport(api.databaseUrl, { paths, limits: limitsFromEnv(), ...extra });
}

let serial = 0;
/** Imports one fund_flows CSV file (its own folder, so the file name says the sheet); it must succeed. */
async function importFlows(rows: string[][], extra: { replaceProjectFlows?: boolean; headers?: string[] } = {}): Promise<ImportOutcome> {
  const folder = path.join(dir, `run-${++serial}`);
  await mkdir(folder, { mode: 0o755 });
  const file = await put(folder, 'fund_flows.csv', csvText([extra.headers ?? FLOW_HEADERS, ...rows]));
  const outcome = await importFiles([file], extra);
  expect(outcome.status, errorsOf(outcome).join('\n')).toBe('ok');
  return outcome;
}

/** Flows of the registry as `code/reference/kind/date/amount`, by project code and reference. */
async function flowsOf(codes: string[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: api.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `select p.code, f.reference, f.kind, f.occurred_on::text as d, f.amount::text as a from fund_flow f join project p on p.id = f.project_id
       where p.code = any($1) order by p.code, f.reference`,
      [codes],
    );
    return rows.map((r) => `${r.code}/${r.reference}/${r.kind}/${r.d}/${r.a}`);
  } finally {
    await client.end();
  }
}

/** Committed and landed money per project, from the API's `funds` aggregate. */
async function fundsByProject(): Promise<Record<string, { committed: string; landed: string }>> {
  const res = await api.data(`{ funds(groupBy: [PROJECT]) { groups { project { code } committed landed } } }`);
  return Object.fromEntries(
    (res.funds.groups as { project: { code: string }; committed: string; landed: string }[]).map((g) => [
      g.project.code,
      { committed: g.committed, landed: g.landed },
    ]),
  );
}

beforeAll(async () => {
  api = await startTestApi();
  dir = await mkdtemp(path.join(os.tmpdir(), 'registry-flows-'));
  await chmod(dir, 0o755);
  const areas = await put(dir, 'areas.csv', csvText([AREA_HEADERS, ['330110', '余杭区', '区', '', 'test'], ['330110109', '径山镇', '镇', '330110', 'test']]));
  const projects = await put(
    dir,
    'projects.csv',
    csvText([
      ['项目编号', '项目名称', '行业', '所在区域代码', '签约金额', '签约日期', '来源'],
      ...['FA', 'FB', 'FC', 'FD'].map((code) => [code, `项目${code}`, '文旅', '330110109', '1亿', '2022-01-10', 'test']),
    ]),
  );
  const stages = await put(
    dir,
    'project_stages.csv',
    csvText([['项目编号', '阶段', '日期'], ...['FA', 'FB', 'FC', 'FD'].map((code) => [code, '落地', '2022-02-01'])]),
  );
  const outcome = await importFiles([areas, projects, stages]);
  expect(outcome.status, errorsOf(outcome).join('\n')).toBe('ok');
});

afterAll(async () => {
  await api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('fund flows keyed by their reference (凭证号)', () => {
  it('updates the flow with the same reference when a corrected file changes its date: one flow, the landed sum not doubled', async () => {
    const first = await importFlows([
      ['FD', '记-0501', '落地', '300万', '2022-05-01', 'test'],
      ['FD', '记-0110', '承诺', '1亿', '2022-01-10', 'test'],
    ]);
    expect(first.summaries.find((s) => s.sheet === 'fund_flows')).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    // The date was wrong: the corrected file says 2022-05-10 for the same voucher.
    const corrected = await importFlows([
      ['FD', '记-0501', '落地', '300万', '2022-05-10', 'test'],
      ['FD', '记-0110', '承诺', '1亿', '2022-01-10', 'test'],
    ]);
    expect(corrected.summaries.find((s) => s.sheet === 'fund_flows')).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    expect(await flowsOf(['FD'])).toEqual(['FD/记-0110/COMMITMENT/2022-01-10/100000000.00', 'FD/记-0501/LANDED/2022-05-10/3000000.00']);
    expect((await fundsByProject()).FD).toEqual({ committed: '100000000', landed: '3000000' });
  });

  it('refuses a file without the 凭证号 column, and a reference given twice for one project, naming where', async () => {
    const folder = path.join(dir, 'no-reference');
    await mkdir(folder, { mode: 0o755 });
    const file = await put(
      folder,
      'fund_flows.csv',
      csvText([
        ['项目编号', '资金类型', '金额', '日期', '来源'],
        ['FD', '落地', '1万', '2022-06-01', 'test'],
      ]),
    );
    const before = await snapshotDatabase(api.databaseUrl);
    const missing = await importFiles([file]);
    expect(missing.status).toBe('rejected');
    expect(errorsOf(missing)).toEqual([
      'fund_flows.csv!fund_flows!1!凭证号!null!required column is missing (凭证号 or reference) (looked for the header in rows 1–2)',
    ]);
    const twice = await put(
      folder,
      'fund_flows-twice.csv',
      csvText([FLOW_HEADERS, ['FD', 'V-9', '落地', '1万', '2022-06-01', 'test'], ['FD', 'V-9', '落地', '2万', '2022-06-02', 'test']]),
    );
    const dup = await importFiles([twice]);
    expect(errorsOf(dup)).toEqual(['fund_flows-twice.csv!fund_flows!3!凭证号!FD / V-9!duplicate key: already in fund_flows row 2']);
    expect(await snapshotDatabase(api.databaseUrl)).toEqual(before);
  });
});

describe('--replace-project-flows, for sources without references', () => {
  it('replaces the flows of the projects in the file, leaves a third project’s flows untouched, and says how many were removed', async () => {
    await importFlows([
      ['FA', 'V-1', '承诺', '1亿', '2022-01-10', 'test'],
      ['FA', 'V-2', '落地', '2000万', '2022-03-01', 'test'],
      ['FB', 'V-1', '落地', '500万', '2022-04-01', 'test'],
      ['FC', 'V-1', '承诺', '1亿', '2022-01-10', 'test'],
      ['FC', 'V-2', '落地', '700万', '2022-05-01', 'test'],
    ]);
    const untouched = await flowsOf(['FC', 'FD']);
    const fundsBefore = await fundsByProject();

    // An export without references: FA's landing is now two payments on one day, FB's landing was corrected.
    const rows = [
      ['FA', '承诺', '1亿', '2022-01-10', 'export'],
      ['FA', '落地', '1200万', '2022-03-01', 'export'],
      ['FA', '落地', '800万', '2022-03-01', 'export'],
      ['FB', '落地', '600万', '2022-04-02', 'export'],
    ];
    const headers = ['项目编号', '资金类型', '金额', '日期', '来源'];
    const outcome = await importFlows(rows, { replaceProjectFlows: true, headers });
    // Before: FA had 2 flows, FB 1 (all with references the export does not have): all 3 go, 4 come.
    expect(outcome.summaries.find((s) => s.sheet === 'fund_flows')).toMatchObject({ created: 4, updated: 0, unchanged: 0, removed: 3, replacedProjects: 2 });
    expect(outcomeLines(outcome, false)).toContain('fund_flows: replaced the flows of 2 projects: 3 removed, 4 created, 0 updated, 0 unchanged');
    expect(reportCsv(outcome, false)).toContain(
      'replaced,,fund_flows,,,,"fund_flows: replaced the flows of 2 projects: 3 removed, 4 created, 0 updated, 0 unchanged"',
    );
    expect(await flowsOf(['FA', 'FB'])).toEqual([
      'FA/COMMITMENT-2022-01-10/COMMITMENT/2022-01-10/100000000.00',
      'FA/LANDED-2022-03-01/LANDED/2022-03-01/12000000.00',
      'FA/LANDED-2022-03-01-2/LANDED/2022-03-01/8000000.00',
      'FB/LANDED-2022-04-02/LANDED/2022-04-02/6000000.00',
    ]);
    expect(await flowsOf(['FC', 'FD'])).toEqual(untouched);
    const funds = await fundsByProject();
    expect(funds.FA).toEqual({ committed: '100000000', landed: '20000000' });
    expect(funds.FB).toEqual({ committed: '0', landed: '6000000' });
    expect(funds.FC).toEqual(fundsBefore.FC);
    expect(funds.FD).toEqual(fundsBefore.FD);

    // The same export again changes nothing.
    const again = await importFlows(rows, { replaceProjectFlows: true, headers });
    expect(again.summaries.find((s) => s.sheet === 'fund_flows')).toMatchObject({ created: 0, updated: 0, unchanged: 4, removed: 0, replacedProjects: 2 });
    expect(outcomeLines(again, false).at(-1)).toMatch(/^nothing changed/);
  });

  it('removes nothing when any row of the file is refused (all or nothing)', async () => {
    const before = await snapshotDatabase(api.databaseUrl);
    const folder = path.join(dir, 'replace-bad');
    await mkdir(folder, { mode: 0o755 });
    const file = await put(
      folder,
      'fund_flows.csv',
      csvText([
        ['项目编号', '资金类型', '金额', '日期', '来源'],
        ['FA', '落地', '1万', '2022-06-01', 'x'],
        ['FB', '落地', '0', '2022-06-01', 'x'],
      ]),
    );
    const outcome = await importFiles([file], { replaceProjectFlows: true });
    expect(outcome.status).toBe('rejected');
    expect(errorsOf(outcome)).toEqual(['fund_flows.csv!fund_flows!3!金额!0!must be more than 0']);
    expect(await snapshotDatabase(api.databaseUrl)).toEqual(before);
  });
});
