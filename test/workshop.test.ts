import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCreditCode } from '../src/enterprise/credit-code.js';
import { startTestApi, type TestApi } from './support/api.js';

let api: TestApi;

const HUALI = makeCreditCode('91330110000000001');
const WENLV = makeCreditCode('91330110000000002');

const CREATE_AREA = `mutation($input: AreaInput!) { createArea(input: $input) { code } }`;
const CREATE = `mutation($input: WorkshopInput!) {
  createWorkshop(input: $input) { id name type openedOn jobsCreated lowIncomeJobs source
    incomeGainPerPerson yuan: incomeGainPerPerson(unit: YUAN) wan: incomeGainPerPerson(unit: WAN) yi: incomeGainPerPerson(unit: YI)
    village { code } hostEnterprise { creditCode name } } }`;

/** Runs SQL directly (enterprises are set up this way while their mutations are being written). */
function sql(query: string, params: unknown[] = []) {
  return api.orm.em.fork().getConnection().execute(query, params);
}

function names(res: { workshops: { nodes: { name: string }[] } }): string[] {
  return res.workshops.nodes.map((n) => n.name);
}

beforeAll(async () => {
  api = await startTestApi();
  const areas = [
    { code: '330110', name: '余杭区', kind: 'DISTRICT' },
    { code: '330110110', name: '鸬鸟镇', kind: 'TOWN', parentCode: '330110', mountain: true },
    { code: '330110110201', name: '仙佰坑村', kind: 'VILLAGE', parentCode: '330110110' },
    { code: '330110110202', name: '前庄村', kind: 'VILLAGE', parentCode: '330110110' },
    { code: '330110110001', name: '鸬鸟社区', kind: 'COMMUNITY', parentCode: '330110110' },
    { code: '330110109', name: '径山镇', kind: 'TOWN', parentCode: '330110', mountain: true },
    { code: '330110109201', name: '径山村', kind: 'VILLAGE', parentCode: '330110109' },
  ];
  for (const a of areas) await api.data(CREATE_AREA, { input: { ...a, source: 'test' } });
  await sql(
    `insert into enterprise (source, created_at, updated_at, credit_code, name, ownership, tags)
     values ('test', now(), now(), ?, '华立集团', 'PRIVATE', '{}'), ('test', now(), now(), ?, '区文旅集团', 'STATE_OWNED', '{}')`,
    [HUALI, WENLV],
  );
});
afterAll(async () => api?.close());

describe('workshops', () => {
  it('creates a workshop and reads back its village, host enterprise and income gain in yuan, 万 and 亿', async () => {
    const res = await api.data(CREATE, {
      input: {
        name: '村团长',
        type: 'LIVE_COMMERCE',
        villageCode: '330110110201',
        hostEnterpriseCreditCode: WENLV.toLowerCase(),
        openedOn: '2022-05-01',
        jobsCreated: 180,
        lowIncomeJobs: 40,
        incomeGainPerPerson: '1.5万',
        source: '余杭区委宣传部, 2023',
      },
    });
    expect(res.createWorkshop).toMatchObject({
      name: '村团长',
      type: 'LIVE_COMMERCE',
      openedOn: '2022-05-01',
      jobsCreated: 180,
      lowIncomeJobs: 40,
      incomeGainPerPerson: '15000',
      yuan: '15000',
      wan: '1.5',
      yi: '0.00015',
      village: { code: '330110110201' },
      hostEnterprise: { creditCode: WENLV, name: '区文旅集团' },
    });
    const read = await api.data(
      `{ workshop(key: { villageCode: "330110110201", name: "村团长" }) { name openedOn incomeGainPerPerson(unit: WAN) village { name } } }`,
    );
    expect(read.workshop).toEqual({ name: '村团长', openedOn: '2022-05-01', incomeGainPerPerson: '1.5', village: { name: '仙佰坑村' } });
  });

  it('keeps money exact: 1,234,567.89 comes back as "1234567.89" and exactly in 万 and 亿', async () => {
    const res = await api.data(CREATE, {
      input: { name: '鸬鸟味·道不完', type: 'BRAND_LED', villageCode: '330110110202', incomeGainPerPerson: '1,234,567.89', source: 'illustrative' },
    });
    expect(res.createWorkshop).toMatchObject({
      yuan: '1234567.89',
      wan: '123.456789',
      yi: '0.0123456789',
      hostEnterprise: null,
      openedOn: null,
      jobsCreated: 0,
    });
    const read = await api.data(`{ workshop(key: { villageCode: "330110110202", name: "鸬鸟味·道不完" }) { incomeGainPerPerson } }`);
    expect(read.workshop.incomeGainPerPerson).toBe('1234567.89');
  });

  it('filters workshops within a town, by type, host enterprise, opening date and name, and pages with cursors', async () => {
    const more = [
      { name: '蜜梨工坊', type: 'AGRI_TOURISM', villageCode: '330110110001', hostEnterpriseCreditCode: HUALI, openedOn: '2021-03-01' },
      { name: '科技小院', type: 'INDUSTRY_EMPOWERMENT', villageCode: '330110110201', openedOn: '2023-01-15' },
      { name: '径山茶坊', type: 'PROCESSING', villageCode: '330110109201', hostEnterpriseCreditCode: HUALI, openedOn: '2022-07-01' },
    ];
    for (const input of more) await api.data(CREATE, { input: { ...input, source: 'illustrative' } });

    const q = `query($filter: WorkshopFilter, $first: Int, $after: String) {
      workshops(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { name } } }`;
    const inTown = await api.data(q, { filter: { within: '330110110' } });
    expect(inTown.workshops.totalCount).toBe(4);
    expect(names(inTown)).toEqual(['村团长', '科技小院', '蜜梨工坊', '鸬鸟味·道不完'].sort());
    expect(names(await api.data(q, { filter: { within: '330110' } }))).toHaveLength(5);
    expect(names(await api.data(q, { filter: { types: ['PROCESSING', 'AGRI_TOURISM'] } }))).toEqual(['径山茶坊', '蜜梨工坊'].sort());
    expect(names(await api.data(q, { filter: { hostEnterpriseCreditCode: HUALI, within: '330110110' } }))).toEqual(['蜜梨工坊']);
    expect(names(await api.data(q, { filter: { openedOn: { from: '2022-01-01', to: '2022-12-31' } } }))).toEqual(['径山茶坊', '村团长'].sort());
    expect(names(await api.data(q, { filter: { nameContains: '工坊' } }))).toEqual(['蜜梨工坊']);
    const dated = await api.data(
      `{ workshops(filter: { openedOn: { from: "2022-01-01" } }, orderBy: [{ field: OPENED_ON, direction: DESC }]) { nodes { openedOn } } }`,
    );
    expect(dated.workshops.nodes).toEqual([{ openedOn: '2023-01-15' }, { openedOn: '2022-07-01' }, { openedOn: '2022-05-01' }]);

    const first = await api.data(q, { filter: { within: '330110' }, first: 3 });
    expect(first.workshops.pageInfo.hasNextPage).toBe(true);
    const rest = await api.data(q, { filter: { within: '330110' }, first: 3, after: first.workshops.pageInfo.endCursor });
    expect(rest.workshops.pageInfo.hasNextPage).toBe(false);
    expect([...names(first), ...names(rest)]).toEqual(names(await api.data(q, { filter: { within: '330110' } })));

    const byJobs = await api.data(`{ workshops(first: 2, orderBy: [{ field: JOBS_CREATED, direction: DESC }]) { nodes { name jobsCreated } } }`);
    expect(byJobs.workshops.nodes[0]).toEqual({ name: '村团长', jobsCreated: 180 });
  });

  it('lists the workshops of a village on Area and those an enterprise hosts on Enterprise', async () => {
    const res = await api.data(`{
      areas(filter: { codes: ["330110110201", "330110110"] }) { nodes { code workshops { totalCount nodes { name } } } }
      workshop(key: { villageCode: "330110110001", name: "蜜梨工坊" }) { hostEnterprise { workshops { totalCount nodes { name village { code } } } } } }`);
    expect(res.areas.nodes).toEqual([
      { code: '330110110', workshops: { totalCount: 0, nodes: [] } },
      { code: '330110110201', workshops: { totalCount: 2, nodes: [{ name: '村团长' }, { name: '科技小院' }] } },
    ]);
    expect(res.workshop.hostEnterprise.workshops).toEqual({
      totalCount: 2,
      nodes: [
        { name: '径山茶坊', village: { code: '330110109201' } },
        { name: '蜜梨工坊', village: { code: '330110110001' } },
      ],
    });
  });

  it('reports every invalid field of an input at once and writes nothing', async () => {
    const res = await api.gql(CREATE, {
      input: {
        villageCode: '330110110',
        hostEnterpriseCreditCode: makeCreditCode('91330110000000009'),
        jobsCreated: 3,
        lowIncomeJobs: 5,
        incomeGainPerPerson: '-1',
      },
    });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const problems = res.errors?.[0].extensions?.problems as { field: string; rule: string }[];
    expect(problems.map((p) => p.field)).toEqual([
      'input.name',
      'input.type',
      'input.source',
      'input.villageCode',
      'input.hostEnterpriseCreditCode',
      'input.incomeGainPerPerson',
      'input.lowIncomeJobs',
    ]);
    expect(problems.find((p) => p.field === 'input.villageCode')?.rule).toBe('must be a VILLAGE or COMMUNITY, not a TOWN');
    expect(problems.find((p) => p.field === 'input.lowIncomeJobs')?.rule).toBe('must not exceed jobsCreated (3)');
    expect((await api.data(`{ workshops { totalCount } }`)).workshops.totalCount).toBe(5);
  });

  it('refuses a second workshop of the same name in the same village, naming the field', async () => {
    const res = await api.gql(CREATE, { input: { name: '村团长', type: 'PROCESSING', villageCode: '330110110201', source: 'test' } });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'input.name' });
  });

  it('updates a workshop by village code and name, checking the new values against the stored ones, and deletes it', async () => {
    const key = { villageCode: '330110110201', name: '科技小院' };
    const bad = await api.gql(`mutation($key: WorkshopKeyInput!) { updateWorkshop(key: $key, input: { lowIncomeJobs: 1 }) { name } }`, { key });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.lowIncomeJobs', rule: 'must not exceed jobsCreated (0)' });

    const upd = await api.data(
      `mutation($key: WorkshopKeyInput!) { updateWorkshop(key: $key, input: { name: "科技小院（二期）", villageCode: "330110110202", jobsCreated: 12, hostEnterpriseCreditCode: "${HUALI}" }) {
        name type openedOn jobsCreated village { code } hostEnterprise { name } } }`,
      { key },
    );
    expect(upd.updateWorkshop).toEqual({
      name: '科技小院（二期）',
      type: 'INDUSTRY_EMPOWERMENT',
      openedOn: '2023-01-15',
      jobsCreated: 12,
      village: { code: '330110110202' },
      hostEnterprise: { name: '华立集团' },
    });
    const old = await api.gql(`mutation($key: WorkshopKeyInput!) { deleteWorkshop(key: $key) }`, { key });
    expect(old.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });

    const newKey = { villageCode: '330110110202', name: '科技小院（二期）' };
    const cleared = await api.data(
      `mutation($key: WorkshopKeyInput!) { updateWorkshop(key: $key, input: { hostEnterpriseCreditCode: null, openedOn: null }) { hostEnterprise { name } openedOn } }`,
      {
        key: newKey,
      },
    );
    expect(cleared.updateWorkshop).toEqual({ hostEnterprise: null, openedOn: null });
    const del = await api.data(`mutation($key: WorkshopKeyInput!) { deleteWorkshop(key: $key) }`, { key: newKey });
    expect((await api.data(`query($id: ID!) { node(id: $id) { id } }`, { id: del.deleteWorkshop })).node).toBeNull();
    expect((await api.data(`query($key: WorkshopKeyInput!) { workshop(key: $key) { name } }`, { key: newKey })).workshop).toBeNull();
  });
});
