import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDIT_CODE_ALPHABET, makeCreditCode } from '../src/enterprise/credit-code.js';
import { startTestApi, type TestApi } from './support/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api?.close());

const CREATE = `mutation($input: EnterpriseInput!) { createEnterprise(input: $input) { id creditCode name ownership tags source } }`;

/** A valid credit code whose body is the number `n`. */
const creditCode = (n: number) => makeCreditCode(`91330110${String(n).padStart(9, '0')}`);

/** The same text in full-width characters, as typed with a Chinese input method. */
const fullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

const HUALI = makeCreditCode('91330110MA2KXY123');
const WENLV = creditCode(1);
const FUTURE_VILLAGE = creditCode(2);
const XIAOKA = creditCode(3);

const problemsOf = (res: { errors?: { extensions?: Record<string, any> }[] }) =>
  res.errors?.[0].extensions?.problems as { field: string; rule: string }[] | undefined;

describe('enterprises', () => {
  it('creates an enterprise from a lower-case full-width credit code, trimming and de-duplicating its tags', async () => {
    const res = await api.data(CREATE, {
      input: {
        creditCode: ` ${fullWidth(HUALI.toLowerCase())} `,
        name: '华立集团',
        ownership: 'PRIVATE',
        tags: [' 乡创 ', '乡创', '数字经济'],
        source: 'test',
      },
    });
    expect(res.createEnterprise).toMatchObject({ creditCode: HUALI, name: '华立集团', ownership: 'PRIVATE', tags: ['乡创', '数字经济'], source: 'test' });
    const read = await api.data(`query($c: String!) { enterprise(creditCode: $c) { id name tags } }`, { c: HUALI.toLowerCase() });
    expect(read.enterprise).toEqual({ id: res.createEnterprise.id, name: '华立集团', tags: ['乡创', '数字经济'] });
    expect((await api.data(`{ enterprise(creditCode: "${creditCode(999)}") { name } }`)).enterprise).toBeNull();
  });

  it('filters enterprises by tag, ownership, name and credit code, sorts and pages through them', async () => {
    await api.data(CREATE, { input: { creditCode: WENLV, name: '区文旅集团', ownership: 'STATE_OWNED', source: 'test' } });
    await api.data(CREATE, { input: { creditCode: FUTURE_VILLAGE, name: '未来村庄集团', ownership: 'PRIVATE', tags: ['乡创'], source: 'test' } });
    await api.data(CREATE, { input: { creditCode: XIAOKA, name: '小咖资本', ownership: 'PRIVATE', tags: ['乡创'], source: 'test' } });

    const names = async (filter: string, extra = '') =>
      (await api.data(`{ enterprises(filter: ${filter} ${extra}) { totalCount nodes { name } } }`)).enterprises as {
        totalCount: number;
        nodes: { name: string }[];
      };
    expect((await names('{ tag: "乡创" }', 'orderBy: [{ field: CREDIT_CODE }]')).nodes.map((n) => n.name)).toEqual(['未来村庄集团', '小咖资本', '华立集团']);
    expect(await names('{ ownerships: [STATE_OWNED] }')).toEqual({ totalCount: 1, nodes: [{ name: '区文旅集团' }] });
    expect((await names('{ nameContains: "集团", tag: "乡创" }', 'orderBy: [{ field: NAME, direction: DESC }]')).nodes).toEqual([
      { name: '未来村庄集团' },
      { name: '华立集团' },
    ]);
    expect((await names(`{ creditCodes: ["${XIAOKA.toLowerCase()}", "${WENLV}"] }`)).totalCount).toBe(2);
    expect((await names('{ tag: "数字" }')).totalCount).toBe(0);

    const first = await api.data(
      `{ enterprises(first: 3, orderBy: [{ field: CREDIT_CODE }]) { totalCount pageInfo { hasNextPage endCursor } nodes { creditCode } } }`,
    );
    expect(first.enterprises.totalCount).toBe(4);
    expect(first.enterprises.nodes.map((n: { creditCode: string }) => n.creditCode)).toEqual([WENLV, FUTURE_VILLAGE, XIAOKA]);
    const next = await api.data(
      `query($after: String) { enterprises(first: 3, after: $after, orderBy: [{ field: CREDIT_CODE }]) { pageInfo { hasNextPage hasPreviousPage } nodes { creditCode } } }`,
      {
        after: first.enterprises.pageInfo.endCursor,
      },
    );
    expect(next.enterprises).toEqual({ pageInfo: { hasNextPage: false, hasPreviousPage: true }, nodes: [{ creditCode: HUALI }] });
  });

  it('reports every invalid field of an input at once and writes nothing', async () => {
    // A malformed code is refused by the CreditCode scalar, before any rule runs, on its input path.
    const malformed = await api.gql(CREATE, { input: { creditCode: HUALI.slice(0, 16), name: '  ' } });
    expect(problemsOf(malformed)?.map(({ field, rule }) => ({ field, rule }))).toEqual([{ field: 'input.creditCode', rule: 'must be 18 characters, got 16' }]);
    const res = await api.gql(CREATE, { input: { creditCode: creditCode(11), name: '  ', tags: ['ok', ' ', 'x'.repeat(51)] } });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(problemsOf(res)?.map(({ field, rule }) => ({ field, rule }))).toEqual([
      { field: 'input.ownership', rule: 'is required' },
      { field: 'input.source', rule: 'is required' },
      { field: 'input.name', rule: 'must not be empty' },
      { field: 'input.tags[1]', rule: 'must not be empty' },
      { field: 'input.tags[2]', rule: 'must be at most 50 characters' },
    ]);
    expect((await api.data(`{ enterprises { totalCount } }`)).enterprises.totalCount).toBe(4);
  });

  it('names the expected check character when the last character of a credit code is wrong', async () => {
    const expected = WENLV[17]!;
    const wrong = CREDIT_CODE_ALPHABET[(CREDIT_CODE_ALPHABET.indexOf(expected) + 1) % 31]!;
    const res = await api.gql(CREATE, { input: { creditCode: WENLV.slice(0, 17) + wrong, name: 'x', ownership: 'OTHER', source: 'test' } });
    expect(res.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.creditCode',
      rule: `check character should be '${expected}', got '${wrong}'`,
    });
    const letterI = await api.gql(CREATE, { input: { creditCode: `91330110I${WENLV.slice(9)}`, name: 'x', ownership: 'OTHER', source: 'test' } });
    expect(letterI.errors?.[0].extensions?.rule).toMatch(/^character 9 'I' is not allowed/);
  });

  it('allows at most 20 different tags, counting duplicates once', async () => {
    const tags = Array.from({ length: 21 }, (_, i) => `t${i}`);
    const tooMany = await api.gql(CREATE, { input: { creditCode: creditCode(10), name: 'x', ownership: 'OTHER', tags, source: 'test' } });
    expect(problemsOf(tooMany)).toEqual([{ field: 'input.tags', rule: 'must have at most 20 different tags, got 21' }]);
    const withDuplicates = await api.data(CREATE, {
      input: { creditCode: creditCode(10), name: 'x', ownership: 'OTHER', tags: [...tags.slice(0, 20), 't0', ' t1'], source: 'test' },
    });
    expect(withDuplicates.createEnterprise.tags).toHaveLength(20);
    await api.data(`mutation { deleteEnterprise(creditCode: "${creditCode(10)}") }`);
  });

  it('refuses a second enterprise with the same credit code, naming the field', async () => {
    const res = await api.gql(CREATE, { input: { creditCode: HUALI.toLowerCase(), name: 'again', ownership: 'PRIVATE', source: 'test' } });
    expect(res.errors?.[0].extensions).toMatchObject({
      code: 'CONFLICT',
      field: 'input.creditCode',
      rule: `an enterprise with credit code ${HUALI} already exists`,
    });
  });

  it('updates only the given fields, clears tags with null and can change the credit code', async () => {
    const upd = await api.data(
      `mutation($c: String!) { updateEnterprise(creditCode: $c, input: { name: "小咖资本（杭州）", tags: null }) { creditCode name ownership tags source } }`,
      { c: XIAOKA },
    );
    expect(upd.updateEnterprise).toEqual({ creditCode: XIAOKA, name: '小咖资本（杭州）', ownership: 'PRIVATE', tags: [], source: 'test' });
    const moved = creditCode(4);
    const recode = await api.data(
      `mutation($c: String!, $n: CreditCode!) { updateEnterprise(creditCode: $c, input: { creditCode: $n }) { creditCode name } }`,
      { c: XIAOKA, n: moved },
    );
    expect(recode.updateEnterprise).toEqual({ creditCode: moved, name: '小咖资本（杭州）' });
    const clash = await api.gql(`mutation($c: String!, $n: CreditCode!) { updateEnterprise(creditCode: $c, input: { creditCode: $n }) { name } }`, {
      c: moved,
      n: WENLV,
    });
    expect(clash.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'input.creditCode' });
    const missing = await api.gql(`mutation { updateEnterprise(creditCode: "${XIAOKA}", input: { name: "x" }) { name } }`);
    expect(missing.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'creditCode' });
  });

  it('answers CONFLICT when deleting an enterprise a pairing refers to, and deletes an unreferenced one', async () => {
    const area = `mutation($input: AreaInput!) { createArea(input: $input) { code } }`;
    await api.data(area, { input: { code: '330110', name: '余杭区', kind: 'DISTRICT', source: 'test' } });
    await api.data(area, { input: { code: '330110109', name: '径山镇', kind: 'TOWN', parentCode: '330110', mountain: true, source: 'test' } });
    await api.data(area, { input: { code: '330110109201', name: '径山村', kind: 'VILLAGE', parentCode: '330110109', source: 'test' } });
    await api.data(`mutation($input: PairingInput!) { createPairing(input: $input) { code } }`, {
      input: {
        code: 'EV-HUALI',
        scheme: 'ENTERPRISE_VILLAGE',
        leadEnterpriseCreditCode: HUALI,
        partnerAreaCode: '330110109201',
        startDate: '2022-01-01',
        source: 'test',
      },
    });

    const res = await api.gql(`mutation { deleteEnterprise(creditCode: "${HUALI}") }`);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', referencedBy: 'pairing' });
    expect((await api.data(`{ enterprise(creditCode: "${HUALI}") { name } }`)).enterprise).toEqual({ name: '华立集团' });

    const del = await api.data(`mutation { deleteEnterprise(creditCode: "${FUTURE_VILLAGE}") }`);
    expect((await api.data(`query($id: ID!) { node(id: $id) { id } }`, { id: del.deleteEnterprise })).node).toBeNull();
    expect((await api.data(`{ enterprise(creditCode: "${FUTURE_VILLAGE}") { name } }`)).enterprise).toBeNull();
  });
});
