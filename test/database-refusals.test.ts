/**
 * Every database refusal that reaches a user carries its location: for the importer the file,
 * sheet, row and column; for the API the input path. The rules of each kind catch these first, so
 * each case makes the database stricter than the rules (an extra check, unique index or column
 * length, or a trigger that changes the row on its way in) and sends the same record through
 * both real paths: GraphQL over HTTP and a CSV file through the import.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitsFromEnv } from '../src/import/limits.js';
import type { Problem } from '../src/import/problems.js';
import { runImport } from '../src/import/run.js';
import { startTestApi, type TestApi } from './support/api.js';
import { creditCode, insertAreaTree, insertEnterprises } from './support/fixtures.js';

let api: TestApi;
let tmp: string;
let db: pg.Client;

beforeAll(async () => {
  api = await startTestApi();
  await insertAreaTree(api.orm, 2, 1);
  await insertEnterprises(api.orm, 1);
  tmp = await mkdtemp(path.join(os.tmpdir(), 'registry-refusals-'));
  await chmod(tmp, 0o755);
  db = new pg.Client({ connectionString: api.databaseUrl });
  await db.connect();
  await api.data(
    `mutation { createProject(input: { code: "P-1", name: "项目", sector: "文旅", hostAreaCode: "330110101", signedAmount: "1", signedOn: "2023-01-01", source: "t" }) { code } }`,
  );
});
afterAll(async () => {
  await db?.end();
  await api?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** Writes a one-row CSV file (the kind in its name) and imports it; returns the errors. */
async function importRow(kind: string, header: string[], row: string[]): Promise<Problem[]> {
  return importRows(kind, header, [row]);
}

/** Writes a CSV file of `rows` (the kind in its name) and imports it; returns the errors. */
async function importRows(kind: string, header: string[], rows: string[][]): Promise<Problem[]> {
  const file = path.join(tmp, `${kind}.csv`);
  await writeFile(file, [header, ...rows].map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')).join('\r\n') + '\r\n');
  const outcome = await runImport(api.databaseUrl, { paths: [file], limits: limitsFromEnv() });
  expect(outcome.status).toBe('rejected');
  return outcome.problems.problems.filter((p) => p.severity === 'error');
}

/** Runs `sql` to make the database stricter, then `fn`, then `undo`. */
async function stricter(sql: string, undo: string, fn: () => Promise<void>): Promise<void> {
  await db.query(sql);
  try {
    await fn();
  } finally {
    await db.query(undo);
  }
}

/** A BEFORE trigger on `table` running `body` (plpgsql statements on NEW). */
const trigger = (table: string, body: string) =>
  `create function forced() returns trigger language plpgsql as $$ begin ${body}; return new; end $$; create trigger forced before insert or update on ${table} for each row execute function forced();`;
const untrigger = (table: string) => `drop trigger forced on ${table}; drop function forced();`;

describe('database refusals carry their location', () => {
  it('a check constraint: input.sector, and projects.csv row 2 column 行业', async () => {
    await stricter(
      `alter table project add constraint project_sector_forced check (sector <> '禁止')`,
      'alter table project drop constraint project_sector_forced',
      async () => {
        const res = await api.gql(
          `mutation { createProject(input: { code: "P-2", name: "项目", sector: "禁止", hostAreaCode: "330110101", signedAmount: "1", signedOn: "2023-01-01", source: "t" }) { code } }`,
        );
        expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.sector' });
        expect(res.errors?.[0].message).toMatch(/project_sector_forced/);
        const errors = await importRow(
          'projects',
          ['项目编号', '项目名称', '行业', '所在区域代码', '签约金额', '签约日期', '来源'],
          ['P-2', '项目', '禁止', '330110101', '1', '2023-01-01', 't'],
        );
        expect(errors).toEqual([
          expect.objectContaining({
            file: 'projects.csv',
            sheet: 'projects',
            row: 2,
            column: '行业',
            value: '禁止',
            rule: expect.stringMatching(/project_sector_forced; SQLSTATE 23514/),
          }),
        ]);
      },
    );
  });

  it('a refusal on a staged kind is found among many rows by its staging row (projects.csv row 4, fund_flows.csv row 3)', async () => {
    // Projects and fund flows are not held in memory (src/import/write/staging.ts): the refused row is looked up in staging.
    await stricter(
      `alter table project add constraint project_sector_forced check (sector <> '禁止')`,
      'alter table project drop constraint project_sector_forced',
      async () => {
        const header = ['项目编号', '项目名称', '行业', '所在区域代码', '签约金额', '签约日期', '来源'];
        const errors = await importRows('projects', header, [
          ['P-3', '项目三', '文旅', '330110101', '3', '2023-01-03', 't'],
          ['P-4', '项目四', '文旅', '330110101', '4', '2023-01-04', 't'],
          ['P-5', '项目五', '禁止', '330110101', '5', '2023-01-05', 't'],
          ['P-6', '项目六', '文旅', '330110101', '6', '2023-01-06', 't'],
        ]);
        expect(errors).toEqual([
          expect.objectContaining({
            file: 'projects.csv',
            sheet: 'projects',
            row: 4,
            column: '行业',
            value: '禁止',
            rule: expect.stringMatching(/project_sector_forced; SQLSTATE 23514/),
          }),
        ]);
      },
    );
    await stricter(
      `alter table fund_flow add constraint fund_flow_amount_forced check (amount <> 7)`,
      'alter table fund_flow drop constraint fund_flow_amount_forced',
      async () => {
        const header = ['项目编号', '凭证号', '资金类型', '金额', '日期', '来源'];
        const errors = await importRows('fund_flows', header, [
          ['P-1', '记-11', '承诺', '6', '2023-02-01', 't'],
          ['P-1', '记-12', '承诺', '7', '2023-02-02', 't'],
          ['P-1', '记-13', '承诺', '8', '2023-02-03', 't'],
        ]);
        expect(errors).toEqual([
          expect.objectContaining({
            file: 'fund_flows.csv',
            sheet: 'fund_flows',
            row: 3,
            column: '金额',
            value: '7',
            rule: expect.stringMatching(/fund_flow_amount_forced; SQLSTATE 23514/),
          }),
        ]);
      },
    );
  });

  it('a unique index: input.name as CONFLICT, and workshops.csv row 2 column 名称', async () => {
    await api.data(`mutation { createWorkshop(input: { villageCode: "330110101201", name: "同名工坊", type: PROCESSING, source: "t" }) { name } }`);
    await stricter('create unique index workshop_name_forced on workshop (name)', 'drop index workshop_name_forced', async () => {
      const res = await api.gql(
        `mutation { createWorkshop(input: { villageCode: "330110102201", name: "同名工坊", type: PROCESSING, source: "t" }) { name } }`,
      );
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'input.name' });
      const errors = await importRow('workshops', ['村代码', '名称', '类型', '来源'], ['330110102201', '同名工坊', '来料加工', 't']);
      expect(errors).toEqual([
        expect.objectContaining({
          sheet: 'workshops',
          row: 2,
          column: '名称',
          value: '同名工坊',
          rule: expect.stringMatching(/already exists.*SQLSTATE 23505/),
        }),
      ]);
    });
  });

  it('a foreign key: input.projectCode, and fund_flows.csv row 2 column 项目编号', async () => {
    await stricter(trigger('fund_flow', 'new.project_id := -1'), untrigger('fund_flow'), async () => {
      const res = await api.gql(
        `mutation { createFundFlow(input: { projectCode: "P-1", reference: "记-1", kind: COMMITMENT, amount: "5", occurredOn: "2023-02-01", source: "t" }) { amount } }`,
      );
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'input.projectCode' });
      expect(res.errors?.[0].message).not.toMatch(/Key \(|\(-1\)/);
      const errors = await importRow('fund_flows', ['项目编号', '凭证号', '资金类型', '金额', '日期', '来源'], ['p-1', '记-1', '承诺', '5', '2023-02-01', 't']);
      expect(errors).toEqual([
        expect.objectContaining({
          sheet: 'fund_flows',
          row: 2,
          column: '项目编号',
          value: 'p-1',
          rule: expect.stringMatching(/does not exist.*SQLSTATE 23503/),
        }),
      ]);
    });
  });

  it('a not-null column: input.name, and enterprises.csv row 2 column 名称', async () => {
    await stricter(trigger('enterprise', 'new.name := null'), untrigger('enterprise'), async () => {
      const res = await api.gql(
        `mutation { createEnterprise(input: { creditCode: "${creditCode(7)}", name: "企业", ownership: PRIVATE, source: "t" }) { name } }`,
      );
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
      const errors = await importRow('enterprises', ['统一社会信用代码', '名称', '所有制', '来源'], [creditCode(7), '企业', '民营', 't']);
      expect(errors).toEqual([
        expect.objectContaining({ sheet: 'enterprises', row: 2, column: '名称', rule: expect.stringMatching(/required.*SQLSTATE 23502/) }),
      ]);
    });
  });

  it('a value too long for its column: input.note, and pairings.csv row 2 column 备注', async () => {
    await stricter('alter table pairing alter column note type varchar(5)', 'alter table pairing alter column note type text', async () => {
      const res = await api.gql(
        `mutation { createPairing(input: { code: "OT-1", scheme: OTHER, leadAreaCode: "330110101", partnerAreaCode: "330110102", startDate: "2023-01-01", note: "一二三四五六", source: "t" }) { code } }`,
      );
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.note' });
      const errors = await importRow(
        'pairings',
        ['结对编号', '结对机制', '牵头方区域代码', '结对方区域代码', '开始日期', '备注', '来源'],
        ['OT-1', '其他', '330110101', '330110102', '2023-01-01', '一二三四五六', 't'],
      );
      expect(errors).toEqual([
        expect.objectContaining({
          sheet: 'pairings',
          row: 2,
          column: '备注',
          value: '一二三四五六',
          rule: expect.stringMatching(/value too long.*SQLSTATE 22001/),
        }),
      ]);
    });
  });

  it("the area tree's trigger: input.parentCode, and areas.csv row 2 column 上级代码", async () => {
    // The row's parent is turned into a village on its way in: the trigger refuses a village under a village.
    await stricter(
      trigger('area', `if new.code = '330110101299' then new.parent_id := (select id from area where code = '330110101201'); end if`),
      untrigger('area'),
      async () => {
        const res = await api.gql(
          `mutation { createArea(input: { code: "330110101299", name: "新村", kind: VILLAGE, parentCode: "330110101", source: "t" }) { code } }`,
        );
        expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.parentCode' });
        expect(res.errors?.[0].message).toMatch(/a VILLAGE must not be under a VILLAGE/);
        const errors = await importRow('areas', ['行政区划代码', '名称', '类型', '上级代码', '来源'], ['330110101299', '新村', '村', '330110101', 't']);
        expect(errors).toEqual([
          expect.objectContaining({
            sheet: 'areas',
            row: 2,
            column: '上级代码',
            rule: expect.stringMatching(/a VILLAGE must not be under a VILLAGE \(area 330110101299\)/),
          }),
        ]);
      },
    );
  });

  it('the area tree trigger refuses a town with villages becoming a village, written past the rules in SQL', async () => {
    await expect(
      db.query(`update area set kind = 'VILLAGE', parent_id = (select id from area where code = '330110102') where code = '330110101'`),
    ).rejects.toMatchObject({
      code: '23514',
      constraint: 'area_tree_shape',
      message: 'area 330110101 cannot become a VILLAGE: the VILLAGE 330110101201 is under it',
    });
  });

  it("collective income's parts constraint: input.operatingIncome, and collective_incomes.csv row 2 column 经营性收入", async () => {
    await stricter(trigger('collective_income', 'new.operating_income := new.operating_income + 1'), untrigger('collective_income'), async () => {
      const res = await api.gql(
        `mutation { createCollectiveIncome(input: { villageCode: "330110101201", year: 2023, businessIncome: "1", contractingIncome: "2", investmentIncome: "3", source: "t" }) { operatingIncome } }`,
      );
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.operatingIncome' });
      expect(res.errors?.[0].message).toMatch(/collective_income_parts_sum/);
      const errors = await importRow(
        'collective_incomes',
        ['村代码', '年度', '经营性收入', '经营收入', '发包及上交收入', '投资收益', '来源'],
        ['330110101201', '2023', '', '1', '2', '3', 't'],
      );
      expect(errors).toEqual([
        expect.objectContaining({
          sheet: 'collective_incomes',
          row: 2,
          column: '经营性收入',
          rule: expect.stringMatching(/collective_income_parts_sum; SQLSTATE 23514/),
        }),
      ]);
    });
  });

  it('an empty 经营性收入 whose parts sum negative is a rule of both paths now, located, never a database error', async () => {
    const res = await api.gql(
      `mutation { createCollectiveIncome(input: { villageCode: "330110101201", year: 2022, businessIncome: "1", contractingIncome: "2", investmentIncome: "-30", source: "t" }) { operatingIncome } }`,
    );
    expect(res.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.operatingIncome',
      rule: expect.stringMatching(/^must be 0 or more, but .* = -27$/),
    });
    const errors = await importRow(
      'collective_incomes',
      ['村代码', '年度', '经营性收入', '经营收入', '发包及上交收入', '投资收益', '来源'],
      ['330110101201', '2022', '', '1', '2', '-30', 't'],
    );
    expect(errors).toEqual([
      expect.objectContaining({ sheet: 'collective_incomes', row: 2, column: '经营性收入', rule: expect.stringMatching(/^must be 0 or more, but .* = -27$/) }),
    ]);
  });
});
