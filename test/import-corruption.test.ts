/**
 * Spreadsheets that must never corrupt the registry silently: each damaged file is written here
 * byte by byte and imported; it must be read correctly, or refused with the file, sheet, row (as
 * Excel numbers it), column, the value as the cell held it, and the rule.
 */
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import { limitsFromEnv } from '../src/import/limits.js';
import type { Problem } from '../src/import/problems.js';
import { outcomeLines, reportCsv } from '../src/import/report.js';
import { type ImportOutcome, runImport } from '../src/import/run.js';
import { README_SHEET, templateWorkbook } from '../src/import/template.js';
import { csvText, damage, duplicateEntryWorkbook, encryptedWorkbook, gb18030, plainCompoundFile, put, utf16le } from './support/corrupt-files.js';
import { createTestDatabase } from './support/database.js';
import { AREA_HEADERS } from './support/hostile-files.js';
import { snapshotDatabase } from './support/snapshot.js';

let db: { url: string; drop(): Promise<void> };
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const opened = await openDatabase({ url: db.url }); // applies the migrations
  await opened.close();
  dir = await mkdtemp(path.join(os.tmpdir(), 'registry-corrupt-'));
  await chmod(dir, 0o755);
  // The district and a mountain town every case below refers to.
  const base = await put(
    dir,
    'base-areas.csv',
    csvText([AREA_HEADERS, ['330110', '余杭区', '区', '', 'test'], ['330110109', '径山镇', '镇', '330110', 'test']]),
  );
  const outcome = await importFiles([base]);
  expect(outcome.status, errorsOf(outcome).join('\n')).toBe('ok');
});

afterAll(async () => {
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function importFiles(paths: string[], extra: { dryRun?: boolean } = {}): Promise<ImportOutcome> {
  return runImport(db.url, { paths, limits: limitsFromEnv(), ...extra });
}

const errorsOf = (o: ImportOutcome) =>
  o.problems.problems.filter((p) => p.severity === 'error').map((p) => `${p.file}!${p.sheet}!${p.row}!${p.column}!${p.value}!${p.rule}`);
const problemsOf = (o: ImportOutcome, severity: Problem['severity']) => o.problems.problems.filter((p) => p.severity === severity);

async function areaNames(codes: string[]): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query('select code, name from area where code = any($1)', [codes]);
    return Object.fromEntries(rows.map((r) => [r.code, r.name]));
  } finally {
    await client.end();
  }
}

/** Refused, nothing written, exactly one error and it is at this place. */
async function expectRefusedAt(files: string[], where: Partial<Problem>): Promise<Problem> {
  const before = await snapshotDatabase(db.url);
  const outcome = await importFiles(files);
  expect(outcome.status, errorsOf(outcome).join('\n')).toBe('rejected');
  const errors = problemsOf(outcome, 'error');
  expect(errors, errorsOf(outcome).join('\n')).toHaveLength(1);
  expect(errors[0]).toMatchObject(where);
  expect(await snapshotDatabase(db.url)).toEqual(before);
  return errors[0]!;
}

describe('CSV files', () => {
  it('refuses a UTF-8 file with one invalid byte, naming its row, column and the damaged value, instead of importing "�"', async () => {
    const text = csvText([AREA_HEADERS, ['330110109201', '径山村', '村', '330110109', 'test'], ['330110109202', '小古城村', '村', '330110109', 'test']]);
    // "古" (3 bytes in UTF-8) loses its first byte: 小 + two stray continuation bytes + 城村.
    const bytes = damage(Buffer.from(text, 'utf8'), Buffer.from('古', 'utf8'), [0xff, ...Buffer.from('古', 'utf8').subarray(1)]);
    const file = await put(dir, 'areas-damaged-utf8.csv', bytes);
    const p = await expectRefusedAt([file], { file: 'areas-damaged-utf8.csv', sheet: 'areas', row: 3, column: '名称' });
    expect(p.value).toMatch(/^小\ufffd+城村$/);
    expect(p.rule).toMatch(/U\+FFFD.*not valid text in its encoding/);
  });

  it('refuses a GB18030 file with an invalid byte at its row and column, and reads a clean GB18030 file exactly', async () => {
    const rows = [AREA_HEADERS, ['330110109203', '黄湖村', '村', '330110109', '余杭区统计局'], ['330110109204', '鸬鸟村', '村', '330110109', '余杭区统计局']];
    const clean = await put(dir, 'areas-gb.csv', gb18030(csvText(rows)));
    const bad = await put(dir, 'areas-gb-damaged.csv', damage(gb18030(csvText(rows)), gb18030('鸬'), [0xff]));
    const p = await expectRefusedAt([bad], { file: 'areas-gb-damaged.csv', row: 3, column: '名称', value: '\ufffd鸟村' });
    expect(p.rule).toMatch(/U\+FFFD/);
    const outcome = await importFiles([clean]);
    expect(outcome.status, errorsOf(outcome).join('\n')).toBe('ok');
    expect(outcome.formats['areas-gb.csv']).toEqual({ encoding: 'GB18030', delimiter: ',' });
    expect(await areaNames(['330110109203', '330110109204'])).toEqual({ '330110109203': '黄湖村', '330110109204': '鸬鸟村' });
  });

  it('refuses a row cut apart by an unquoted comma in its last field, naming the row, the column and the whole value', async () => {
    const text = `${AREA_HEADERS.join(',')}\r\n330110109205,前溪村,村,330110109,test\r\n330110109206,后溪村,村,330110109,余杭区,统计局\r\n`;
    const file = await put(dir, 'areas-comma.csv', text);
    const p = await expectRefusedAt([file], { file: 'areas-comma.csv', row: 3, column: '来源', value: '余杭区,统计局' });
    expect(p.rule).toMatch(/6 fields but the header has 5.*double quotes/);
  });

  it('reads mixed \\r\\n and lone \\r line endings as separate rows, numbering them as Excel does', async () => {
    // Rows 2 and 3 end in \r\n, row 4 in a lone \r (an old Mac editor), row 5 in \n; row 5's kind is wrong.
    const text = `${AREA_HEADERS.join(',')}\r\n330110109207,甲村,村,330110109,test\r\n330110109208,乙村,村,330110109,test\r330110109209,丙村,村,330110109,test\n330110109210,丁村,乡,330110109,test\n`;
    const file = await put(dir, 'areas-eol.csv', text);
    await expectRefusedAt([file], { row: 5, column: '类型', value: '乡' });
    const fixed = await put(dir, 'areas-eol.csv', text.replace(',乡,', ',村,'));
    const outcome = await importFiles([fixed]);
    expect(outcome.status, errorsOf(outcome).join('\n')).toBe('ok');
    expect(outcome.summaries.find((s) => s.sheet === 'areas')).toMatchObject({ created: 4, rejected: 0 });
    expect(await areaNames(['330110109207', '330110109208', '330110109209', '330110109210'])).toEqual({
      '330110109207': '甲村',
      '330110109208': '乙村',
      '330110109209': '丙村',
      '330110109210': '丁村',
    });
  });

  it('reads UTF-16 tab-separated text (Excel\'s "Unicode text") with Chinese names intact', async () => {
    const rows = [AREA_HEADERS, ['330110109211', '百丈村', '村', '330110109', '余杭区, 2023'], ['330110109212', '仙岩村', '村', '330110109', 'test']];
    const file = await put(dir, 'areas-unicode.txt', utf16le(csvText(rows, '\r\n', '\t')));
    const outcome = await importFiles([file]);
    expect(outcome.status, errorsOf(outcome).join('\n')).toBe('ok');
    expect(outcome.formats['areas-unicode.txt']).toEqual({ encoding: 'UTF-16LE', delimiter: '\t' });
    expect(outcome.summaries.find((s) => s.sheet === 'areas')).toMatchObject({ created: 2 });
    expect(await areaNames(['330110109211', '330110109212'])).toEqual({ '330110109211': '百丈村', '330110109212': '仙岩村' });
    expect(outcomeLines(outcome, false).join('\n')).toContain('areas-unicode.txt (UTF-16LE, tab-separated) › areas: header on row 1; 2 rows');
  });

  it('numbers rows after a quoted line break as Excel shows them (the break stays in its cell)', async () => {
    const rows = [AREA_HEADERS, ['330110109213', '上村\n（新）', '村', '330110109', 'test'], ['330110109214', '下村', '庄', '330110109', 'test']];
    const file = await put(dir, 'areas-quoted-newline.csv', csvText(rows));
    // The text has the bad row on its 4th line; Excel shows it as row 3.
    expect((await readFile(file, 'utf8')).split('\r\n')[2]).toContain('下村');
    await expectRefusedAt([file], { row: 3, column: '类型', value: '庄' });
  });
});

describe('XLSX workbooks', () => {
  it('refuses a workbook whose ZIP holds the same part twice, as Excel does', async () => {
    const file = await put(
      dir,
      'twice.xlsx',
      duplicateEntryWorkbook(
        [AREA_HEADERS, ['330110109215', '一村', '村', '330110109', 'test']],
        [AREA_HEADERS, ['330110109216', '二村', '村', '330110109', 'test']],
      ),
    );
    const p = await expectRefusedAt([file], { file: 'twice.xlsx', row: null });
    expect(p.rule).toMatch(/two entries named xl\/worksheets\/sheet1\.xml.*Excel refuses/);
  });

  it('refuses two sheets whose names mean the same record kind, naming both', async () => {
    const wb = new ExcelJS.Workbook();
    for (const [name, code] of [
      ['areas', '330110109217'],
      ['区域', '330110109218'],
    ] as const) {
      const ws = wb.addWorksheet(name);
      ws.addRow(AREA_HEADERS);
      ws.addRow([code, '某村', '村', '330110109', 'test']);
    }
    const file = path.join(dir, 'twin-sheets.xlsx');
    await wb.xlsx.writeFile(file);
    const p = await expectRefusedAt([file], { file: 'twin-sheets.xlsx', sheet: '区域', row: null });
    expect(p.rule).toBe('sheets "areas" and "区域" both hold areas (区域): merge them into one sheet or rename one');
  });

  it('says a password-protected workbook is encrypted (not an .xls file), and still calls a plain OLE file .xls', async () => {
    const encrypted = await put(dir, 'locked.xlsx', encryptedWorkbook());
    const p = await expectRefusedAt([encrypted], { file: 'locked.xlsx' });
    expect(p.rule).toMatch(/^the workbook is encrypted \(protected with a password to open\); .*remove the password/);
    expect(p.rule).not.toMatch(/\.xls\)/);
    const ole = await put(dir, 'old.xlsx', plainCompoundFile());
    const q = await expectRefusedAt([ole], { file: 'old.xlsx' });
    expect(q.rule).toMatch(/old Excel 97–2003 \(\.xls\)/);
  });

  it("finds the header below title rows, says where, and keeps Excel's row numbers", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('区域');
    ws.addRow(['2023年余杭区区域表']);
    ws.addRow(['填报单位：区统计局', '', '', '', '单位：个']);
    ws.addRow([]);
    ws.addRow(AREA_HEADERS);
    ws.addRow(['330110109219', '东村', '村', '330110109', 'test']);
    ws.addRow(['330110109220', '西村', '大村', '330110109', 'test']);
    const file = path.join(dir, 'titled.xlsx');
    await wb.xlsx.writeFile(file);
    // Rows 1, 2 (titles), 3 (empty), 4 (header), 5, 6: the bad kind is on Excel's row 6.
    await expectRefusedAt([file], { file: 'titled.xlsx', sheet: '区域', row: 6, column: '类型', value: '大村' });
    ws.getCell('C6').value = '村';
    await wb.xlsx.writeFile(file);
    const outcome = await importFiles([file]);
    expect(outcome.status, errorsOf(outcome).join('\n')).toBe('ok');
    expect(outcome.sources).toContainEqual(expect.objectContaining({ file: 'titled.xlsx', sheet: '区域', kind: 'areas', headerRow: 4, titleRows: 2, rows: 2 }));
    expect(outcomeLines(outcome, false)).toContain('  titled.xlsx › 区域 (areas): header on row 4, 2 title rows above it skipped; 2 rows');
    expect(await areaNames(['330110109219', '330110109220'])).toEqual({ '330110109219': '东村', '330110109220': '西村' });
  });

  it('shows in errors the value as the cell held it, not as it was converted', async () => {
    const wb = new ExcelJS.Workbook();
    const projects = wb.addWorksheet('projects');
    projects.addRow(['项目编号', '项目名称', '行业', '所在区域代码', '签约金额', '签约日期', '来源']);
    projects.addRow(['vt-1', '负金额项目', '文旅', '330110109', '-7.1亿', new Date(Date.UTC(2023, 2, 15)), 'test']);
    const flows = wb.addWorksheet('fund_flows');
    flows.addRow(['项目编号', '凭证号', '资金类型', '金额', '日期', '来源']);
    flows.addRow(['p-404', 'V-1', '承诺', '450万', '2023/3/15', 'test']);
    const file = path.join(dir, 'as-held.xlsx');
    await wb.xlsx.writeFile(file);
    const outcome = await importFiles([file]);
    expect(outcome.status).toBe('rejected');
    const errors = problemsOf(outcome, 'error');
    expect(errors).toContainEqual(expect.objectContaining({ sheet: 'projects', row: 2, column: '签约金额', value: '-7.1亿', rule: 'must be 0 or more' }));
    expect(errors).toContainEqual(
      expect.objectContaining({
        sheet: 'fund_flows',
        row: 2,
        column: '项目编号',
        value: 'p-404',
        rule: 'no project has code P-404 (not in the projects sheet or the registry)',
      }),
    );
  });
});

describe("the template's instructions sheet", () => {
  it('is skipped without a warning, under its own name, renamed, or named as instructions', async () => {
    const wb = templateWorkbook();
    wb.getWorksheet('areas')!.addRow(['330110109221', '南村', '村', '330110109', '', '', 'test']);
    const file = path.join(dir, 'template-filled.xlsx');
    await wb.xlsx.writeFile(file);
    const outcome = await importFiles([file]);
    expect(outcome.status, errorsOf(outcome).join('\n')).toBe('ok');
    expect(problemsOf(outcome, 'warning')).toEqual([]);
    expect(outcome.sources).toContainEqual(expect.objectContaining({ sheet: README_SHEET, skipped: 'instructions' }));

    // Renamed (the title in A1 still marks it), and a sheet named 填表说明.
    wb.getWorksheet(README_SHEET)!.name = 'Sheet9';
    wb.addWorksheet('填表说明').addRow(['请按表头填写']);
    const renamed = path.join(dir, 'template-renamed.xlsx');
    await wb.xlsx.writeFile(renamed);
    const again = await importFiles([renamed]);
    expect(again.status, errorsOf(again).join('\n')).toBe('ok');
    expect(problemsOf(again, 'warning')).toEqual([]);
    expect(
      again.sources
        .filter((s) => s.skipped === 'instructions')
        .map((s) => s.sheet)
        .sort(),
    ).toEqual(['Sheet9', '填表说明'].sort());

    // A sheet that is neither a record kind nor instructions is still reported.
    wb.addWorksheet('Sheet2').addRow(['随便', '什么']);
    const other = path.join(dir, 'template-other.xlsx');
    await wb.xlsx.writeFile(other);
    const third = await importFiles([other]);
    expect(problemsOf(third, 'warning')).toEqual([expect.objectContaining({ sheet: 'Sheet2', rule: expect.stringMatching(/^unknown sheet, ignored/) })]);
  });
});

describe('counts', () => {
  it('reports created, updated and unchanged per sheet every time, in the output, the --report file and the audit log', async () => {
    const rows = [
      AREA_HEADERS,
      ['330110109222', '北村', '村', '330110109', 'test'],
      ['330110109223', '中村', '村', '330110109', 'test'],
      ['330110109224', '新村', '村', '330110109', 'test'],
    ];
    const file = await put(dir, 'areas-counts.csv', csvText(rows));
    const first = await importFiles([file]);
    expect(first.summaries).toEqual([{ sheet: 'areas', created: 3, updated: 0, unchanged: 0, rejected: 0 }]);
    expect(outcomeLines(first, false).at(-1)).toBe(`imported: 3 created, 0 updated, 0 unchanged (audit run ${first.runId})`);

    const same = await importFiles([file]);
    expect(same.summaries).toEqual([{ sheet: 'areas', created: 0, updated: 0, unchanged: 3, rejected: 0 }]);
    const verdict = outcomeLines(same, false).at(-1)!;
    expect(verdict).toBe(`nothing changed: all 3 rows are already in the registry as given (0 created, 0 updated, 3 unchanged; audit run ${same.runId})`);
    expect(outcomeLines(same, false).join('\n')).not.toMatch(/imported/);

    rows[1]![1] = '北村（改）';
    const changed = await put(dir, 'areas-counts.csv', csvText(rows));
    const third = await importFiles([changed]);
    expect(third.summaries).toEqual([{ sheet: 'areas', created: 0, updated: 1, unchanged: 2, rejected: 0 }]);

    const report = parse(reportCsv(third, false).slice(1), { relax_column_count: false }) as string[][];
    expect(report).toContainEqual(['counts', '', 'areas', '', '', '', 'created 0, updated 1, unchanged 2, rejected 0']);
    expect(report).toContainEqual(['read', 'areas-counts.csv', 'areas', '1', '', '', 'header on row 1; 3 rows; UTF-8, comma-separated']);
    expect(report.at(-1)).toEqual(['result', '', '', '', '', '', `imported: 0 created, 1 updated, 2 unchanged (audit run ${third.runId})`]);

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows: audit } = await client.query(`select details from audit_log where action = 'IMPORT' and run_id = $1`, [third.runId]);
      expect(audit.map((a) => a.details.sheets)).toEqual([[{ sheet: 'areas', created: 0, updated: 1, unchanged: 2 }]]);
    } finally {
      await client.end();
    }
  });

  it('counts a dry run the same way without writing', async () => {
    const file = await put(
      dir,
      'areas-dry.csv',
      csvText([AREA_HEADERS, ['330110109225', '试村', '村', '330110109', 'test'], ['330110109222', '北村（改）', '村', '330110109', 'test']]),
    );
    const before = await snapshotDatabase(db.url);
    const outcome = await importFiles([file], { dryRun: true });
    expect(outcome.summaries).toEqual([{ sheet: 'areas', created: 1, updated: 0, unchanged: 1, rejected: 0 }]);
    expect(outcomeLines(outcome, true).at(-1)).toBe('dry run: 2 rows checked, nothing written (would be 1 created, 0 updated, 1 unchanged)');
    expect(await snapshotDatabase(db.url)).toEqual(before);
  });
});

describe('units and landed money', () => {
  const PROJECT_HEADERS = ['项目编号', '项目名称', '行业', '所在区域代码', '签约金额(亿元)', '签约日期', '来源'];

  it("refuses a cell whose unit contradicts its header's, naming both; accepts the header's own unit in the cell", async () => {
    const bad = await put(dir, 'projects-units.csv', csvText([PROJECT_HEADERS, ['U-1', '单位项目', '文旅', '330110109', '5000万元', '2023-01-05', 'test']]));
    const p = await expectRefusedAt([bad], { sheet: 'projects', row: 2, column: '签约金额(亿元)', value: '5000万元' });
    expect(p.rule).toMatch(/unit 万元 contradicts the header's unit 亿元/);
    const good = await put(
      dir,
      'projects-units.csv',
      csvText([
        PROJECT_HEADERS,
        ['U-1', '单位项目', '文旅', '330110109', '7.1亿', '2023-01-05', 'test'],
        ['U-2', '单位项目二', '文旅', '330110109', '0.5', '2023-01-06', 'test'],
      ]),
    );
    const outcome = await importFiles([good]);
    expect(outcome.status, errorsOf(outcome).join('\n')).toBe('ok');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      // 7.1亿 and 0.5 (亿元, from the header) in yuan, compared as numbers by PostgreSQL.
      const { rows } = await client.query(
        `select code, signed_amount = $1::numeric as seven, signed_amount = $2::numeric as half from project where code in ('U-1', 'U-2') order by code`,
        ['710000000', '50000000'],
      );
      expect(rows).toEqual([
        { code: 'U-1', seven: true, half: false },
        { code: 'U-2', seven: false, half: true },
      ]);
    } finally {
      await client.end();
    }
  });

  it('warns, without blocking, about landed money on a project that never landed or after it was cancelled', async () => {
    const wb = new ExcelJS.Workbook();
    const projects = wb.addWorksheet('projects');
    projects.addRow(PROJECT_HEADERS);
    projects.addRow(['L-1', '未落地项目', '文旅', '330110109', '1', '2023-01-05', 'test']);
    projects.addRow(['L-2', '已取消项目', '文旅', '330110109', '1', '2023-01-05', 'test']);
    projects.addRow(['L-3', '已落地项目', '文旅', '330110109', '1', '2023-01-05', 'test']);
    const stages = wb.addWorksheet('project_stages');
    stages.addRow(['项目编号', '阶段', '日期']);
    stages.addRow(['L-2', '落地', '2023-02-01']);
    stages.addRow(['L-2', '取消', '2023-06-30']);
    stages.addRow(['L-3', '落地', '2023-02-01']);
    const flows = wb.addWorksheet('fund_flows');
    flows.addRow(['项目编号', '凭证号', '资金类型', '金额', '日期', '来源']);
    flows.addRow(['L-1', 'V-1', '落地', '100万', '2023-03-01', 'test']); // row 2: never landed
    flows.addRow(['L-2', 'V-1', '落地', '100万', '2023-03-01', 'test']); // row 3: before the cancellation: fine
    flows.addRow(['L-2', 'V-2', '到位', '50万', '2023-07-01', 'test']); // row 4: after it
    flows.addRow(['L-3', 'V-1', '落地', '100万', '2023-03-01', 'test']); // row 5: fine
    flows.addRow(['L-1', 'V-2', '承诺', '100万', '2023-03-01', 'test']); // row 6: committed money: fine
    const file = path.join(dir, 'landed.xlsx');
    await wb.xlsx.writeFile(file);
    const outcome = await importFiles([file]);
    expect(outcome.status, errorsOf(outcome).join('\n')).toBe('ok');
    expect(problemsOf(outcome, 'warning')).toEqual([
      expect.objectContaining({
        sheet: 'fund_flows',
        row: 2,
        column: '资金类型',
        value: '落地',
        rule: expect.stringMatching(/^landed money on project L-1, which has not landed/),
      }),
      expect.objectContaining({
        sheet: 'fund_flows',
        row: 4,
        column: '资金类型',
        value: '到位',
        rule: 'landed money dated 2023-07-01, on or after project L-2 was cancelled (取消 2023-06-30)',
      }),
    ]);
    expect(outcome.summaries.find((s) => s.sheet === 'fund_flows')).toMatchObject({ created: 5 });
    expect(outcomeLines(outcome, false).at(-1)).toMatch(/^imported: .*; 2 warnings \(not blocking\)$/);
  });
});
