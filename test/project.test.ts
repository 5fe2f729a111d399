import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './support/api.js';
import { creditCode, insertAreaTree, insertEnterprises } from './support/fixtures.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
  await insertAreaTree(api.orm, 2, 1);
  await insertEnterprises(api.orm, 3);
});
afterAll(async () => api?.close());

const CREATE = `mutation($input: ProjectInput!) {
  createProject(input: $input) { code tier stage landedOn signedAmount yi: signedAmount(unit: YI) host { code } investors { creditCode } stages { stage reachedOn } }
}`;

function project(code: string, extra: Record<string, unknown> = {}) {
  return {
    code,
    name: `项目${code}`,
    sector: '数字经济',
    hostAreaCode: '330110101',
    signedAmount: '150000000',
    signedOn: '2023-02-01',
    source: 'test',
    ...extra,
  };
}

describe('projects', () => {
  it('creates a project with investors and stages, deriving tier and current stage', async () => {
    const res = await api.data(CREATE, {
      input: project('P-1', {
        signedAmount: '1,234,567,890.12',
        investorCreditCodes: [creditCode(2), creditCode(1)],
        stages: [{ stage: 'LANDED', reachedOn: '2023-03-15' }],
      }),
    });
    expect(res.createProject).toEqual({
      code: 'P-1',
      tier: 'YI_10',
      stage: 'LANDED',
      landedOn: '2023-03-15',
      signedAmount: '1234567890.12',
      yi: '12.3456789012',
      host: { code: '330110101' },
      investors: [{ creditCode: creditCode(1) }, { creditCode: creditCode(2) }],
      stages: [
        { stage: 'SIGNED', reachedOn: '2023-02-01' },
        { stage: 'LANDED', reachedOn: '2023-03-15' },
      ],
    });
  });

  it('derives every tier at its exact threshold', async () => {
    const amounts = { 'T-0': '99999999.99', 'T-1': '100000000', 'T-10': '1000000000', 'T-50': '5000000000' };
    for (const [code, signedAmount] of Object.entries(amounts)) await api.data(CREATE, { input: project(code, { signedAmount }) });
    const res = await api.data(`{ projects(filter: { codes: ["T-0", "T-1", "T-10", "T-50"] }, orderBy: [{ field: SIGNED_AMOUNT }]) { nodes { code tier } } }`);
    expect(res.projects.nodes).toEqual([
      { code: 'T-0', tier: 'BELOW_1YI' },
      { code: 'T-1', tier: 'YI_1' },
      { code: 'T-10', tier: 'YI_10' },
      { code: 'T-50', tier: 'YI_50' },
    ]);
    const atLeast10 = await api.data(`{ projects(filter: { tierAtLeast: YI_10 }) { totalCount } }`);
    expect(atLeast10.projects.totalCount).toBe(3);
  });

  it('filters by host subtree, stage, landing date, investor and name', async () => {
    await api.data(CREATE, { input: project('V-1', { hostAreaCode: '330110102201', name: '村里的民宿' }) });
    const inTown2 = await api.data(`{ projects(filter: { hostAreaCodes: ["330110102"] }) { nodes { code } } }`);
    expect(inTown2.projects.nodes).toEqual([{ code: 'V-1' }]);
    const district = await api.data(`{ projects(filter: { hostAreaCodes: ["330110"] }) { totalCount } }`);
    expect(district.projects.totalCount).toBe(6);
    const landed = await api.data(`{ projects(filter: { stages: [LANDED], landedOn: { from: "2023-03-01", to: "2023-03-31" } }) { nodes { code } } }`);
    expect(landed.projects.nodes).toEqual([{ code: 'P-1' }]);
    const notYet = await api.data(`{ projects(filter: { landedOn: { from: "2023-04-01" } }) { totalCount } }`);
    expect(notYet.projects.totalCount).toBe(0);
    const byInvestor = await api.data(`query($c: [String!]) { projects(filter: { investorCreditCodes: $c }) { nodes { code } } }`, { c: [creditCode(2)] });
    expect(byInvestor.projects.nodes).toEqual([{ code: 'P-1' }]);
    const byName = await api.data(`{ projects(filter: { nameContains: "民宿" }) { nodes { code } } }`);
    expect(byName.projects.nodes).toEqual([{ code: 'V-1' }]);
  });

  it('reports every invalid field at once, including unknown references, and writes nothing', async () => {
    const res = await api.gql(CREATE, {
      input: {
        code: 'BAD-1',
        hostAreaCode: '330110',
        signedAmount: '-5',
        signedOn: '2023-01-01',
        investorCreditCodes: [creditCode(99)],
        pairingCode: 'NOPE',
        source: 'test',
        stages: [
          { stage: 'OPERATING', reachedOn: '2022-01-01' },
          { stage: 'LANDED', reachedOn: '2023-05-01' },
        ],
      },
    });
    const fields = res.errors?.[0].extensions?.problems.map((p: { field: string }) => p.field);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(fields).toEqual(
      expect.arrayContaining([
        'input.name',
        'input.sector',
        'input.signedAmount',
        'input.hostAreaCode',
        'input.pairingCode',
        'input.investorCreditCodes[0]',
        'input.stages',
      ]),
    );
    expect((await api.data(`{ projects { totalCount } }`)).projects.totalCount).toBe(6);
    // A malformed code is refused by the ProjectCode scalar, before any rule runs, on its input path.
    const malformed = await api.gql(CREATE, { input: { code: 'bad code!' } });
    expect(malformed.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.code',
      rule: 'may only contain letters, digits, ".", "_", "-" and "/", starting with a letter or digit',
    });
  });

  it('stores a project code upper-cased, so the API and a spreadsheet name the same project', async () => {
    const made = await api.data(CREATE, {
      input: {
        code: ' mt-1 ',
        name: '小写编号',
        sector: '文旅',
        hostAreaCode: '３３０１１０１０１',
        signedAmount: '1',
        signedOn: '2023-01-01',
        source: 'test',
      },
    });
    expect(made.createProject.code).toBe('MT-1');
    const found = await api.data(`{ project(code: "mt-1") { code } }`);
    expect(found.project).toEqual({ code: 'MT-1' });
    await api.data(`mutation { deleteProject(code: "Mt-1") }`);
  });

  it('rejects a float for money and a malformed date with the rule in the message', async () => {
    const money = await api.gql(`mutation { createProject(input: { signedAmount: 12.5 }) { code } }`);
    expect(money.errors?.[0].message).toMatch(/floats are not accepted/);
    const date = await api.gql(CREATE, { input: project('D-1', { signedOn: '2023-02-30' }) });
    expect(date.errors?.[0].message).toMatch(/2023-02-30 does not exist/);
  });

  it('updates a project, records a stage, and keeps the SIGNED stage on the signing date', async () => {
    const upd = await api.data(
      `mutation { updateProject(code: "T-1", input: { signedOn: "2023-01-10", signedAmount: "7.1亿" }) { signedAmount tier stages { stage reachedOn } } }`,
    );
    expect(upd.updateProject).toEqual({ signedAmount: '710000000', tier: 'YI_1', stages: [{ stage: 'SIGNED', reachedOn: '2023-01-10' }] });
    const staged = await api.data(`mutation { setProjectStage(code: "T-1", stage: CANCELLED, reachedOn: "2023-06-01") { stage } }`);
    expect(staged.setProjectStage.stage).toBe('CANCELLED');
    const early = await api.gql(`mutation { setProjectStage(code: "T-1", stage: LANDED, reachedOn: "2022-12-31") { stage } }`);
    expect(early.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('deletes a project with its stages but refuses to delete an investor still linked', async () => {
    const id = await api.data(`mutation { deleteProject(code: "T-0") }`);
    expect((await api.data(`query($id: ID!) { node(id: $id) { id } }`, { id: id.deleteProject })).node).toBeNull();
    const conflict = await api.gql(`mutation($c: String!) { deleteEnterprise(creditCode: $c) }`, { c: creditCode(1) });
    expect(conflict.errors?.[0].extensions?.code).toBe('CONFLICT');
  });

  it('resolves nested projects with a number of SQL statements that does not grow with the rows', async () => {
    const query = `{ areas(first: 100) { nodes { code projects(first: 10) { totalCount nodes { code tier stage signedAmount(unit: WAN)
      host { code parent { code } } investors { name } stages { stage } pairing { code } } } } } }`;
    const measure = async () => {
      const before = api.statements();
      const res = await api.gql(query);
      expect(res.errors).toBeUndefined();
      return {
        statements: api.statements() - before,
        areas: res.data.areas.nodes.length,
        projects: res.data.areas.nodes.reduce((n: number, a: any) => n + a.projects.nodes.length, 0),
      };
    };
    const small = await measure();
    // Grow the data: more towns with projects, investors and stages.
    const { towns } = await insertAreaTree2();
    for (const [i, town] of towns.entries()) {
      for (let k = 0; k < 3; k++) {
        await api.data(CREATE, {
          input: project(`G-${i}-${k}`, { hostAreaCode: town, investorCreditCodes: [creditCode(3)], stages: [{ stage: 'LANDED', reachedOn: '2023-02-02' }] }),
        });
      }
    }
    const large = await measure();
    expect(large.areas).toBeGreaterThan(small.areas + 10);
    expect(large.projects).toBeGreaterThan(small.projects + 30);
    expect(large.statements).toBe(small.statements);
  });
});

/** Adds 15 more towns under the district through the API. */
async function insertAreaTree2(): Promise<{ towns: string[] }> {
  const towns: string[] = [];
  for (let t = 0; t < 15; t++) {
    const code = `330110${300 + t}`;
    await api.data(`mutation($input: AreaInput!) { createArea(input: $input) { code } }`, {
      input: { code, name: `新镇${t}`, kind: 'TOWN', parentCode: '330110', source: 'test' },
    });
    towns.push(code);
  }
  return { towns };
}
