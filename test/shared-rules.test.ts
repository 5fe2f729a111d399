/**
 * The drifts issue 11 found between the API and the importer, each now one rule that both paths
 * call (src/<kind>/<kind>.rules.ts): the same record is sent through GraphQL and through a one-row
 * CSV import, and both refuse it with the same rule, located on the input path and on the column.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitsFromEnv } from '../src/import/limits.js';
import type { Problem } from '../src/import/problems.js';
import { runImport } from '../src/import/run.js';
import { startTestApi, type TestApi } from './support/api.js';
import { insertAreaTree } from './support/fixtures.js';

let api: TestApi;
let tmp: string;

beforeAll(async () => {
  api = await startTestApi();
  await insertAreaTree(api.orm, 2, 1);
  tmp = await mkdtemp(path.join(os.tmpdir(), 'registry-rules-'));
  await chmod(tmp, 0o755);
});
afterAll(async () => {
  await api?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function importRow(kind: string, cells: Record<string, string>): Promise<{ status: string; errors: Problem[] }> {
  const file = path.join(tmp, `${kind}.csv`);
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  await writeFile(file, `${Object.keys(cells).map(quote).join(',')}\r\n${Object.values(cells).map(quote).join(',')}\r\n`);
  const outcome = await runImport(api.databaseUrl, { paths: [file], limits: limitsFromEnv() });
  return { status: outcome.status, errors: outcome.problems.problems.filter((p) => p.severity === 'error') };
}

describe('one rule, both paths', () => {
  it('a town with villages never becomes a village (the importer used to do it)', async () => {
    const api1 = await api.gql(`mutation { updateArea(code: "330110101", input: { kind: VILLAGE, parentCode: "330110102" }) { code } }`);
    expect(api1.errors?.[0].extensions?.problems).toContainEqual({
      field: 'input.kind',
      rule: 'cannot change the kind of an area that has areas under it (TOWN → VILLAGE, 1 below it)',
      value: 'VILLAGE',
    });
    const sheet = await importRow('areas', { 行政区划代码: '330110101', 名称: '镇1', 类型: '村', 上级代码: '330110102', 来源: 'test' });
    expect(sheet.errors).toContainEqual(
      expect.objectContaining({
        row: 2,
        column: '类型',
        value: '村',
        rule: 'cannot change the kind of an area that has areas under it (TOWN → VILLAGE, 1 below it)',
      }),
    );
  });

  it('changing only the kind names the parent kind (it used to say "not a undefined")', async () => {
    const ok = await api.data(`mutation { updateArea(code: "330110101201", input: { kind: COMMUNITY }) { kind parent { code } } }`);
    expect(ok.updateArea).toEqual({ kind: 'COMMUNITY', parent: { code: '330110101' } });
    const bad = await api.gql(`mutation { updateArea(code: "330110102201", input: { kind: TOWN }) { kind } }`);
    expect(bad.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.parentCode',
      rule: 'a TOWN must be under a DISTRICT, not a TOWN',
    });
  });

  it('a lower-case project code from the API is the code a sheet refers to', async () => {
    await api.data(
      `mutation { createProject(input: { code: "mt-1", name: "山区项目", sector: "文旅", hostAreaCode: "330110101", signedAmount: "1", signedOn: "2023-01-01", source: "t" }) { code } }`,
    );
    const flow = await importRow('fund_flows', { 项目编号: 'mt-1', 凭证号: '记-1', 资金类型: '承诺', 金额: '5万', 日期: '2023-02-01', 来源: 't' });
    expect(flow).toEqual({ status: 'ok', errors: [] });
    const flows = await api.data(`{ project(code: "MT-1") { fundFlows { nodes { amount } } } }`);
    expect(flows.project.fundFlows.nodes).toEqual([{ amount: '50000' }]);
  });

  it('head counts, name lengths and pairing codes have the API limits in sheets too', async () => {
    const jobs = await importRow('workshops', { 村代码: '330110101201', 名称: '工坊', 类型: '来料加工', 带动就业人数: '5000000', 来源: 't' });
    expect(jobs.errors).toEqual([expect.objectContaining({ column: '带动就业人数', value: '5000000', rule: 'must be an integer between 0 and 1000000' })]);
    const viaApi = await api.gql(
      `mutation { createWorkshop(input: { villageCode: "330110101201", name: "工坊", type: PROCESSING, jobsCreated: 5000000, source: "t" }) { name } }`,
    );
    expect(viaApi.errors?.[0].extensions).toMatchObject({ field: 'input.jobsCreated', rule: 'must be an integer between 0 and 1000000' });

    const long = '名'.repeat(300);
    const name = await importRow('projects', {
      项目编号: 'LONG-1',
      项目名称: long,
      行业: '文旅',
      所在区域代码: '330110101',
      签约金额: '1',
      签约日期: '2023-01-01',
      来源: 't',
    });
    expect(name.errors).toEqual([expect.objectContaining({ column: '项目名称', rule: 'must be at most 200 characters' })]);

    const code = await importRow('pairings', {
      结对编号: 'EV/1',
      结对机制: '其他',
      牵头方区域代码: '330110101',
      结对方区域代码: '330110102',
      开始日期: '2023-01-01',
      来源: 't',
    });
    expect(code.errors).toEqual([
      expect.objectContaining({ column: '结对编号', value: 'EV/1', rule: 'must be letters, digits, ".", "_" or "-", starting with a letter or digit' }),
    ]);
    const codeApi = await api.gql(
      `mutation { createPairing(input: { code: "EV/1", scheme: OTHER, leadAreaCode: "330110101", partnerAreaCode: "330110102", startDate: "2023-01-01", source: "t" }) { code } }`,
    );
    expect(codeApi.errors?.[0].extensions).toMatchObject({ rule: 'must be letters, digits, ".", "_" or "-", starting with a letter or digit' });
  });
});
