import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './support/api.js';

let api: TestApi;

const CREATE_AREA = `mutation($input: AreaInput!) { createArea(input: $input) { code } }`;
const CREATE = `mutation($input: FundFlowInput!) {
  createFundFlow(input: $input) { id kind occurredOn source amount yuan: amount(unit: YUAN) wan: amount(unit: WAN) yi: amount(unit: YI) project { code name } } }`;
const UPDATE = `mutation($key: FundFlowKeyInput!, $input: FundFlowInput!) { updateFundFlow(key: $key, input: $input) { kind occurredOn amount project { code } } }`;

/** Inserts a project directly (the project mutations are being written at the same time). */
async function insertProject(code: string, name: string, hostCode: string): Promise<void> {
  await api.orm.em
    .fork()
    .getConnection()
    .execute(
      `insert into project (source, created_at, updated_at, code, name, sector, host_id, signed_amount, signed_on)
       values ('test', now(), now(), ?, ?, '文旅', (select id from area where code = ?), '100000000', '2022-01-10')`,
      [code, name, hostCode],
    );
}

function flows(res: { fundFlows: { nodes: { project: { code: string }; kind: string; occurredOn: string }[] } }): string[] {
  return res.fundFlows.nodes.map((n) => `${n.project.code}/${n.kind}/${n.occurredOn}`);
}

beforeAll(async () => {
  api = await startTestApi();
  const areas = [
    { code: '330110', name: '余杭区', kind: 'DISTRICT' },
    { code: '330110110', name: '鸬鸟镇', kind: 'TOWN', parentCode: '330110', mountain: true },
    { code: '330110110201', name: '仙佰坑村', kind: 'VILLAGE', parentCode: '330110110' },
    { code: '330110109', name: '径山镇', kind: 'TOWN', parentCode: '330110', mountain: true },
  ];
  for (const a of areas) await api.data(CREATE_AREA, { input: { ...a, source: 'test' } });
  await insertProject('LN-001', '鸬鸟民宿集群', '330110110');
  await insertProject('LN-002', '仙佰坑研学基地', '330110110201');
  await insertProject('JS-001', '径山茶文化园', '330110109');
});
afterAll(async () => api?.close());

describe('fund flows', () => {
  it('records a fund flow and reads back its project and amount: 710000000 yuan is "7.1" 亿', async () => {
    const res = await api.data(CREATE, {
      input: { projectCode: 'LN-001', kind: 'LANDED', occurredOn: '2022-06-30', amount: '710000000', source: '余杭区委宣传部, 2023' },
    });
    expect(res.createFundFlow).toMatchObject({
      kind: 'LANDED',
      occurredOn: '2022-06-30',
      amount: '710000000',
      yuan: '710000000',
      wan: '71000',
      yi: '7.1',
      project: { code: 'LN-001', name: '鸬鸟民宿集群' },
    });
    const read = await api.data(`{ fundFlow(key: { projectCode: "LN-001", kind: LANDED, occurredOn: "2022-06-30" }) { amount(unit: YI) project { code } } }`);
    expect(read.fundFlow).toEqual({ amount: '7.1', project: { code: 'LN-001' } });
  });

  it('keeps money exact: "1234567.89" and "3.5亿" come back exactly in yuan, 万 and 亿', async () => {
    const a = await api.data(CREATE, {
      input: { projectCode: 'LN-002', kind: 'COMMITMENT', occurredOn: '2022-01-10', amount: '1234567.89', source: 'illustrative' },
    });
    expect(a.createFundFlow).toMatchObject({ yuan: '1234567.89', wan: '123.456789', yi: '0.0123456789' });
    const b = await api.data(CREATE, { input: { projectCode: 'LN-002', kind: 'LANDED', occurredOn: '2022-03-01', amount: '3.5亿', source: 'illustrative' } });
    expect(b.createFundFlow).toMatchObject({ yuan: '350000000', wan: '35000', yi: '3.5' });
    const read = await api.data(`{ fundFlow(key: { projectCode: "LN-002", kind: COMMITMENT, occurredOn: "2022-01-10" }) { amount } }`);
    expect(read.fundFlow.amount).toBe('1234567.89');
  });

  it('reports every invalid field of an input at once and writes nothing', async () => {
    const res = await api.gql(CREATE, { input: { projectCode: 'NOPE-1', amount: '0' } });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].extensions?.problems).toEqual([
      { field: 'input.kind', rule: 'is required' },
      { field: 'input.occurredOn', rule: 'is required' },
      { field: 'input.source', rule: 'is required' },
      { field: 'input.projectCode', rule: 'no project has code NOPE-1', value: 'NOPE-1' },
      { field: 'input.amount', rule: 'must be more than 0', value: '0' },
    ]);
    const negative = await api.gql(CREATE, { input: { projectCode: 'LN-001', kind: 'LANDED', occurredOn: '2022-07-01', amount: '-5', source: 'x' } });
    expect(negative.errors?.[0].extensions).toMatchObject({ field: 'input.amount', rule: 'must be more than 0' });
    expect((await api.data(`{ fundFlows { totalCount } }`)).fundFlows.totalCount).toBe(3);
  });

  it('refuses a second flow of the same kind for the same project on the same day when neither has its own reference', async () => {
    const res = await api.gql(CREATE, { input: { projectCode: 'LN-001', kind: 'LANDED', occurredOn: '2022-06-30', amount: '1', source: 'x' } });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'input.reference' });
    expect(res.errors?.[0].message).toContain(
      'project LN-001 already has a fund flow with reference LANDED-2022-06-30: give this flow its own reference (凭证号)',
    );
  });

  it('filters by project codes, host area subtree, kinds and date range, by date then kind, and pages with cursors', async () => {
    await api.data(CREATE, { input: { projectCode: 'JS-001', kind: 'COMMITMENT', occurredOn: '2022-03-01', amount: '5000万', source: 'x' } });
    await api.data(CREATE, { input: { projectCode: 'JS-001', kind: 'LANDED', occurredOn: '2023-02-01', amount: '1000万', source: 'x' } });
    const q = `query($filter: FundFlowFilter, $first: Int, $after: String) {
      fundFlows(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { kind occurredOn project { code } } } }`;
    expect(flows(await api.data(q, {}))).toEqual([
      'LN-002/COMMITMENT/2022-01-10',
      'JS-001/COMMITMENT/2022-03-01',
      'LN-002/LANDED/2022-03-01',
      'LN-001/LANDED/2022-06-30',
      'JS-001/LANDED/2023-02-01',
    ]);
    expect(flows(await api.data(q, { filter: { within: '330110110' } }))).toEqual([
      'LN-002/COMMITMENT/2022-01-10',
      'LN-002/LANDED/2022-03-01',
      'LN-001/LANDED/2022-06-30',
    ]);
    expect(flows(await api.data(q, { filter: { projectCodes: ['JS-001', 'LN-001'], kinds: ['LANDED'] } }))).toEqual([
      'LN-001/LANDED/2022-06-30',
      'JS-001/LANDED/2023-02-01',
    ]);
    expect(flows(await api.data(q, { filter: { within: '330110', occurredOn: { from: '2022-03-01', to: '2022-12-31' } } }))).toEqual([
      'JS-001/COMMITMENT/2022-03-01',
      'LN-002/LANDED/2022-03-01',
      'LN-001/LANDED/2022-06-30',
    ]);
    expect((await api.data(q, { filter: { within: '330110109', kinds: ['LANDED'], occurredOn: { to: '2022-12-31' } } })).fundFlows.totalCount).toBe(0);

    const first = await api.data(q, { first: 2 });
    expect(first.fundFlows).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: true } });
    const second = await api.data(q, { first: 2, after: first.fundFlows.pageInfo.endCursor });
    expect(flows(second)).toEqual(['LN-002/LANDED/2022-03-01', 'LN-001/LANDED/2022-06-30']);

    const big = await api.data(`{ fundFlows(first: 1, orderBy: [{ field: AMOUNT, direction: DESC }]) { nodes { amount(unit: YI) } } }`);
    expect(big.fundFlows.nodes).toEqual([{ amount: '7.1' }]);
  });

  it('lists a project’s flows on Project.fundFlows by date, then kind', async () => {
    await api.data(CREATE, { input: { projectCode: 'LN-002', kind: 'COMMITMENT', occurredOn: '2022-03-01', amount: '1', source: 'x' } });
    const res = await api.data(`{ fundFlow(key: { projectCode: "LN-002", kind: LANDED, occurredOn: "2022-03-01" }) {
      project { fundFlows { totalCount nodes { kind occurredOn amount(unit: WAN) } } } } }`);
    expect(res.fundFlow.project.fundFlows).toEqual({
      totalCount: 3,
      nodes: [
        { kind: 'COMMITMENT', occurredOn: '2022-01-10', amount: '123.456789' },
        { kind: 'COMMITMENT', occurredOn: '2022-03-01', amount: '0.0001' },
        { kind: 'LANDED', occurredOn: '2022-03-01', amount: '35000' },
      ],
    });
  });

  it('updates a fund flow by project code, kind and date (no reference), and deletes it by its new key', async () => {
    const key = { projectCode: 'LN-002', kind: 'COMMITMENT', occurredOn: '2022-03-01' };
    const clash = await api.gql(UPDATE, { key, input: { reference: 'LANDED-2022-03-01' } });
    expect(clash.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'input.reference' });
    const invalid = await api.gql(UPDATE, { key, input: { amount: '0', projectCode: 'NOPE' } });
    expect(invalid.errors?.[0].extensions?.problems.map((p: { field: string }) => p.field)).toEqual(['input.projectCode', 'input.amount']);

    const same = await api.data(UPDATE, { key, input: { amount: '2.50' } });
    expect(same.updateFundFlow).toEqual({ kind: 'COMMITMENT', occurredOn: '2022-03-01', amount: '2.5', project: { code: 'LN-002' } });
    const moved = await api.data(UPDATE, { key, input: { projectCode: 'JS-001', occurredOn: '2022-04-01' } });
    expect(moved.updateFundFlow).toEqual({ kind: 'COMMITMENT', occurredOn: '2022-04-01', amount: '2.5', project: { code: 'JS-001' } });
    expect((await api.gql(`mutation($key: FundFlowKeyInput!) { deleteFundFlow(key: $key) }`, { key })).errors?.[0].extensions?.code).toBe('NOT_FOUND');

    const del = await api.data(`mutation { deleteFundFlow(key: { projectCode: "JS-001", kind: COMMITMENT, occurredOn: "2022-04-01" }) }`);
    expect((await api.data(`query($id: ID!) { node(id: $id) { id } }`, { id: del.deleteFundFlow })).node).toBeNull();
    expect((await api.data(`{ fundFlows { totalCount } }`)).fundFlows.totalCount).toBe(5);
  });

  it('answers a nested fund flows → project → fund flows query with the same number of statements at two data sizes', async () => {
    const query = `{ fundFlows(first: 100) { nodes { amount(unit: WAN) project { code fundFlows { totalCount nodes { kind amount(unit: YI) } } } } } }`;
    type Result = { fundFlows: { nodes: { project: { fundFlows: { totalCount: number } } }[] } };
    const measure = async () => {
      const before = api.statements();
      const data = await api.data<Result>(query);
      return { statements: api.statements() - before, data };
    };
    const small = await measure();
    for (let i = 1; i <= 5; i++) {
      await insertProject(`LN-1${i}`, `项目${i}`, '330110110201');
      for (const day of ['2022-05-01', '2022-05-02', '2022-05-03']) {
        await api.data(CREATE, { input: { projectCode: `LN-1${i}`, kind: 'LANDED', occurredOn: day, amount: `${i}万`, source: 'x' } });
      }
    }
    const large = await measure();
    expect(small.data.fundFlows.nodes).toHaveLength(5);
    expect(large.data.fundFlows.nodes).toHaveLength(20);
    expect(large.data.fundFlows.nodes.reduce((n, f) => n + f.project.fundFlows.totalCount, 0)).toBe(5 * 2 + 15 * 3 - 1);
    expect(large.statements).toBe(small.statements);
    expect(small.statements).toBeLessThanOrEqual(5);
  });

  it('keys a flow by its reference: a corrected date updates the same flow, so the money is counted once', async () => {
    await insertProject('REF-1', '凭证项目', '330110109');
    // The aggregate (GraphQL `funds`, grouped per project) that planners read: the money must not double.
    const landed = () =>
      api
        .data(`{ funds(groupBy: [PROJECT]) { groups { project { code } landed } } }`)
        .then((r) => (r.funds.groups as { project: { code: string }; landed: string }[]).find((g) => g.project.code === 'REF-1')!.landed);
    const created = await api.data(CREATE, {
      input: { projectCode: 'REF-1', reference: ' 记-0612 ', kind: 'LANDED', occurredOn: '2022-06-12', amount: '300万', source: 'x' },
    });
    expect(created.createFundFlow).toMatchObject({ kind: 'LANDED', occurredOn: '2022-06-12', yuan: '3000000' });
    const moved = await api.data(
      `mutation { updateFundFlow(key: { projectCode: "REF-1", reference: "记-0612" }, input: { occurredOn: "2022-06-21" }) { reference occurredOn amount } }`,
    );
    expect(moved.updateFundFlow).toEqual({ reference: '记-0612', occurredOn: '2022-06-21', amount: '3000000' });
    const list = await api.data(`{ fundFlows(filter: { projectCodes: ["REF-1"] }) { totalCount nodes { reference occurredOn } } }`);
    expect(list.fundFlows).toEqual({ totalCount: 1, nodes: [{ reference: '记-0612', occurredOn: '2022-06-21' }] });
    expect(await landed()).toBe('3000000');

    // A second flow of the same kind on the same day, with its own reference, is a second flow.
    await api.data(CREATE, { input: { projectCode: 'REF-1', reference: '记-0613', kind: 'LANDED', occurredOn: '2022-06-21', amount: '1万', source: 'x' } });
    expect(await landed()).toBe('3010000');
    const ambiguous = await api.gql(`{ fundFlow(key: { projectCode: "REF-1", kind: LANDED, occurredOn: "2022-06-21" }) { id } }`);
    expect(ambiguous.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'key.reference',
      rule: 'project REF-1 has several LANDED flows on 2022-06-21: name one by its reference',
    });
    const taken = await api.gql(CREATE, {
      input: { projectCode: 'REF-1', reference: '记-0613', kind: 'COMMITMENT', occurredOn: '2022-01-10', amount: '1', source: 'x' },
    });
    expect(taken.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'input.reference' });
    const bad = await api.gql(CREATE, {
      input: { projectCode: 'REF-1', reference: 'x'.repeat(65), kind: 'LANDED', occurredOn: '2022-06-22', amount: '1', source: 'x' },
    });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.reference', rule: 'must be at most 64 characters' });
    const none = await api.gql(`{ fundFlow(key: { projectCode: "REF-1" }) { id } }`);
    expect(none.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'key.reference', rule: 'give the reference, or kind and occurredOn' });
  });

  it('warns, without refusing, about landed money on a project that has not landed or after it was cancelled', async () => {
    await insertProject('WARN-1', '未落地项目', '330110109');
    const warnings = (reference: string) =>
      api
        .data(`query($r: String!) { fundFlow(key: { projectCode: "WARN-1", reference: $r }) { warnings } }`, { r: reference })
        .then((r) => r.fundFlow.warnings as string[]);
    const res = await api.data(
      `mutation { createFundFlow(input: { projectCode: "WARN-1", reference: "V-1", kind: LANDED, occurredOn: "2022-03-01", amount: "100", source: "x" }) { warnings } }`,
    );
    expect(res.createFundFlow.warnings).toEqual([
      'landed money on project WARN-1, which has not landed (no 落地 stage recorded): record its 落地 stage, or enter the flow as 承诺 if the money is only committed',
    ]);
    await api.data(
      `mutation { createFundFlow(input: { projectCode: "WARN-1", reference: "V-2", kind: COMMITMENT, occurredOn: "2022-01-10", amount: "100", source: "x" }) { id } }`,
    );
    expect(await warnings('V-2')).toEqual([]);
    await api.data(`mutation { setProjectStage(code: "WARN-1", stage: LANDED, reachedOn: "2022-02-01") { code } }`);
    expect(await warnings('V-1')).toEqual([]);
    await api.data(`mutation { setProjectStage(code: "WARN-1", stage: CANCELLED, reachedOn: "2022-02-15") { code } }`);
    expect(await warnings('V-1')).toEqual(['landed money dated 2022-03-01, on or after project WARN-1 was cancelled (取消 2022-02-15)']);
    expect((await api.data(`{ fundFlows(filter: { projectCodes: ["WARN-1"] }) { totalCount } }`)).fundFlows.totalCount).toBe(2);
  });
});
