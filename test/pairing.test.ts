import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCreditCode } from '../src/enterprise/credit-code.js';
import { limitsFromEnv } from '../src/import/limits.js';
import { runImport } from '../src/import/run.js';
import { startTestApi, type TestApi } from './support/api.js';

const CREATE = `mutation($input: PairingInput!) { createPairing(input: $input) { code scheme startDate endDate note source } }`;
const PARTY = `{ __typename ... on Area { code } ... on Enterprise { creditCode } }`;

/** A valid credit code whose body is the number `n`. */
const creditCode = (n: number) => makeCreditCode(`91330110${String(n).padStart(9, '0')}`);
const WENLV = creditCode(1); // 区文旅集团, state-owned
const HUALI = creditCode(2); // 华立集团, private

const DISTRICT = '330110';
const PLATFORM = '330110800'; // 未来科技城
const JINGSHAN = '330110109'; // 径山镇, mountain town
const LUNIAO = '330110110'; // 鸬鸟镇, mountain town
const CANGQIAN = '330110001'; // 仓前街道, not a mountain town
const JINGSHAN_VILLAGE = '330110109201';
const COMMUNITY = '330110109001';

type Problem = { field: string; rule: string };
const problemsOf = (res: { errors?: { extensions?: Record<string, any> }[] }): Problem[] | undefined =>
  res.errors?.[0].extensions?.problems?.map(({ field, rule }: Problem) => ({ field, rule }));

/** Runs several mutations in one document (aliases m0, m1, …), in order. */
async function mutateAll(api: TestApi, field: string, inputType: string, inputs: Record<string, unknown>[]): Promise<void> {
  // Note: at most 10 aliased mutations per request (the API refuses more than MAX_ALIASES, 15).
  for (let start = 0; start < inputs.length; start += 10) {
    const chunk = inputs.slice(start, start + 10);
    const vars = chunk.map((_, i) => `$i${i}: ${inputType}!`).join(', ');
    const body = chunk.map((_, i) => `m${i}: ${field}(input: $i${i}) { id }`).join(' ');
    await api.data(`mutation(${vars}) { ${body} }`, Object.fromEntries(chunk.map((v, i) => [`i${i}`, v])));
  }
}

const area = (code: string, name: string, kind: string, parentCode?: string, extra: Record<string, unknown> = {}) => ({
  code,
  name,
  kind,
  parentCode,
  source: 'test',
  ...extra,
});

describe('pairings', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
    await mutateAll(api, 'createArea', 'AreaInput', [
      area(DISTRICT, '余杭区', 'DISTRICT'),
      area(PLATFORM, '杭州未来科技城', 'PLATFORM', DISTRICT),
      area(JINGSHAN, '径山镇', 'TOWN', DISTRICT, { mountain: true }),
      area(LUNIAO, '鸬鸟镇', 'TOWN', DISTRICT, { mountain: true }),
      area(CANGQIAN, '仓前街道', 'TOWN', DISTRICT),
      area(JINGSHAN_VILLAGE, '径山村', 'VILLAGE', JINGSHAN),
      area(COMMUNITY, '径山社区', 'COMMUNITY', JINGSHAN),
    ]);
    await mutateAll(api, 'createEnterprise', 'EnterpriseInput', [
      { creditCode: WENLV, name: '区文旅集团', ownership: 'STATE_OWNED', source: 'test' },
      { creditCode: HUALI, name: '华立集团', ownership: 'PRIVATE', source: 'test' },
    ]);
  });
  afterAll(async () => api?.close());

  it('creates pairings and resolves lead and partner to the right member of the Party union', async () => {
    const cm = await api.data(CREATE, {
      input: {
        code: 'CM-330110109',
        scheme: 'CITY_MOUNTAIN',
        leadAreaCode: PLATFORM,
        partnerAreaCode: JINGSHAN,
        startDate: '2021-06-01',
        note: ' 1+5 ',
        source: 'test',
      },
    });
    expect(cm.createPairing).toEqual({ code: 'CM-330110109', scheme: 'CITY_MOUNTAIN', startDate: '2021-06-01', endDate: null, note: '1+5', source: 'test' });
    await mutateAll(api, 'createPairing', 'PairingInput', [
      {
        code: 'CM-330110110',
        scheme: 'CITY_MOUNTAIN',
        leadAreaCode: PLATFORM,
        partnerAreaCode: LUNIAO,
        startDate: '2021-06-01',
        endDate: '2022-12-31',
        source: 'test',
      },
      {
        code: 'ST-330110110',
        scheme: 'SOE_TOWN',
        leadEnterpriseCreditCode: WENLV.toLowerCase(),
        partnerAreaCode: LUNIAO,
        startDate: '2022-03-01',
        source: 'test',
      },
      {
        code: 'EV-330110109201',
        scheme: 'ENTERPRISE_VILLAGE',
        leadEnterpriseCreditCode: HUALI,
        partnerAreaCode: JINGSHAN_VILLAGE,
        startDate: '2023-07-01',
        source: 'test',
      },
      { code: 'OT-MOUNTAIN', scheme: 'OTHER', leadAreaCode: JINGSHAN, partnerAreaCode: LUNIAO, startDate: '2020-01-01', source: 'test' },
    ]);

    const res = await api.data(`{ pairings(filter: { codes: ["CM-330110109", "ST-330110110"] }) { nodes { code lead ${PARTY} partner ${PARTY} } } }`);
    expect(res.pairings.nodes).toEqual([
      { code: 'CM-330110109', lead: { __typename: 'Area', code: PLATFORM }, partner: { __typename: 'Area', code: JINGSHAN } },
      { code: 'ST-330110110', lead: { __typename: 'Enterprise', creditCode: WENLV }, partner: { __typename: 'Area', code: LUNIAO } },
    ]);
    const one = await api.data(`{ pairing(code: "EV-330110109201") { lead { ... on Enterprise { name } } partner { ... on Area { name kind } } } }`);
    expect(one.pairing).toEqual({ lead: { name: '华立集团' }, partner: { name: '径山村', kind: 'VILLAGE' } });
    expect((await api.data(`{ pairing(code: "NOPE") { code } }`)).pairing).toBeNull();
  });

  it('filters pairings by scheme, exact area, enterprise and active day, sorts and pages through them', async () => {
    const codes = async (args: string) =>
      ((await api.data(`{ pairings(${args}) { nodes { code } } }`)).pairings.nodes as { code: string }[]).map((n) => n.code);
    expect(await codes('filter: { schemes: [CITY_MOUNTAIN] }')).toEqual(['CM-330110109', 'CM-330110110']);
    expect(await codes(`filter: { areaCode: "${LUNIAO}" }`)).toEqual(['CM-330110110', 'OT-MOUNTAIN', 'ST-330110110']);
    expect(await codes(`filter: { areaCode: "${JINGSHAN}" }`)).toEqual(['CM-330110109', 'OT-MOUNTAIN']);
    expect(await codes(`filter: { areaCode: "${DISTRICT}" }`)).toEqual([]);
    expect(await codes(`filter: { enterpriseCreditCode: "${WENLV.toLowerCase()}" }`)).toEqual(['ST-330110110']);
    expect(await codes('filter: { activeOn: "2023-01-01" }')).toEqual(['CM-330110109', 'OT-MOUNTAIN', 'ST-330110110']);
    expect(await codes('filter: { activeOn: "2022-12-31", schemes: [CITY_MOUNTAIN] }')).toEqual(['CM-330110109', 'CM-330110110']);
    expect(await codes('filter: { activeOn: "2021-06-01" }')).toEqual(['CM-330110109', 'CM-330110110', 'OT-MOUNTAIN']);
    expect(await codes('orderBy: [{ field: START_DATE, direction: DESC }, { field: CODE }]')).toEqual([
      'EV-330110109201',
      'ST-330110110',
      'CM-330110109',
      'CM-330110110',
      'OT-MOUNTAIN',
    ]);
    expect(await codes('orderBy: [{ field: SCHEME, direction: DESC }, { field: CODE, direction: DESC }]')).toEqual([
      'ST-330110110',
      'OT-MOUNTAIN',
      'EV-330110109201',
      'CM-330110110',
      'CM-330110109',
    ]);

    const first = await api.data(`{ pairings(first: 2) { totalCount pageInfo { hasNextPage endCursor } nodes { code } } }`);
    expect(first.pairings).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: true }, nodes: [{ code: 'CM-330110109' }, { code: 'CM-330110110' }] });
    const next = await api.data(`query($after: String) { pairings(first: 2, after: $after) { nodes { code } } }`, { after: first.pairings.pageInfo.endCursor });
    expect(next.pairings.nodes).toEqual([{ code: 'EV-330110109201' }, { code: 'OT-MOUNTAIN' }]);
  });

  it('reports every invalid field of an input at once and writes nothing', async () => {
    const res = await api.gql(CREATE, {
      input: { code: 'NEW-1', leadAreaCode: PLATFORM, leadEnterpriseCreditCode: WENLV, startDate: '2023-01-01', endDate: '2022-12-31' },
    });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(problemsOf(res)).toEqual([
      { field: 'input.scheme', rule: 'is required' },
      { field: 'input.leadAreaCode', rule: 'give the lead either as an area (leadAreaCode) or as an enterprise (leadEnterpriseCreditCode), not both' },
      { field: 'input.partnerAreaCode', rule: 'a partner is required: give partnerAreaCode or partnerEnterpriseCreditCode' },
      { field: 'input.source', rule: 'is required' },
      { field: 'input.endDate', rule: 'must not be before the start date 2023-01-01' },
    ]);
    expect((await api.data(`{ pairings { totalCount } }`)).pairings.totalCount).toBe(5);
    // A malformed code is refused by the PairingCode scalar (EV/1: "/" is not allowed in pairing codes), on its input path.
    const malformed = await api.gql(CREATE, { input: { code: 'EV/1' } });
    expect(problemsOf(malformed)).toEqual([{ field: 'input.code', rule: 'must be letters, digits, ".", "_" or "-", starting with a letter or digit' }]);
  });

  it('checks who may take part in each scheme with messages naming the party', async () => {
    const input = (scheme: string, lead: Record<string, string>, partner: Record<string, string>) => ({
      input: { code: 'X-1', scheme, ...lead, ...partner, startDate: '2023-01-01', source: 'test' },
    });
    const cm = await api.gql(CREATE, input('CITY_MOUNTAIN', { leadAreaCode: JINGSHAN }, { partnerAreaCode: CANGQIAN }));
    expect(problemsOf(cm)).toEqual([
      { field: 'input.leadAreaCode', rule: `the lead of a CITY_MOUNTAIN pairing must be a PLATFORM area, not mountain TOWN area ${JINGSHAN} (径山镇)` },
      { field: 'input.partnerAreaCode', rule: `the partner of a CITY_MOUNTAIN pairing must be a mountain TOWN, not TOWN area ${CANGQIAN} (仓前街道)` },
    ]);
    const soe = await api.gql(CREATE, input('SOE_TOWN', { leadEnterpriseCreditCode: HUALI }, { partnerAreaCode: JINGSHAN_VILLAGE }));
    expect(problemsOf(soe)).toEqual([
      {
        field: 'input.leadEnterpriseCreditCode',
        rule: `the lead of a SOE_TOWN pairing must be a STATE_OWNED enterprise, not PRIVATE enterprise ${HUALI} (华立集团)`,
      },
      { field: 'input.partnerAreaCode', rule: `the partner of a SOE_TOWN pairing must be a TOWN, not VILLAGE area ${JINGSHAN_VILLAGE} (径山村)` },
    ]);
    const ev = await api.gql(CREATE, input('ENTERPRISE_VILLAGE', { leadAreaCode: PLATFORM }, { partnerEnterpriseCreditCode: HUALI }));
    expect(problemsOf(ev)?.map((p) => p.field)).toEqual(['input.leadAreaCode', 'input.partnerEnterpriseCreditCode']);
    expect(problemsOf(ev)?.[1].rule).toBe(
      `the partner of a ENTERPRISE_VILLAGE pairing must be a VILLAGE or COMMUNITY, not PRIVATE enterprise ${HUALI} (华立集团)`,
    );
    const self = await api.gql(CREATE, input('OTHER', { leadEnterpriseCreditCode: HUALI }, { partnerEnterpriseCreditCode: HUALI.toLowerCase() }));
    expect(problemsOf(self)).toEqual([
      { field: 'input.partnerEnterpriseCreditCode', rule: `the partner must be a different party from the lead (PRIVATE enterprise ${HUALI} (华立集团))` },
    ]);
    const community = await api.data(CREATE, input('ENTERPRISE_VILLAGE', { leadEnterpriseCreditCode: WENLV }, { partnerAreaCode: COMMUNITY }));
    expect(community.createPairing.code).toBe('X-1');
    await api.data(`mutation { deletePairing(code: "X-1") }`);
  });

  it('refuses the same parties in a spreadsheet as through GraphQL, with the same rule on the column that names the party', async () => {
    const cases = [
      { code: 'S-1', scheme: 'CITY_MOUNTAIN', word: '1+5', lead: { area: JINGSHAN }, partner: { area: CANGQIAN } },
      { code: 'S-2', scheme: 'SOE_TOWN', word: '5+5', lead: { enterprise: HUALI }, partner: { area: JINGSHAN_VILLAGE } },
      { code: 'S-3', scheme: 'ENTERPRISE_VILLAGE', word: '百企百社', lead: { area: PLATFORM }, partner: { enterprise: HUALI } },
      { code: 'S-4', scheme: 'CITY_MOUNTAIN', word: '1+5', lead: { enterprise: WENLV }, partner: { area: LUNIAO } },
      { code: 'S-5', scheme: 'ENTERPRISE_VILLAGE', word: '百企百社', lead: { enterprise: WENLV }, partner: { area: COMMUNITY } }, // fine
    ];
    type Side = { area?: string; enterprise?: string };
    const apiInput = (c: (typeof cases)[number], side: 'lead' | 'partner') => {
      const s: Side = c[side];
      return s.area ? { [`${side}AreaCode`]: s.area } : { [`${side}EnterpriseCreditCode`]: s.enterprise };
    };
    // What the API says about each case: the spreadsheet must say the very same words (the rules of src/pairing/pairing.rules.ts).
    const expected: string[] = [];
    for (const [i, c] of cases.entries()) {
      const res = await api.gql(CREATE, {
        input: { code: c.code, scheme: c.scheme, ...apiInput(c, 'lead'), ...apiInput(c, 'partner'), startDate: '2023-01-01', source: 'test' },
      });
      if (!res.errors) {
        await api.data(`mutation { deletePairing(code: "${c.code}") }`);
        continue;
      }
      for (const p of problemsOf(res)!) {
        const side = p.field.startsWith('input.lead') ? 'lead' : 'partner';
        const s: Side = c[side];
        const column = s.area ? (side === 'lead' ? '牵头方区域代码' : '结对方区域代码') : side === 'lead' ? '牵头方信用代码' : '结对方信用代码';
        expected.push(`${i + 2}!${column}!${s.area ?? s.enterprise}!${p.rule}`);
      }
    }
    expect(expected).toHaveLength(7);

    const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-pairings-'));
    await chmod(dir, 0o755);
    try {
      const header = ['结对编号', '结对机制', '牵头方区域代码', '牵头方信用代码', '结对方区域代码', '结对方信用代码', '开始日期', '来源'];
      const rows = cases.map((c) => [
        c.code,
        c.word,
        c.lead.area ?? '',
        c.lead.enterprise ?? '',
        c.partner.area ?? '',
        c.partner.enterprise ?? '',
        '2023-01-01',
        'test',
      ]);
      const file = path.join(dir, 'pairings.csv');
      await writeFile(file, [header, ...rows].map((r) => r.join(',')).join('\r\n'));
      const outcome = await runImport(api.databaseUrl, { paths: [file], limits: limitsFromEnv() });
      expect(outcome.status).toBe('rejected');
      expect(outcome.problems.problems.filter((p) => p.severity === 'error').map((p) => `${p.row}!${p.column}!${p.value}!${p.rule}`)).toEqual(expected);
      const codes = (await api.data(`{ pairings(first: 100) { nodes { code } } }`)).pairings.nodes.map((n: { code: string }) => n.code);
      expect(codes.filter((c: string) => c.startsWith('S-'))).toEqual([]); // the valid S-5 too: the file is refused whole

      await writeFile(file, [header, rows[4]!].map((r) => r.join(',')).join('\r\n'));
      const ok = await runImport(api.databaseUrl, { paths: [file], limits: limitsFromEnv() });
      expect(ok.status).toBe('ok');
      await api.data(`mutation { deletePairing(code: "S-5") }`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports unknown or malformed area and enterprise codes on the input field that names them', async () => {
    const unknownEnterprise = creditCode(999);
    const res = await api.gql(CREATE, {
      input: {
        code: 'X-2',
        scheme: 'OTHER',
        leadAreaCode: '330110999',
        partnerEnterpriseCreditCode: unknownEnterprise,
        startDate: '2023-01-01',
        source: 'test',
      },
    });
    expect(problemsOf(res)).toEqual([
      { field: 'input.leadAreaCode', rule: 'no area has code 330110999' },
      { field: 'input.partnerEnterpriseCreditCode', rule: `no enterprise has credit code ${unknownEnterprise}` },
    ]);
    const malformed = await api.gql(CREATE, {
      input: { code: 'X-2', scheme: 'OTHER', leadEnterpriseCreditCode: WENLV.slice(0, 17), partnerAreaCode: JINGSHAN, startDate: '2023-01-01', source: 'test' },
    });
    expect(problemsOf(malformed)).toEqual([{ field: 'input.leadEnterpriseCreditCode', rule: 'must be 18 characters, got 17' }]);
    const duplicate = await api.gql(CREATE, {
      input: { code: 'CM-330110109', scheme: 'OTHER', leadAreaCode: PLATFORM, partnerAreaCode: CANGQIAN, startDate: '2023-01-01', source: 'test' },
    });
    expect(problemsOf(duplicate)).toEqual([{ field: 'input.code', rule: 'a pairing with code CM-330110109 already exists' }]);
  });

  it('updates only the given fields, replaces a side when it is given and checks the result against the scheme', async () => {
    const UPDATE = `mutation($code: String!, $input: PairingInput!) { updatePairing(code: $code, input: $input) { code scheme startDate endDate note lead ${PARTY} partner ${PARTY} } }`;
    const upd = await api.data(UPDATE, { code: 'OT-MOUNTAIN', input: { leadEnterpriseCreditCode: HUALI, note: '试点', endDate: '2024-12-31' } });
    expect(upd.updatePairing).toEqual({
      code: 'OT-MOUNTAIN',
      scheme: 'OTHER',
      startDate: '2020-01-01',
      endDate: '2024-12-31',
      note: '试点',
      lead: { __typename: 'Enterprise', creditCode: HUALI },
      partner: { __typename: 'Area', code: LUNIAO },
    });
    const cleared = await api.data(UPDATE, { code: 'OT-MOUNTAIN', input: { endDate: null, note: null } });
    expect(cleared.updatePairing).toMatchObject({ endDate: null, note: null, lead: { creditCode: HUALI } });

    const scheme = await api.gql(UPDATE, { code: 'OT-MOUNTAIN', input: { scheme: 'SOE_TOWN' } });
    expect(problemsOf(scheme)).toEqual([
      { field: 'input.scheme', rule: `the lead of a SOE_TOWN pairing must be a STATE_OWNED enterprise, not PRIVATE enterprise ${HUALI} (华立集团)` },
    ]);
    const fixed = await api.data(UPDATE, { code: 'OT-MOUNTAIN', input: { scheme: 'SOE_TOWN', leadEnterpriseCreditCode: WENLV } });
    expect(fixed.updatePairing).toMatchObject({ scheme: 'SOE_TOWN', lead: { creditCode: WENLV }, partner: { code: LUNIAO } });
    const partner = await api.gql(UPDATE, { code: 'CM-330110109', input: { partnerAreaCode: CANGQIAN } });
    expect(problemsOf(partner)?.[0].field).toBe('input.partnerAreaCode');
    const dates = await api.gql(UPDATE, { code: 'CM-330110110', input: { startDate: '2023-01-01' } });
    expect(problemsOf(dates)).toEqual([{ field: 'input.startDate', rule: 'must not be after the end date 2022-12-31' }]);
    const missing = await api.gql(UPDATE, { code: 'NOPE', input: { note: 'x' } });
    expect(missing.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'code' });

    const back = await api.data(UPDATE, { code: 'OT-MOUNTAIN', input: { scheme: 'OTHER', leadAreaCode: JINGSHAN } });
    expect(back.updatePairing).toMatchObject({ scheme: 'OTHER', lead: { __typename: 'Area', code: JINGSHAN } });
  });

  it('lists the pairings of areas and enterprises, a pairing under both of its sides, by start date then code', async () => {
    const res = await api.data(`{ areas(filter: { codes: ["${PLATFORM}", "${JINGSHAN}", "${LUNIAO}", "${DISTRICT}"] }) {
      nodes { code pairings { totalCount nodes { code startDate } } } } }`);
    const byCode = Object.fromEntries(
      res.areas.nodes.map((n: { code: string; pairings: { totalCount: number; nodes: { code: string }[] } }) => [n.code, n.pairings]),
    );
    expect(byCode[DISTRICT]).toEqual({ totalCount: 0, nodes: [] });
    expect(byCode[PLATFORM].nodes.map((n: { code: string }) => n.code)).toEqual(['CM-330110109', 'CM-330110110']);
    expect(byCode[JINGSHAN].nodes.map((n: { code: string }) => n.code)).toEqual(['OT-MOUNTAIN', 'CM-330110109']);
    expect(byCode[LUNIAO]).toEqual({
      totalCount: 3,
      nodes: [
        { code: 'OT-MOUNTAIN', startDate: '2020-01-01' },
        { code: 'CM-330110110', startDate: '2021-06-01' },
        { code: 'ST-330110110', startDate: '2022-03-01' },
      ],
    });

    const firstPage = await api.data(
      `{ area(code: "${LUNIAO}") { pairings(first: 1) { pageInfo { endCursor hasNextPage hasPreviousPage } nodes { code } } } }`,
    );
    expect(firstPage.area.pairings.nodes).toEqual([{ code: 'OT-MOUNTAIN' }]);
    expect(firstPage.area.pairings.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const paged = await api.data(
      `{ area(code: "${LUNIAO}") { pairings(first: 1, after: "${firstPage.area.pairings.pageInfo.endCursor}") { totalCount pageInfo { hasNextPage hasPreviousPage } nodes { code } } } }`,
    );
    expect(paged.area.pairings).toEqual({ totalCount: 3, pageInfo: { hasNextPage: true, hasPreviousPage: true }, nodes: [{ code: 'CM-330110110' }] });

    const ent = await api.data(`{ enterprises(orderBy: [{ field: CREDIT_CODE }]) { nodes { name pairings { totalCount nodes { code partner ${PARTY} } } } } }`);
    expect(ent.enterprises.nodes).toEqual([
      { name: '区文旅集团', pairings: { totalCount: 1, nodes: [{ code: 'ST-330110110', partner: { __typename: 'Area', code: LUNIAO } }] } },
      { name: '华立集团', pairings: { totalCount: 1, nodes: [{ code: 'EV-330110109201', partner: { __typename: 'Area', code: JINGSHAN_VILLAGE } }] } },
    ]);
  });

  it('deletes a pairing and returns its ID', async () => {
    const del = await api.data(`mutation { deletePairing(code: "EV-330110109201") }`);
    expect((await api.data(`query($id: ID!) { node(id: $id) { id } }`, { id: del.deletePairing })).node).toBeNull();
    expect((await api.data(`{ pairing(code: "EV-330110109201") { code } }`)).pairing).toBeNull();
    const again = await api.gql(`mutation { deletePairing(code: "EV-330110109201") }`);
    expect(again.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});

describe('nested pairing lists', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
    await mutateAll(api, 'createArea', 'AreaInput', [area(DISTRICT, '余杭区', 'DISTRICT'), area(PLATFORM, '杭州未来科技城', 'PLATFORM', DISTRICT)]);
  });
  afterAll(async () => api?.close());

  /** Adds mountain towns number `from` to `to - 1`, each paired with the platform and with a state-owned enterprise of its own. */
  async function addTowns(from: number, to: number): Promise<void> {
    const numbers = Array.from({ length: to - from }, (_, i) => from + i);
    const town = (n: number) => `330110${200 + n}`;
    await mutateAll(
      api,
      'createArea',
      'AreaInput',
      numbers.map((n) => area(town(n), `镇${n}`, 'TOWN', DISTRICT, { mountain: true })),
    );
    await mutateAll(
      api,
      'createEnterprise',
      'EnterpriseInput',
      numbers.map((n) => ({ creditCode: creditCode(100 + n), name: `国企${n}`, ownership: 'STATE_OWNED', source: 'test' })),
    );
    await mutateAll(
      api,
      'createPairing',
      'PairingInput',
      numbers.flatMap((n) => [
        { code: `CM-${town(n)}`, scheme: 'CITY_MOUNTAIN', leadAreaCode: PLATFORM, partnerAreaCode: town(n), startDate: '2021-06-01', source: 'test' },
        {
          code: `ST-${town(n)}`,
          scheme: 'SOE_TOWN',
          leadEnterpriseCreditCode: creditCode(100 + n),
          partnerAreaCode: town(n),
          startDate: '2022-03-01',
          source: 'test',
        },
      ]),
    );
  }

  const AREAS = `{ areas(first: 100, filter: { kinds: [PLATFORM, TOWN] }) { nodes { code pairings { totalCount nodes { code lead ${PARTY} partner ${PARTY} } } } } }`;
  const ENTERPRISES = `{ enterprises(first: 100) { nodes { creditCode pairings { totalCount nodes { code lead ${PARTY} partner ${PARTY} } } } } }`;

  /** SQL statements a query costs, and its answer. */
  async function measure(query: string): Promise<{ statements: number; data: any }> {
    const before = api.statements();
    const data = await api.data(query);
    return { statements: api.statements() - before, data };
  }

  it('costs the same number of SQL statements for 3 towns as for 30', async () => {
    await addTowns(0, 3);
    const small = { areas: await measure(AREAS), enterprises: await measure(ENTERPRISES) };
    expect(small.areas.data.areas.nodes).toHaveLength(4);
    expect(small.areas.data.areas.nodes.find((n: any) => n.code === PLATFORM).pairings.totalCount).toBe(3);
    expect(small.enterprises.data.enterprises.nodes).toHaveLength(3);

    await addTowns(3, 30);
    const large = { areas: await measure(AREAS), enterprises: await measure(ENTERPRISES) };
    const platform = large.areas.data.areas.nodes.find((n: any) => n.code === PLATFORM);
    const towns = large.areas.data.areas.nodes.filter((n: any) => n !== platform);
    expect(platform.pairings.totalCount).toBe(30);
    expect(platform.pairings.nodes).toHaveLength(20);
    expect(towns).toHaveLength(30);
    for (const [i, t] of towns.entries()) {
      expect(t.pairings.totalCount).toBe(2);
      expect(t.pairings.nodes[0]).toMatchObject({ code: `CM-${t.code}`, lead: { __typename: 'Area', code: PLATFORM }, partner: { code: t.code } });
      expect(t.pairings.nodes[1]).toMatchObject({ code: `ST-${t.code}`, lead: { __typename: 'Enterprise', creditCode: creditCode(100 + i) } });
    }
    const enterprises = large.enterprises.data.enterprises.nodes;
    expect(enterprises).toHaveLength(30);
    expect(enterprises.every((e: any) => e.pairings.totalCount === 1 && e.pairings.nodes[0].lead.creditCode === e.creditCode)).toBe(true);

    expect(large.areas.statements).toBe(small.areas.statements);
    expect(large.enterprises.statements).toBe(small.enterprises.statements);
  });
});
