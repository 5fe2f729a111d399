import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRollups } from '../src/db/rollups.js';
import { startTestApi, type TestApi } from './support/api.js';

/**
 * Distinct counts do not add up across months or areas: a project with landings in January and in
 * February is one project of the quarter and of the year, not two. The rollups keep them per grain;
 * these cases are worked out by hand.
 */
let api: TestApi;

const AREAS = [
  { code: '330110', name: '余杭区', kind: 'DISTRICT' },
  { code: '330110101', name: '甲镇', kind: 'TOWN', parentCode: '330110', mountain: true },
  { code: '330110102', name: '乙镇', kind: 'TOWN', parentCode: '330110' },
  { code: '330110101201', name: '甲一村', kind: 'VILLAGE', parentCode: '330110101' },
  { code: '330110101202', name: '甲二村', kind: 'VILLAGE', parentCode: '330110101' },
  { code: '330110102201', name: '乙一村', kind: 'VILLAGE', parentCode: '330110102' },
];

async function write(query: string, variables: Record<string, unknown>): Promise<void> {
  const res = await api.gql(query, variables);
  expect(res.errors).toBeUndefined();
}
const flow = (projectCode: string, kind: string, occurredOn: string, amount: string) =>
  write(`mutation($i: FundFlowInput!) { createFundFlow(input: $i) { id } }`, { i: { projectCode, kind, occurredOn, amount, source: 'test' } });

beforeAll(async () => {
  api = await startTestApi();
  for (const a of AREAS) await write(`mutation($i: AreaInput!) { createArea(input: $i) { code } }`, { i: { ...a, source: 'test' } });
  for (const [code, host] of [
    ['A', '330110101201'],
    ['B', '330110101202'],
    ['C', '330110102201'],
  ]) {
    await write(`mutation($i: ProjectInput!) { createProject(input: $i) { code } }`, {
      i: { code, name: `项目${code}`, sector: '文旅', hostAreaCode: host, signedAmount: '1亿', signedOn: '2021-12-01', source: 'test' },
    });
  }
  await flow('A', 'LANDED', '2022-01-10', '100.10');
  await flow('A', 'LANDED', '2022-02-10', '200.20');
  await flow('B', 'LANDED', '2022-02-15', '300.30');
  await flow('A', 'COMMITMENT', '2022-05-01', '1000');
  await flow('C', 'LANDED', '2023-03-03', '5');
}, 60_000);

afterAll(async () => {
  await api?.close();
});

describe('distinct counts from the rollups', () => {
  it('count a project with landings in two months once in their quarter and year, and once per month', async () => {
    const year = await api.data(`{ fundsLanded(filter: { period: { year: 2022 } }) { total projectCount } }`);
    expect(year.fundsLanded).toEqual({ total: '600.6', projectCount: 2 });
    const byMonth = await api.data(
      `{ fundsLanded(filter: { period: { year: 2022 } }, groupBy: [MONTH]) { projectCount groups { month { month } total projectCount } } }`,
    );
    expect(byMonth.fundsLanded.projectCount).toBe(2);
    expect(byMonth.fundsLanded.groups).toEqual([
      { month: { month: 1 }, total: '100.1', projectCount: 1 },
      { month: { month: 2 }, total: '500.5', projectCount: 2 },
    ]);
    const byQuarter = await api.data(`{ fundsLanded(groupBy: [QUARTER]) { projectCount groups { quarter { year quarter } projectCount } } }`);
    expect(byQuarter.fundsLanded.projectCount).toBe(3);
    expect(byQuarter.fundsLanded.groups).toEqual([
      { quarter: { year: 2022, quarter: 1 }, projectCount: 2 },
      { quarter: { year: 2023, quarter: 1 }, projectCount: 1 },
    ]);
  });

  it('count projects once across areas and kinds: a town, the mountain towns, committed and landed', async () => {
    const byTown = await api.data(
      `{ funds(filter: { period: { year: 2022 } }, groupBy: [TOWN]) { projectCount committedProjectCount landedProjectCount groups { area { code } projectCount committedProjectCount landedProjectCount } } }`,
    );
    expect(byTown.funds).toEqual({
      projectCount: 2,
      committedProjectCount: 1,
      landedProjectCount: 2,
      groups: [{ area: { code: '330110101' }, projectCount: 2, committedProjectCount: 1, landedProjectCount: 2 }],
    });
    const mountain = await api.data(`{ funds(filter: { area: { mountain: true } }, groupBy: [YEAR]) { projectCount groups { year projectCount } } }`);
    expect(mountain.funds).toEqual({ projectCount: 2, groups: [{ year: 2022, projectCount: 2 }] });
  });

  it('count exactly over periods that are no single month, quarter or year (from the base tables)', async () => {
    const half = await api.data(
      `{ funds(filter: { period: { from: "2022-01-01", to: "2022-06-30" } }, groupBy: [QUARTER]) { projectCount groups { quarter { quarter } projectCount } } }`,
    );
    expect(half.funds).toEqual({
      projectCount: 2,
      groups: [
        { quarter: { quarter: 1 }, projectCount: 2 },
        { quarter: { quarter: 2 }, projectCount: 1 },
      ],
    });
    const odd = await api.data(`{ fundsLanded(filter: { period: { from: "2022-02-01", to: "2023-03-03" } }) { total projectCount } }`);
    expect(odd.fundsLanded).toEqual({ total: '505.5', projectCount: 3 });
  });

  it('keep the count after a landing moves to another month and another is deleted', async () => {
    await write(`mutation($k: FundFlowKeyInput!, $i: FundFlowInput!) { updateFundFlow(key: $k, input: $i) { id } }`, {
      k: { projectCode: 'A', kind: 'LANDED', occurredOn: '2022-01-10' },
      i: { occurredOn: '2022-02-01' },
    });
    let byMonth = await api.data(
      `{ fundsLanded(filter: { period: { year: 2022, quarter: 1 } }, groupBy: [MONTH]) { projectCount groups { month { month } projectCount total } } }`,
    );
    expect(byMonth.fundsLanded).toEqual({ projectCount: 2, groups: [{ month: { month: 2 }, projectCount: 2, total: '600.6' }] });
    await write(`mutation($k: FundFlowKeyInput!) { deleteFundFlow(key: $k) }`, { k: { projectCode: 'B', kind: 'LANDED', occurredOn: '2022-02-15' } });
    byMonth = await api.data(
      `{ fundsLanded(filter: { period: { year: 2022, quarter: 1 } }, groupBy: [MONTH]) { projectCount groups { month { month } projectCount total } } }`,
    );
    expect(byMonth.fundsLanded).toEqual({ projectCount: 1, groups: [{ month: { month: 2 }, projectCount: 1, total: '300.3' }] });
  });

  it('compare only villages with both years, per town, as figures come and go', async () => {
    const income = (villageCode: string, year: number, operatingIncome: string) =>
      write(`mutation($i: CollectiveIncomeInput!) { createCollectiveIncome(input: $i) { year } }`, {
        i: { villageCode, year, operatingIncome, source: 'test' },
      });
    await income('330110101201', 2021, '100');
    await income('330110101201', 2022, '150');
    await income('330110101202', 2022, '70');
    await income('330110102201', 2021, '10');
    const q = `{ collectiveIncome(year: 2022, groupBy: [TOWN]) { comparableVillageCount change groups { area { code } villagesInScope villageCount comparableVillageCount change } } }`;
    expect((await api.data(q)).collectiveIncome).toEqual({
      comparableVillageCount: 1,
      change: '50',
      groups: [
        { area: { code: '330110101' }, villagesInScope: 2, villageCount: 2, comparableVillageCount: 1, change: '50' },
        { area: { code: '330110102' }, villagesInScope: 1, villageCount: 0, comparableVillageCount: 0, change: null },
      ],
    });
    await write(`mutation($k: CollectiveIncomeKeyInput!) { deleteCollectiveIncome(key: $k) }`, { k: { villageCode: '330110101201', year: 2021 } });
    await income('330110102201', 2022, '25');
    expect((await api.data(q)).collectiveIncome).toEqual({
      comparableVillageCount: 1,
      change: '15',
      groups: [
        { area: { code: '330110101' }, villagesInScope: 2, villageCount: 2, comparableVillageCount: 0, change: null },
        { area: { code: '330110102' }, villagesInScope: 1, villageCount: 1, comparableVillageCount: 1, change: '15' },
      ],
    });
  });

  it('takes concurrent writes to the same rollup keys one after the other, none refused', async () => {
    const days = Array.from({ length: 12 }, (_, i) => `2024-03-${String(i + 1).padStart(2, '0')}`);
    const results = await Promise.all(
      days.map((occurredOn, i) =>
        api.gql(`mutation($i: FundFlowInput!) { createFundFlow(input: $i) { id } }`, {
          i: { projectCode: i % 2 ? 'A' : 'B', kind: 'LANDED', occurredOn, amount: '1.01', source: 'test' },
        }),
      ),
    );
    expect(results.map((r) => r.errors ?? null)).toEqual(days.map(() => null));
    const march = await api.data(`{ fundsLanded(filter: { period: { year: 2024, month: 3 } }) { total projectCount } }`);
    expect(march.fundsLanded).toEqual({ total: '12.12', projectCount: 2 });
    expect(await checkRollups(api.databaseUrl)).toEqual([]);
  });
});
