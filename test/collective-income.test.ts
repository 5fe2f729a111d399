import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCreditCode } from '../src/enterprise/credit-code.js';
import { startTestApi, type TestApi } from './support/api.js';

let api: TestApi;

const CREATE_AREA = `mutation($input: AreaInput!) { createArea(input: $input) { code } }`;
const FIELDS = `year village { code } operatingIncome businessIncome contractingIncome investmentIncome subsidyIncome otherIncome source`;
const CREATE = `mutation($input: CollectiveIncomeInput!) { createCollectiveIncome(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation($key: CollectiveIncomeKeyInput!, $input: CollectiveIncomeInput!) { updateCollectiveIncome(key: $key, input: $input) { ${FIELDS} } }`;
const PARTS_RULE = '经营收入 businessIncome + 发包及上交收入 contractingIncome + 投资收益 investmentIncome';

function years(res: { collectiveIncomes: { nodes: { year: number; village: { code: string } }[] } }): string[] {
  return res.collectiveIncomes.nodes.map((n) => `${n.village.code}/${n.year}`);
}

beforeAll(async () => {
  api = await startTestApi();
  const areas = [
    { code: '330110', name: '余杭区', kind: 'DISTRICT' },
    { code: '330110110', name: '鸬鸟镇', kind: 'TOWN', parentCode: '330110', mountain: true },
    { code: '330110110201', name: '仙佰坑村', kind: 'VILLAGE', parentCode: '330110110' },
    { code: '330110110202', name: '前庄村', kind: 'VILLAGE', parentCode: '330110110' },
    { code: '330110110203', name: '太平山村', kind: 'VILLAGE', parentCode: '330110110' },
    { code: '330110109', name: '径山镇', kind: 'TOWN', parentCode: '330110', mountain: true },
    { code: '330110109201', name: '径山村', kind: 'COMMUNITY', parentCode: '330110109' },
  ];
  for (const a of areas) await api.data(CREATE_AREA, { input: { ...a, source: 'test' } });
});
afterAll(async () => api?.close());

describe('collective incomes', () => {
  it('derives operating income as the exact sum of 经营收入 + 发包及上交收入 + 投资收益, leaving subsidies and other income out', async () => {
    const res = await api.data(CREATE, {
      input: {
        villageCode: '330110110201',
        year: 2022,
        businessIncome: '1000000.10',
        contractingIncome: '2000000.20',
        investmentIncome: '-0.30',
        subsidyIncome: '500000',
        otherIncome: '1',
        source: 'illustrative',
      },
    });
    expect(res.createCollectiveIncome).toEqual({
      year: 2022,
      village: { code: '330110110201' },
      operatingIncome: '3000000',
      businessIncome: '1000000.1',
      contractingIncome: '2000000.2',
      investmentIncome: '-0.3',
      subsidyIncome: '500000',
      otherIncome: '1',
      source: 'illustrative',
    });
  });

  it('refuses parts that do not add up to the given operating income, stating the expected sum', async () => {
    const input = { villageCode: '330110110201', year: 2021, businessIncome: '10', contractingIncome: '20', investmentIncome: '30.5', source: 'illustrative' };
    const res = await api.gql(CREATE, { input: { ...input, operatingIncome: '100' } });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.operatingIncome', rule: `must equal ${PARTS_RULE} = 60.5` });
    const ok = await api.data(CREATE, { input: { ...input, operatingIncome: '60.50' } });
    expect(ok.createCollectiveIncome.operatingIncome).toBe('60.5');
  });

  it('requires operating income unless all three parts are given', async () => {
    const res = await api.gql(CREATE, { input: { villageCode: '330110110203', year: 2022, businessIncome: '10', contractingIncome: '20', source: 'x' } });
    expect(res.errors?.[0].extensions?.problems).toEqual([
      { field: 'input.operatingIncome', rule: 'is required unless businessIncome, contractingIncome, investmentIncome are all given (it is then their sum)' },
    ]);
  });

  it('keeps money exact: "1234567.89" and 7.1亿 come back exactly in yuan, 万 and 亿', async () => {
    const q = `mutation($input: CollectiveIncomeInput!) { createCollectiveIncome(input: $input) {
      operatingIncome wan: operatingIncome(unit: WAN) yi: operatingIncome(unit: YI) businessIncome(unit: WAN) } }`;
    const a = await api.data(q, { input: { villageCode: '330110110202', year: 2022, operatingIncome: '1234567.89', source: 'illustrative' } });
    expect(a.createCollectiveIncome).toEqual({ operatingIncome: '1234567.89', wan: '123.456789', yi: '0.0123456789', businessIncome: null });
    const b = await api.data(q, { input: { villageCode: '330110110203', year: 2022, operatingIncome: '7.1亿', source: 'illustrative' } });
    expect(b.createCollectiveIncome).toEqual({ operatingIncome: '710000000', wan: '71000', yi: '7.1', businessIncome: null });
    const read = await api.data(
      `{ collectiveIncomeRecord(key: { villageCode: "330110110202", year: 2022 }) { operatingIncome yi: operatingIncome(unit: YI) } }`,
    );
    expect(read.collectiveIncomeRecord).toEqual({ operatingIncome: '1234567.89', yi: '0.0123456789' });
  });

  it('reports every invalid field of an input at once (a negative 投资收益 is allowed) and writes nothing', async () => {
    const res = await api.gql(CREATE, {
      input: { villageCode: '330110110', year: 1900, businessIncome: '-5', investmentIncome: '-3', subsidyIncome: '-1', otherIncome: '-2' },
    });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const problems = res.errors?.[0].extensions?.problems as { field: string; rule: string }[];
    expect(problems.map((p) => p.field)).toEqual([
      'input.source',
      'input.villageCode',
      'input.year',
      'input.businessIncome',
      'input.subsidyIncome',
      'input.otherIncome',
      'input.operatingIncome',
    ]);
    expect(problems[2].rule).toBe('must be an integer between 1949 and 2100');
    expect(problems[1].rule).toBe('must be a VILLAGE or COMMUNITY, not a TOWN');
    expect((await api.data(`{ collectiveIncomes { totalCount } }`)).collectiveIncomes.totalCount).toBe(4);
  });

  it('filters by area subtree, year, year range and village codes, latest year first, and pages with cursors', async () => {
    for (const [year, amount] of [
      [2020, '1'],
      [2021, '2'],
      [2022, '3'],
    ] as const) {
      await api.data(CREATE, { input: { villageCode: '330110109201', year, operatingIncome: amount, source: 'illustrative' } });
    }
    const q = `query($filter: CollectiveIncomeFilter, $first: Int, $after: String) {
      collectiveIncomes(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { year village { code } } } }`;
    const town = await api.data(q, { filter: { within: '330110110' } });
    expect(town.collectiveIncomes.totalCount).toBe(4);
    expect(town.collectiveIncomes.nodes.map((n: { year: number }) => n.year)).toEqual([2022, 2022, 2022, 2021]);
    expect(years(await api.data(q, { filter: { within: '330110', year: 2021 } })).sort()).toEqual(['330110109201/2021', '330110110201/2021']);
    expect(years(await api.data(q, { filter: { years: { from: 2020, to: 2021 }, villageCodes: ['330110109201'] } }))).toEqual([
      '330110109201/2021',
      '330110109201/2020',
    ]);
    expect(years(await api.data(q, { filter: { years: { to: 2020 } } }))).toEqual(['330110109201/2020']);

    const first = await api.data(q, { first: 4 });
    expect(first.collectiveIncomes).toMatchObject({ totalCount: 7, pageInfo: { hasNextPage: true } });
    const rest = await api.data(q, { first: 4, after: first.collectiveIncomes.pageInfo.endCursor });
    expect(rest.collectiveIncomes.pageInfo.hasNextPage).toBe(false);
    expect(new Set([...years(first), ...years(rest)]).size).toBe(7);

    const top = await api.data(
      `{ collectiveIncomes(first: 1, orderBy: [{ field: OPERATING_INCOME, direction: DESC }]) { nodes { village { code } operatingIncome(unit: YI) } } }`,
    );
    expect(top.collectiveIncomes.nodes).toEqual([{ village: { code: '330110110203' }, operatingIncome: '7.1' }]);
  });

  it('lists a village’s own rows on Area.collectiveIncomes, latest year first; a town has none of its own', async () => {
    const res = await api.data(
      `{ areas(filter: { codes: ["330110109", "330110109201"] }) { nodes { code collectiveIncomes(first: 2) { totalCount nodes { year operatingIncome } } } } }`,
    );
    expect(res.areas.nodes).toEqual([
      { code: '330110109', collectiveIncomes: { totalCount: 0, nodes: [] } },
      {
        code: '330110109201',
        collectiveIncomes: {
          totalCount: 3,
          nodes: [
            { year: 2022, operatingIncome: '3' },
            { year: 2021, operatingIncome: '2' },
          ],
        },
      },
    ]);
  });

  it('updates by village code and year: a changed part recomputes operating income, a mismatching one is refused', async () => {
    const key = { villageCode: '330110110201', year: 2022 };
    const upd = await api.data(UPDATE, { key, input: { investmentIncome: '99.70' } });
    expect(upd.updateCollectiveIncome).toMatchObject({ operatingIncome: '3000100', investmentIncome: '99.7', subsidyIncome: '500000' });

    const bad = await api.gql(UPDATE, { key, input: { operatingIncome: '1' } });
    expect(bad.errors?.[0].extensions).toMatchObject({ field: 'input.operatingIncome', rule: `must equal ${PARTS_RULE} = 3000100` });

    const taken = await api.gql(UPDATE, { key, input: { year: 2021 } });
    expect(taken.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'input.year' });

    const cleared = await api.data(UPDATE, { key, input: { businessIncome: null, operatingIncome: '5' } });
    expect(cleared.updateCollectiveIncome).toMatchObject({ operatingIncome: '5', businessIncome: null, contractingIncome: '2000000.2' });

    const moved = await api.data(UPDATE, { key, input: { year: 2019 } });
    expect(moved.updateCollectiveIncome).toMatchObject({ year: 2019, operatingIncome: '5' });
    const gone = await api.gql(`mutation($key: CollectiveIncomeKeyInput!) { deleteCollectiveIncome(key: $key) }`, { key });
    expect(gone.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });

    const del = await api.data(`mutation { deleteCollectiveIncome(key: { villageCode: "330110110201", year: 2019 }) }`);
    expect((await api.data(`query($id: ID!) { node(id: $id) { id } }`, { id: del.deleteCollectiveIncome })).node).toBeNull();
    expect((await api.data(`{ collectiveIncomeRecord(key: { villageCode: "330110110201", year: 2019 }) { year } }`)).collectiveIncomeRecord).toBeNull();
  });

  it('answers a nested areas → workshops → host enterprise / collective incomes query with the same number of statements at two data sizes', async () => {
    const conn = api.orm.em.fork().getConnection();
    const enterprise = makeCreditCode('91330110000000003');
    await conn.execute(
      `insert into enterprise (source, created_at, updated_at, credit_code, name, ownership, tags) values ('test', now(), now(), ?, '小咖资本', 'PRIVATE', '{}')`,
      [enterprise],
    );
    const workshop = `mutation($input: WorkshopInput!) { createWorkshop(input: $input) { name } }`;
    await api.data(workshop, {
      input: { name: '村团长', type: 'LIVE_COMMERCE', villageCode: '330110110201', hostEnterpriseCreditCode: enterprise, source: 'x' },
    });

    const query = `{ areas(first: 100) { nodes { code
      workshops { totalCount nodes { name hostEnterprise { name } } }
      collectiveIncomes { nodes { year operatingIncome(unit: WAN) } } } } }`;
    type Result = {
      areas: { nodes: { workshops: { totalCount: number; nodes: { hostEnterprise: { name: string } | null }[] }; collectiveIncomes: { nodes: unknown[] } }[] };
    };
    const measure = async () => {
      const before = api.statements();
      const data = await api.data<Result>(query);
      return { statements: api.statements() - before, data };
    };
    const small = await measure();

    for (let i = 1; i <= 6; i++) {
      const code = `33011011030${i}`;
      await api.data(CREATE_AREA, { input: { code, name: `村${i}`, kind: 'VILLAGE', parentCode: '330110110', source: 'x' } });
      for (const name of ['甲', '乙']) {
        await api.data(workshop, { input: { name, type: 'PROCESSING', villageCode: code, hostEnterpriseCreditCode: enterprise, source: 'x' } });
      }
      for (const year of [2021, 2022]) await api.data(CREATE, { input: { villageCode: code, year, operatingIncome: `${i}万`, source: 'x' } });
    }
    const large = await measure();

    const count = (r: Result) => ({
      areas: r.areas.nodes.length,
      workshops: r.areas.nodes.reduce((n, a) => n + a.workshops.nodes.filter((w) => w.hostEnterprise).length, 0),
      incomes: r.areas.nodes.reduce((n, a) => n + a.collectiveIncomes.nodes.length, 0),
    });
    expect(count(small.data)).toEqual({ areas: 7, workshops: 1, incomes: 6 });
    expect(count(large.data)).toEqual({ areas: 13, workshops: 13, incomes: 18 });
    expect(large.statements).toBe(small.statements);
    expect(small.statements).toBeLessThanOrEqual(7);
  });
});
