import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitsFromEnv } from '../src/import/limits.js';
import { runImport } from '../src/import/run.js';
import { templateWorkbook } from '../src/import/template.js';
import { displayGrowth, displayValue } from '../src/indicator/display.js';
import { parsePeriod, yearEarlier } from '../src/indicator/period.js';
import { startTestApi, type TestApi } from './support/api.js';
import { snapshotDatabase } from './support/snapshot.js';

/**
 * Programmes and monitoring indicators (issue 12): the article's figures G1–G13 asked with the
 * queries in queries/ of the registry filled from the shipped seed, and the rules of display,
 * qualifiers, growth, derived values, partial breakdowns and bad input.
 */
let api: TestApi;
let tmp: string;
const queries = new Map<string, string>();

beforeAll(async () => {
  api = await startTestApi();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'registry-indicators-'));
  const outcome = await runImport(api.databaseUrl, { paths: ['seeds'], limits: limitsFromEnv() });
  expect(outcome.problems.problems.filter((p) => p.severity === 'error')).toEqual([]);
  expect(outcome.status).toBe('ok');
  for (const file of await readdir('queries')) {
    const id = /^G(\d+)-/.exec(file)?.[1];
    if (id) queries.set(`G${Number(id)}`, await readFile(`queries/${file}`, 'utf8'));
  }
}, 180_000);
afterAll(async () => {
  await api?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function ask(figure: string): Promise<any> {
  const query = queries.get(figure);
  expect(query, `queries/ has a file for ${figure}`).toBeTruthy();
  return api.data(query!);
}

const ARTICLE = '余杭区委宣传部, 2023';

describe('the seeded registry reproduces the article’s monitoring figures', () => {
  it('G1: talent resources passed 36万 at the end of 2023 Q1 (at least 360,000, district)', async () => {
    const { nodes } = (await ask('G1')).indicatorValues;
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({
      value: '360000',
      qualifier: 'AT_LEAST',
      qualifierWord: '突破',
      display: '突破36万人',
      period: '2023-03-31',
      area: { code: '330110' },
      source: ARTICLE,
    });
  });

  it('G2: 5,770 overseas high-level talents, a cumulative stock at 2023-03-31', async () => {
    const [v] = (await ask('G2')).indicatorValues.nodes;
    expect(v).toMatchObject({
      value: '5770',
      qualifier: 'EXACT',
      qualifierWord: null,
      display: '5770名',
      periodKind: 'DATE',
      periodEnd: '2023-03-31',
      indicator: { measure: 'STOCK', unitWord: '名' },
    });
  });

  it('G3: four provincial laboratories, with their names', async () => {
    const { indicator } = await ask('G3');
    expect(indicator.latestValue.value).toBe('4');
    expect(indicator.latestValue.display).toBe('4家');
    expect(indicator.latestValue.items).toEqual(['之江实验室', '良渚实验室', '湖畔实验室', '天目山实验室']);
  });

  it('G4: technology trade of 22.39亿元 in 2023 Q1 is 2,239,000,000 元', async () => {
    const [v] = (await ask('G4')).indicatorValues.nodes;
    expect(v).toMatchObject({
      value: '2239000000',
      qualifier: 'EXACT',
      display: '22.39亿元',
      period: '2023-Q1',
      periodLabel: '2023年一季度',
      indicator: { unit: 'YUAN' },
    });
  });

  it('G5: 405 R&D centres in 2023 Q1, +55.77% over a 2022 Q1 value derived from that rate and marked so', async () => {
    const { indicatorSeries: s } = await ask('G5');
    expect(s.periods).toEqual(['2022-Q1', '2022-Q2', '2022-Q3', '2022-Q4', '2023-Q1']);
    expect(s.missing).toEqual(['2022-Q2', '2022-Q3', '2022-Q4']);
    const [earlier, latest] = s.values;
    expect(earlier).toMatchObject({ period: '2022-Q1', value: '260', derived: true, growth: null });
    expect(earlier.derivation).toMatch(/55\.77%/);
    expect(latest).toMatchObject({ period: '2023-Q1', value: '405', derived: false, display: '405家' });
    expect(latest.growth).toEqual({
      rate: '55.77',
      display: '+55.77%',
      change: '145',
      basedOnDerived: true,
      qualified: false,
      previous: expect.objectContaining({ period: '2022-Q1', value: '260', derived: true }),
    });
  });

  it('G6: 2.3万 jobs pushed through the job database is 23,000', async () => {
    const [v] = (await ask('G6')).indicatorValues.nodes;
    expect(v).toMatchObject({ value: '23000', qualifier: 'EXACT', display: '2.3万个', indicator: { programme: { code: 'JOB_DATABASE' } } });
  });

  it('G7: 340余 flexible workers trained is 340, at least, displayed 340余人', async () => {
    const [v] = (await ask('G7')).indicatorValues.nodes;
    expect(v).toMatchObject({ value: '340', qualifier: 'AT_LEAST', qualifierWord: '余', display: '340余人' });
  });

  it('G8: 1,000余 riders subsidised (at least 1,000) with 40余万元 (at least 400,000 元)', async () => {
    const byCode = Object.fromEntries((await ask('G8')).indicatorValues.nodes.map((n: any) => [n.indicator.code, n]));
    expect(byCode.RIDERS_SUBSIDISED).toMatchObject({ value: '1000', qualifier: 'AT_LEAST', qualifierWord: '余', display: '1000余名' });
    expect(byCode.RIDER_SUBSIDY_AMOUNT).toMatchObject({ value: '400000', qualifier: 'AT_LEAST', qualifierWord: '余', display: '40余万元' });
  });

  it('G9: 120 rider stations linked', async () => {
    const [v] = (await ask('G9')).indicatorValues.nodes;
    expect(v).toMatchObject({ value: '120', qualifier: 'EXACT', display: '120个' });
  });

  it('G10: 346 rural-innovation makers cultivated in 2022', async () => {
    const [v] = (await ask('G10')).indicatorValues.nodes;
    expect(v).toMatchObject({ value: '346', qualifier: 'EXACT', display: '346名', period: '2022', periodLabel: '2022年' });
  });

  it('G11: 9,334 farmers trained in 2022 with three named parts, marked partial and never totalled', async () => {
    const v = (await ask('G11')).indicatorValue;
    expect(v.value).toBe('9334');
    expect(v.breakdown.complete).toBe(false);
    expect(v.breakdown.remainder).toBeNull();
    expect(v.breakdown.note).toMatch(/partial/);
    expect(v.breakdown.parts.map((p: any) => [p.indicator.code, p.value])).toEqual([
      ['FARMERS_TRAINED_LABOUR', '837'],
      ['FARMERS_TRAINED_PRACTICAL', '1300'],
      ['FARMERS_TRAINED_SPECIAL', '2399'],
    ]);
  });

  it('G12: 鸬鸟镇’s partner enterprises and farmers took over 3,000万 in 2022 (at least 30,000,000 元)', async () => {
    const { nodes } = (await ask('G12')).indicatorValues;
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({
      value: '30000000',
      qualifier: 'AT_LEAST',
      qualifierWord: '超',
      display: '超3000万元',
      area: { code: '330110111', name: '鸬鸟镇' },
    });
  });

  it('G13: the pilot selection (2022-06) and the six-year ranking are programme events with dates and sources', async () => {
    const { programme } = await ask('G13');
    expect(programme.kind).toBe('PILOT');
    expect(programme.events).toEqual([
      { occurredOn: '2022-06-01', title: expect.stringContaining('第二批试点'), source: ARTICLE },
      { occurredOn: '2023-05-18', title: expect.stringContaining('连续6年蝉联榜首'), source: ARTICLE },
    ]);
  });

  it('lists programmes with their policy documents', async () => {
    const data = await api.data(
      `{ programme(code: "TALENT_ENCLAVE") { nameZh documents { title } indicators { code } } programmes(first: 50) { totalCount } }`,
    );
    expect(data.programme.documents.map((d: any) => d.title)).toEqual(['《杭州市余杭区“人才飞地”高层次人才一体化互认实施方案(试行)》']);
    expect(data.programme.indicators).toEqual([{ code: 'OVERSEAS_TALENT' }]);
    expect(data.programmes.totalCount).toBe(12);
  });

  it('lists the records that belong to a programme: 鸬鸟’s seven workshops, the 乡创联合体 pairing', async () => {
    const data = await api.data(`{
      luniao: programme(code: "LUNIAO_SIX_VILLAGES") { leadArea { code } workshops { name programme { code } } }
      union: programme(code: "RURAL_INNOVATION_UNION") { pairings { code scheme } projects { code } }
    }`);
    expect(data.luniao.leadArea.code).toBe('330110111');
    expect(data.luniao.workshops).toHaveLength(7);
    expect(data.luniao.workshops.map((w: any) => w.name)).toEqual(expect.arrayContaining(['村团长', '鸬鸟味·道不完']));
    expect(data.luniao.workshops.every((w: any) => w.programme.code === 'LUNIAO_SIX_VILLAGES')).toBe(true);
    expect(data.union).toEqual({ pairings: [{ code: 'OT-001', scheme: 'OTHER' }], projects: [] });
  });
});

describe('reading values in batches', () => {
  it('costs no more SQL statements for all values than for 2, with display, growth and breakdown', async () => {
    const q = `query($n: Int, $c: [String!]) { indicatorValues(first: $n, filter: { indicators: $c }) { nodes { value display periodLabel indicator { code unitWord } area { name }
      growth { rate previous { value } } breakdown { complete parts { value indicator { code } } } } } }`;
    const count = async (n: number, c: string[] | null) => {
      const before = api.statements();
      const data = await api.data(q, { n, c });
      return { statements: api.statements() - before, rows: data.indicatorValues.nodes.length };
    };
    // Both pages hold a value with parts (FARMERS_TRAINED), so both read the parts.
    const few = await count(2, ['FARMERS_TRAINED', 'RURAL_MAKERS']);
    const all = await count(100, null);
    expect(few.rows).toBe(2);
    expect(all.rows).toBeGreaterThanOrEqual(17);
    // The page, the code check, the indicators and areas, the year-earlier values, which indicators
    // have parts, the parts and their indicators: a fixed few, whatever the number of rows.
    expect(few.statements).toBeLessThanOrEqual(6);
    expect(all.statements).toBeLessThanOrEqual(few.statements);
  });
});

describe('display rules', () => {
  it.each([
    ['340', 'REN', '余', '340余人'],
    ['360000', 'REN', '突破', '突破36万人'],
    ['360000', 'REN', '约', '约36万人'],
    ['23000', 'GE', null, '2.3万个'],
    ['12345', 'REN', null, '12345人'],
    ['5770', 'MING', null, '5770名'],
    ['2239000000', 'YUAN', null, '22.39亿元'],
    ['710000000', 'YUAN', null, '7.1亿元'],
    ['400000', 'YUAN', '余', '40余万元'],
    ['30000000', 'YUAN', '超', '超3000万元'],
    ['2239000001', 'YUAN', null, '2239000001元'],
    ['15000', 'YUAN', null, '1.5万元'],
    ['9999', 'YUAN', null, '9999元'],
    ['10', 'PERCENT', '以上', '10%以上'],
    ['55.77', 'PERCENT', null, '55.77%'],
  ] as const)('%s %s with %s is written %s', (value, unit, word, expected) => {
    const units = { REN: '人', MING: '名', GE: '个', YUAN: '元', PERCENT: '%' } as const;
    expect(displayValue(value, units[unit], word)).toBe(expected);
  });

  it('writes growth with its sign', () => {
    expect(displayGrowth('55.77')).toBe('+55.77%');
    expect(displayGrowth('-3.2')).toBe('-3.2%');
    expect(displayGrowth('0')).toBe('0%');
  });

  it('reads periods and finds the same period a year earlier', () => {
    expect(parsePeriod('2023年一季度')?.text).toBe('2023-Q1');
    expect(parsePeriod('2023q1')?.end).toBe('2023-03-31');
    expect(parsePeriod('2023/3/31')).toMatchObject({ kind: 'DATE', text: '2023-03-31' });
    expect(parsePeriod('2023-13')).toBeNull();
    expect(yearEarlier(parsePeriod('2024-02-29')!)?.text).toBe('2023-02-28');
  });
});

const CREATE_INDICATOR = `mutation($i: IndicatorInput!) { createIndicator(input: $i) { code } }`;
const CREATE_VALUE = `mutation($i: IndicatorValueInput!) { createIndicatorValue(input: $i) { value qualifier qualifierWord display derived period periodKind } }`;

describe('writing indicators and values', () => {
  beforeAll(async () => {
    await api.data(CREATE_INDICATOR, {
      i: { code: 'T_INCOME', nameZh: '测试收入', nameEn: 'Test income', unit: 'YUAN', measure: 'FLOW', additive: true, source: 'test' },
    });
    await api.data(CREATE_INDICATOR, {
      i: { code: 'T_RATE', nameZh: '测试比率', nameEn: 'Test rate', unit: 'PERCENT', measure: 'FLOW', additive: false, source: 'test' },
    });
    await api.data(CREATE_INDICATOR, {
      i: { code: 'T_STOCK', nameZh: '测试存量', nameEn: 'Test stock', unit: 'REN', measure: 'STOCK', additive: true, breakdownComplete: true, source: 'test' },
    });
    await api.data(CREATE_INDICATOR, {
      i: { code: 'T_STOCK_A', nameZh: '测试存量甲', nameEn: 'Part A', unit: 'REN', measure: 'STOCK', additive: true, parent: 'T_STOCK', source: 'test' },
    });
  });

  it('takes the qualifier from the source’s word and keeps the word', async () => {
    const v = await api.data(CREATE_VALUE, {
      i: { indicator: 'T_INCOME', area: '330110111', period: '2021', value: '12.5万', qualifierWord: '余', source: 'test' },
    });
    expect(v.createIndicatorValue).toEqual({
      value: '125000',
      qualifier: 'AT_LEAST',
      qualifierWord: '余',
      display: '12.5余万元',
      derived: false,
      period: '2021',
      periodKind: 'YEAR',
    });
  });

  it('derives growth over the same period a year earlier from the two stored values', async () => {
    await api.data(CREATE_VALUE, { i: { indicator: 'T_INCOME', area: '330110111', period: '2022年', value: '150000', source: 'test' } });
    const data = await api.data(
      `{ indicatorValue(key: { indicator: "T_INCOME", area: "330110111", period: "2022" }) { growth { rate display change basedOnDerived qualified } } }`,
    );
    // (150000 − 125000) / 125000 = 20%; the earlier value is 余 (at least), so the rate is only indicative.
    expect(data.indicatorValue.growth).toEqual({ rate: '20', display: '+20%', change: '25000', basedOnDerived: false, qualified: true });
  });

  it('adds up an area’s subtree only for an additive indicator', async () => {
    await api.data(CREATE_VALUE, { i: { indicator: 'T_RATE', area: '330110111', period: '2022', value: '-3.5', source: 'test' } });
    const q = `query($c: [String!]) { indicatorValues(filter: { indicators: $c, area: { within: ["330110"] }, period: "2022" }) { nodes { indicator { code } area { code } } } }`;
    expect((await api.data(q, { c: ['T_INCOME'] })).indicatorValues.nodes).toEqual([{ indicator: { code: 'T_INCOME' }, area: { code: '330110111' } }]);
    expect((await api.data(q, { c: ['T_RATE'] })).indicatorValues.nodes).toEqual([]);
  });

  it('gives the remainder of a complete breakdown', async () => {
    await api.data(CREATE_VALUE, { i: { indicator: 'T_STOCK', area: '330110', period: '2022-12-31', value: '100', source: 'test' } });
    await api.data(CREATE_VALUE, { i: { indicator: 'T_STOCK_A', area: '330110', period: '2022-12-31', value: '60', source: 'test' } });
    const data = await api.data(
      `{ indicatorValue(key: { indicator: "T_STOCK", area: "330110", period: "2022-12-31" }) { breakdown { complete remainder parts { value } } } }`,
    );
    expect(data.indicatorValue.breakdown).toEqual({ complete: true, remainder: '40', parts: [{ value: '60' }] });
  });

  it.each([
    [{ indicator: 'T_STOCK', period: '2023-Q1' }, 'input.period', /is a stock/],
    [{ indicator: 'T_INCOME', period: '2023-03-31' }, 'input.period', /is a flow/],
    [{ indicator: 'T_INCOME', period: '2023-Q5' }, 'input.period', /must be a year \(2022\), a quarter/],
    [{ indicator: 'T_STOCK', period: '2023-03-31', value: '12.5' }, 'input.value', /must be a whole number/],
    [{ indicator: 'T_INCOME', value: '-1' }, 'input.value', /must be 0 or more/],
    [{ indicator: 'T_INCOME', value: '1.234' }, 'input.value', /exact decimal/],
    [{ indicator: 'T_INCOME', qualifier: 'EXACT', qualifierWord: '余' }, 'input.qualifierWord', /EXACT value has no qualifier word/],
    [{ indicator: 'T_INCOME', qualifier: 'AT_LEAST' }, 'input.qualifierWord', /is required for AT_LEAST/],
    [{ indicator: 'T_INCOME', qualifier: 'APPROXIMATELY', qualifierWord: '超' }, 'input.qualifierWord', /超 means AT_LEAST/],
    [{ indicator: 'T_INCOME', qualifierWord: '大约' }, 'input.qualifierWord', /must be one of/],
    [{ indicator: 'T_INCOME', derived: true }, 'input.derivation', /is required when the value is derived/],
    [{ indicator: 'NOPE' }, 'input.indicator', /no indicator has code NOPE/],
  ])('refuses %o naming %s', async (fields, field, rule) => {
    const res = await api.gql(CREATE_VALUE, { i: { area: '330110', period: '2019', value: '1', source: 'test', ...fields } });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const problems = res.errors![0]!.extensions!.problems as { field: string; rule: string }[];
    expect(
      problems.some((p) => p.field === field && rule.test(p.rule)),
      JSON.stringify(problems),
    ).toBe(true);
  });

  it('puts a workshop in a programme, takes it out, and refuses an unknown programme naming the field', async () => {
    const key = { villageCode: '330110111201', name: '竹编工坊' };
    const made = await api.data(`mutation($i: WorkshopInput!) { createWorkshop(input: $i) { programme { code } } }`, {
      i: { ...key, type: 'PROCESSING', programmeCode: 'LUNIAO_SIX_VILLAGES', source: 'test' },
    });
    expect(made.createWorkshop.programme).toEqual({ code: 'LUNIAO_SIX_VILLAGES' });
    const cleared = await api.data(`mutation($k: WorkshopKeyInput!) { updateWorkshop(key: $k, input: { programmeCode: null }) { programme { code } } }`, {
      k: key,
    });
    expect(cleared.updateWorkshop.programme).toBeNull();
    const bad = await api.gql(`mutation($k: WorkshopKeyInput!) { updateWorkshop(key: $k, input: { programmeCode: "NOPE" }) { name } }`, { k: key });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.programmeCode' });
    await api.data(`mutation($k: WorkshopKeyInput!) { deleteWorkshop(key: $k) }`, { k: key });
  });

  it('refuses a second value for the same indicator, area and period as a CONFLICT', async () => {
    const res = await api.gql(CREATE_VALUE, { i: { indicator: 'T_INCOME', area: '330110111', period: '2022', value: '1', source: 'test' } });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.period' });
  });

  it('refuses a malformed period or an unknown indicator in a filter, naming the field', async () => {
    const bad = await api.gql(`{ indicatorValues(filter: { period: "Q1 2023" }) { totalCount } }`);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.period' });
    const unknown = await api.gql(`{ indicatorValues(filter: { indicator: "人才资源总量" }) { totalCount } }`);
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.indicator' });
    expect(unknown.errors?.[0]?.message).toMatch(/did you mean TALENT_TOTAL/);
  });

  it('lets only admins and editors define indicators, and area credentials write values in their area only', async () => {
    const area = await api.createKey({ role: 'area', areaCode: '330110111' });
    const def = await api.gqlAs(area, CREATE_INDICATOR, { i: { code: 'T_X', nameZh: 'x', nameEn: 'x', unit: 'GE', measure: 'FLOW', source: 'test' } });
    expect(def.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const inside = await api.gqlAs(area, CREATE_VALUE, { i: { indicator: 'T_INCOME', area: '330110111', period: '2020', value: '1', source: 'test' } });
    expect(inside.errors).toBeUndefined();
    const outside = await api.gqlAs(area, CREATE_VALUE, { i: { indicator: 'T_INCOME', area: '330110', period: '2020', value: '1', source: 'test' } });
    expect(outside.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('importing indicator sheets', () => {
  it('refuses the whole workbook with located errors when a value breaks a rule', async () => {
    const before = await snapshotDatabase(api.databaseUrl);
    const wb = templateWorkbook();
    wb.getWorksheet('indicators')!.addRow(['T_IMPORT', '导入测试', 'Import test', '人', '存量', '是', '', '', '', '', 'test']);
    wb.getWorksheet('indicator_values')!.addRow(['T_IMPORT', '330110', '2022-12-31', '340', '余', '', '', '', 'test']);
    wb.getWorksheet('indicator_values')!.addRow(['T_IMPORT', '330110', '2022', '12', '', '', '', '', 'test']);
    wb.getWorksheet('indicator_values')!.addRow(['T_IMPORT', '330110', '2021-12-31', '12', '大约', '', '', '', 'test']);
    const file = path.join(tmp, 'bad-values.xlsx');
    await wb.xlsx.writeFile(file);
    const outcome = await runImport(api.databaseUrl, { paths: [file], limits: limitsFromEnv() });
    expect(outcome.status).toBe('rejected');
    const errors = outcome.problems.problems.filter((p) => p.severity === 'error');
    expect(errors).toEqual([
      expect.objectContaining({ sheet: 'indicator_values', row: 3, column: '期别', rule: expect.stringMatching(/is a stock/) }),
      expect.objectContaining({ sheet: 'indicator_values', row: 4, column: '限定词', rule: expect.stringMatching(/must be one of/) }),
    ]);
    expect(await snapshotDatabase(api.databaseUrl)).toEqual(before);
  });

  it('imports a good indicator sheet and its values, then finds it unchanged the second time', async () => {
    const wb = templateWorkbook();
    wb.getWorksheet('indicators')!.addRow(['T_IMPORT2', '导入测试', 'Import test', '元', '流量', '是', '', '', 'RURAL_TALENT', '', 'test']);
    wb.getWorksheet('indicator_values')!.addRow(['T_IMPORT2', '330110', '2022年一季度', '40万', '余', '', '', '', 'test']);
    const file = path.join(tmp, 'good-values.xlsx');
    await wb.xlsx.writeFile(file);
    const first = await runImport(api.databaseUrl, { paths: [file], limits: limitsFromEnv() });
    expect(first.problems.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const data = await api.data(
      `{ indicatorValue(key: { indicator: "T_IMPORT2", area: "330110", period: "2022-Q1" }) { value qualifierWord display indicator { programme { code } } } }`,
    );
    expect(data.indicatorValue).toEqual({ value: '400000', qualifierWord: '余', display: '40余万元', indicator: { programme: { code: 'RURAL_TALENT' } } });
    const second = await runImport(api.databaseUrl, { paths: [file], limits: limitsFromEnv() });
    expect(second.summaries.find((s) => s.sheet === 'indicator_values')).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
  });
});
