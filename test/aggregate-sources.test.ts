import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AreaRow, Seed } from '../scripts/seed-data/rows.js';
import { readWorkbook } from '../scripts/seed-data/workbook.js';
import { limitsFromEnv } from '../src/import/limits.js';
import { runImport } from '../src/import/run.js';
import { startTestApi, type TestApi } from './support/api.js';

/**
 * `sources` on every aggregate root: how much of its data is cited and how much illustrative (a
 * source starting with "illustrative", any case, blanks ignored). The seed marks almost every row
 * illustrative, so the test first cites some records through the API's mutations, then works out
 * every expected count and sum itself from the workbook's rows with the same changes applied
 * (BigInt yuan), never from the API's aggregates.
 */
let api: TestApi;
let seed: Seed;

const CITED = '余杭区统计局, 2023';
/** Illustrative despite capitals and leading blanks. */
const SHOUTED = '  ILLUSTRATIVE (estimate)';
const illustrative = (source: string) => /^illustrative/i.test(source.trim());

beforeAll(async () => {
  api = await startTestApi();
  const outcome = await runImport(api.databaseUrl, { paths: ['seeds'], limits: limitsFromEnv() });
  expect(outcome.status).toBe('ok');
  seed = await readWorkbook(await readFile('seeds/registry.xlsx'));

  // Cite every seventh fund flow, project and income figure (and shout one flow's "illustrative"),
  // through the API, and the same in the test's copy of the rows.
  const every7 = <T>(rows: T[]) => rows.filter((_, i) => i % 7 === 3);
  const mutate = async (query: string, variables: Record<string, unknown>) => {
    const res = await api.gql(query, variables);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  };
  for (const f of every7(seed.fund_flows)) {
    await mutate('mutation($k: FundFlowKeyInput!, $i: FundFlowInput!) { updateFundFlow(key: $k, input: $i) { source } }', {
      k: { projectCode: f.project_code, kind: f.kind, occurredOn: f.occurred_on },
      i: { source: CITED },
    });
    f.source = CITED;
  }
  const shouted = seed.fund_flows.find((f) => f.source !== CITED && f.kind === 'LANDED')!;
  await mutate('mutation($k: FundFlowKeyInput!, $i: FundFlowInput!) { updateFundFlow(key: $k, input: $i) { source } }', {
    k: { projectCode: shouted.project_code, kind: shouted.kind, occurredOn: shouted.occurred_on },
    i: { source: SHOUTED },
  });
  shouted.source = SHOUTED;
  for (const p of every7(seed.projects)) {
    await mutate('mutation($c: String!, $i: ProjectInput!) { updateProject(code: $c, input: $i) { source } }', { c: p.code, i: { source: CITED } });
    p.source = CITED;
  }
  for (const r of every7(seed.collective_incomes)) {
    await mutate('mutation($k: CollectiveIncomeKeyInput!, $i: CollectiveIncomeInput!) { updateCollectiveIncome(key: $k, input: $i) { source } }', {
      k: { villageCode: r.village_code, year: r.year },
      i: { source: CITED },
    });
    r.source = CITED;
  }
}, 240_000);
afterAll(async () => api?.close());

// ---------------------------------------------------------------------------------------------
// Exact arithmetic on the rows.

const sum = (xs: bigint[]): bigint => xs.reduce((a, b) => a + b, 0n);

/** Yuan as 万元, exactly ("12.5", "3"). */
function wan(yuan: bigint): string {
  const neg = yuan < 0n;
  const digits = (neg ? -yuan : yuan).toString().padStart(5, '0');
  const frac = digits.slice(-4).replace(/0+$/, '');
  return `${neg ? '-' : ''}${digits.slice(0, -4)}${frac ? `.${frac}` : ''}`;
}

function tree() {
  const areas = new Map<string, AreaRow>(seed.areas.map((a) => [a.code, a]));
  const chain = (code: string) => {
    const out: AreaRow[] = [];
    for (let a = areas.get(code); a; a = a.parent_code ? areas.get(a.parent_code) : undefined) out.push(a);
    return out;
  };
  return {
    areas,
    within: (code: string, root: string) => chain(code).some((a) => a.code === root),
    mountain: (code: string) => chain(code).some((a) => a.mountain === true),
  };
}

/** What `sources` should say about these records. */
function expected(records: { source: string; amount?: bigint | null }[], withAmount = true) {
  const ill = records.filter((r) => illustrative(r.source));
  return {
    records: records.length,
    illustrativeRecords: ill.length,
    citedRecords: records.length - ill.length,
    amount: withAmount ? wan(sum(records.map((r) => r.amount ?? 0n))) : null,
    illustrativeAmount: withAmount ? wan(sum(ill.map((r) => r.amount ?? 0n))) : null,
  };
}

const SOURCES = 'sources { records illustrativeRecords citedRecords amount(unit: WAN) illustrativeAmount(unit: WAN) }';

/** Operating income of a figure row (the importer sums the three parts when it is left empty). */
const operating = (r: Seed['collective_incomes'][number]) =>
  r.operating_income ?? (r.business_income ?? 0n) + (r.contracting_income ?? 0n) + (r.investment_income ?? 0n);

function flows(keep: (f: Seed['fund_flows'][number], host: string) => boolean) {
  const host = new Map(seed.projects.map((p) => [p.code, p.host_area_code]));
  return seed.fund_flows.filter((f) => keep(f, host.get(f.project_code)!));
}

describe('sources of each aggregate', () => {
  it('the test data mixes cited and illustrative records of every kind', () => {
    for (const rows of [seed.fund_flows, seed.projects, seed.collective_incomes, seed.workshops] as { source: string }[][]) {
      expect(rows.some((r) => illustrative(r.source))).toBe(true);
      expect(rows.some((r) => !illustrative(r.source))).toBe(true);
    }
  });

  it('funds: the flows of both kinds in scope and period, by amount, whatever the groups and their cut', async () => {
    const t = tree();
    const data = await api.data(`{
      funds(filter: { area: { mountain: true }, period: { year: 2022 } }, groupBy: [TOWN], orderBy: LANDED_DESC, first: 1) { groupCount groups { area { code } } ${SOURCES} }
    }`);
    const records = flows((f, host) => t.mountain(host) && f.occurred_on.startsWith('2022-'));
    expect(new Set(records.map((f) => f.kind))).toEqual(new Set(['COMMITMENT', 'LANDED']));
    expect(data.funds.groups).toHaveLength(1);
    expect(data.funds.groupCount).toBe(5);
    const want = expected(records);
    expect(want.citedRecords).toBeGreaterThan(0);
    expect(want.illustrativeRecords).toBeGreaterThan(0);
    expect(data.funds.sources).toEqual(want);
  });

  it('fundsLanded: the landed flows in scope, by amount; the shouted "ILLUSTRATIVE" counts as illustrative', async () => {
    const t = tree();
    const shouted = seed.fund_flows.find((f) => f.source === SHOUTED)!;
    const host = seed.projects.find((p) => p.code === shouted.project_code)!.host_area_code;
    const town = [...t.areas.values()].find((a) => a.kind === 'TOWN' && t.within(host, a.code))?.code ?? host;
    const data = await api.data(`query($w: [String!]) { fundsLanded(filter: { area: { within: $w } }) { wan: total(unit: WAN) ${SOURCES} } }`, { w: [town] });
    const records = flows((f, h) => f.kind === 'LANDED' && t.within(h, town));
    expect(records).toContain(shouted);
    expect(data.fundsLanded.sources).toEqual(expected(records));
    expect(data.fundsLanded.sources.amount).toBe(data.fundsLanded.wan);
  });

  it('projectTiers: the projects counted, by record, their signed amounts alongside', async () => {
    const t = tree();
    const data = await api.data(`{
      projectTiers(filter: { area: { mountain: true }, signed: { from: "2021-01-01", to: "2022-12-31" }, schemes: [CITY_MOUNTAIN, SOE_TOWN] }) { projectCount ${SOURCES} }
    }`);
    const schemeOf = new Map(seed.pairings.map((p) => [p.code, p.scheme]));
    const records = seed.projects
      .filter((p) => t.mountain(p.host_area_code))
      .filter((p) => p.signed_on >= '2021-01-01' && p.signed_on <= '2022-12-31')
      .filter((p) => p.pairing_code !== null && ['CITY_MOUNTAIN', 'SOE_TOWN'].includes(schemeOf.get(p.pairing_code)!))
      // projectTiers leaves cancelled projects out by default
      .filter((p) => !seed.project_stages.some((s) => s.project_code === p.code && s.stage === 'CANCELLED'))
      .map((p) => ({ source: p.source, amount: p.signed_amount }));
    const want = expected(records);
    expect(want.citedRecords).toBeGreaterThan(0);
    expect(want.illustrativeRecords).toBeGreaterThan(0);
    expect(data.projectTiers.projectCount).toBe(records.length);
    expect(data.projectTiers.sources).toEqual(expected(records));
  });

  it('collectiveIncome: the figures of the year and the year before of the villages in scope, by operating income', async () => {
    const t = tree();
    const data = await api.data(`{
      collectiveIncome(year: 2022, filter: { kinds: [VILLAGE], area: { within: ["330110111"] } }, groupBy: [VILLAGE], orderBy: GROWTH_DESC, first: 2) { groups { area { code } } ${SOURCES} }
    }`);
    const villages = new Set(seed.areas.filter((a) => a.kind === 'VILLAGE' && t.within(a.code, '330110111')).map((a) => a.code));
    const records = seed.collective_incomes
      .filter((r) => villages.has(r.village_code) && (r.year === 2021 || r.year === 2022))
      .map((r) => ({ source: r.source, amount: operating(r) }));
    expect(records.length).toBeGreaterThan(2);
    expect(data.collectiveIncome.groups).toHaveLength(2);
    expect(data.collectiveIncome.sources).toEqual(expected(records));
  });

  it('collectiveIncomeSeries: the figures of every year of the range and of the year before it', async () => {
    const data = await api.data(`{ collectiveIncomeSeries(from: 2021, to: 2022, filter: { kinds: [VILLAGE] }) { years { year } ${SOURCES} } }`);
    const villages = new Set(seed.areas.filter((a) => a.kind === 'VILLAGE').map((a) => a.code));
    const records = seed.collective_incomes
      .filter((r) => villages.has(r.village_code) && r.year >= 2020 && r.year <= 2022)
      .map((r) => ({ source: r.source, amount: operating(r) }));
    expect(records.some((r) => r.amount !== null)).toBe(true);
    expect(seed.collective_incomes.some((r) => r.year === 2020)).toBe(true); // the year before `from` counts
    const want = expected(records);
    expect(want.citedRecords).toBeGreaterThan(0);
    expect(want.illustrativeRecords).toBeGreaterThan(0);
    expect(data.collectiveIncomeSeries.sources).toEqual(want);
  });

  it('workshopSummary: the workshops counted, by record, no amount', async () => {
    const t = tree();
    const all = await api.data(`{ workshopSummary(groupBy: [TYPE]) { ${SOURCES} } }`);
    expect(all.workshopSummary.sources).toEqual(expected(seed.workshops, false));
    const luniao = await api.data(
      `{ workshopSummary(filter: { area: { within: ["330110111"] }, types: [PROCESSING, TARGETED_HIRING] }) { workshopCount ${SOURCES} } }`,
    );
    const records = seed.workshops.filter((w) => t.within(w.village_code, '330110111') && ['PROCESSING', 'TARGETED_HIRING'].includes(w.type));
    expect(luniao.workshopSummary.workshopCount).toBe(records.length);
    expect(luniao.workshopSummary.sources).toEqual(expected(records, false));
  });

  it('costs one more statement, and only when asked', async () => {
    const query = (withSources: boolean) => `{ funds(filter: { area: { mountain: true } }, groupBy: [TOWN]) { landed ${withSources ? SOURCES : ''} } }`;
    await api.data(query(false)); // warm: the area codes' check and any lazy loading
    let before = api.statements();
    await api.data(query(false));
    const without = api.statements() - before;
    before = api.statements();
    await api.data(query(true));
    expect(api.statements() - before).toBe(without + 1);
  });
});
