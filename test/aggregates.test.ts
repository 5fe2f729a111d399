import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyRegistry, insertRegistry, type Registry } from './aggregates-registry.js';
import { startTestApi, type TestApi } from './support/api.js';
import { creditCode } from './support/fixtures.js';

/**
 * A small registry whose answers are worked out by hand in the tests below:
 * a platform with a community, mountain towns A (two villages) and C (one village, no figures),
 * town B (one village), five projects at the tier boundaries, landed and committed flows, and
 * collective income where A's villages give 115,000,000 → 130,000,000 (+13.04%).
 */
function fixture(): Registry {
  const r = emptyRegistry();
  const area = (
    id: number,
    code: string,
    kind: Registry['areas'][number]['kind'],
    parentId: number | null,
    extra: { mountain?: boolean; scenicGrade?: string } = {},
  ) => r.areas.push({ id, code, name: `区域${code}`, kind, parentId, mountain: extra.mountain ?? false, scenicGrade: extra.scenicGrade ?? 'NONE' });
  area(1, '330110', 'DISTRICT', null);
  area(2, '330110800', 'PLATFORM', 1);
  area(3, '330110800001', 'COMMUNITY', 2);
  area(4, '330110101', 'TOWN', 1, { mountain: true });
  area(5, '330110101201', 'VILLAGE', 4, { scenicGrade: 'GRADE_3A' });
  area(6, '330110101202', 'VILLAGE', 4, { scenicGrade: 'GRADE_2A' });
  area(7, '330110102', 'TOWN', 1);
  area(8, '330110102201', 'VILLAGE', 7);
  area(9, '330110103', 'TOWN', 1, { mountain: true });
  area(10, '330110103201', 'VILLAGE', 9);
  r.enterprises.push({ id: 1, creditCode: creditCode(1), name: '企业1' }, { id: 2, creditCode: creditCode(2), name: '企业2' });
  r.pairings.push(
    { id: 1, code: 'CM-330110101', scheme: 'CITY_MOUNTAIN', leadAreaId: 2, leadEnterpriseId: null, partnerAreaId: 4, partnerEnterpriseId: null },
    { id: 2, code: 'EV-1', scheme: 'ENTERPRISE_VILLAGE', leadAreaId: null, leadEnterpriseId: 1, partnerAreaId: 8, partnerEnterpriseId: null },
  );
  const signed = (on: string) => ({ stage: 'SIGNED', reachedOn: on });
  r.projects.push(
    {
      id: 1,
      code: 'P1',
      hostId: 5,
      pairingId: 1,
      sector: 'tourism',
      signedAmount: '100000000',
      signedOn: '2022-02-10',
      stages: [signed('2022-02-10'), { stage: 'LANDED', reachedOn: '2022-03-01' }],
      investorIds: [1, 2],
    },
    {
      id: 2,
      code: 'P2',
      hostId: 4,
      pairingId: 1,
      sector: 'digital',
      signedAmount: '5000000000',
      signedOn: '2023-01-15',
      stages: [signed('2023-01-15'), { stage: 'LANDED', reachedOn: '2023-02-01' }],
      investorIds: [1],
    },
    {
      id: 3,
      code: 'P3',
      hostId: 2,
      pairingId: null,
      sector: 'digital',
      signedAmount: '999999999.99',
      signedOn: '2023-03-31',
      stages: [signed('2023-03-31')],
      investorIds: [],
    },
    {
      id: 4,
      code: 'P4',
      hostId: 8,
      pairingId: 2,
      sector: 'tourism',
      signedAmount: '1000000000',
      signedOn: '2023-04-01',
      stages: [signed('2023-04-01'), { stage: 'LANDED', reachedOn: '2023-05-01' }, { stage: 'CANCELLED', reachedOn: '2023-06-01' }],
      investorIds: [2],
    },
    {
      id: 5,
      code: 'P5',
      hostId: 3,
      pairingId: null,
      sector: 'life',
      signedAmount: '99999999.99',
      signedOn: '2022-12-31',
      stages: [signed('2022-12-31'), { stage: 'LANDED', reachedOn: '2022-12-31' }],
      investorIds: [],
    },
  );
  r.flows.push(
    { projectId: 1, kind: 'LANDED', amount: '30000000.5', occurredOn: '2022-03-01' },
    { projectId: 1, kind: 'LANDED', amount: '20000000', occurredOn: '2022-11-20' },
    { projectId: 1, kind: 'LANDED', amount: '10000000', occurredOn: '2023-01-05' },
    { projectId: 1, kind: 'COMMITMENT', amount: '100000000', occurredOn: '2022-02-10' },
    { projectId: 2, kind: 'LANDED', amount: '700000000', occurredOn: '2023-02-01' },
    { projectId: 4, kind: 'LANDED', amount: '5000000', occurredOn: '2023-05-01' },
    { projectId: 5, kind: 'LANDED', amount: '1234.56', occurredOn: '2022-12-31' },
  );
  r.incomes.push(
    { villageId: 5, year: 2021, operatingIncome: '50000000' },
    { villageId: 5, year: 2022, operatingIncome: '60000000' },
    { villageId: 6, year: 2021, operatingIncome: '65000000' },
    { villageId: 6, year: 2022, operatingIncome: '70000000' },
    { villageId: 8, year: 2022, operatingIncome: '1000000' },
    { villageId: 3, year: 2021, operatingIncome: '0' },
    { villageId: 3, year: 2022, operatingIncome: '500000' },
  );
  return r;
}

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
  await insertRegistry(api.orm, fixture());
});
afterAll(async () => api?.close());

const problemFields = (res: { errors?: { extensions?: Record<string, any> }[] }) =>
  res.errors?.[0]?.extensions?.problems?.map((p: { field: string }) => p.field);

describe('fundsLanded', () => {
  it('sums only LANDED flows, exactly, and counts distinct projects', async () => {
    const res = await api.data(`{ fundsLanded { total projectCount yi: total(unit: YI) rounded: total(unit: YI, scale: 2) groups { total } } }`);
    expect(res.fundsLanded).toEqual({ total: '765001235.06', projectCount: 4, yi: '7.6500123506', rounded: '7.65', groups: [] });
  });

  it('sums a year in the mountain towns, as the acceptance figure F2 is asked', async () => {
    const res = await api.data(`{ fundsLanded(filter: { mountain: true, period: { year: 2023 } }) { total(unit: YI) projectCount } }`);
    expect(res.fundsLanded).toEqual({ total: '7.1', projectCount: 2 });
  });

  it('groups by town with typed area keys, putting hosts outside any town in a null group last', async () => {
    const res = await api.data(`{ fundsLanded(filter: { period: { year: 2022 } }, groupBy: [TOWN]) {
      total projectCount groups { area { code kind mountain } total projectCount year quarter { year } } } }`);
    expect(res.fundsLanded).toEqual({
      total: '50001235.06',
      projectCount: 2,
      groups: [
        { area: { code: '330110101', kind: 'TOWN', mountain: true }, total: '50000000.5', projectCount: 1, year: null, quarter: null },
        { area: null, total: '1234.56', projectCount: 1, year: null, quarter: null },
      ],
    });
  });

  it('groups by quarter with the quarter as a year and a quarter', async () => {
    const res = await api.data(`{ fundsLanded(groupBy: [QUARTER]) { groups { quarter { year quarter } total projectCount } } }`);
    expect(res.fundsLanded.groups).toEqual([
      { quarter: { year: 2022, quarter: 1 }, total: '30000000.5', projectCount: 1 },
      { quarter: { year: 2022, quarter: 4 }, total: '20001234.56', projectCount: 2 },
      { quarter: { year: 2023, quarter: 1 }, total: '710000000', projectCount: 2 },
      { quarter: { year: 2023, quarter: 2 }, total: '5000000', projectCount: 1 },
    ]);
  });

  it('counts a project with several investors in full for each investor, but once in the total', async () => {
    const res = await api.data(`{ fundsLanded(groupBy: [INVESTOR]) { total groups { investor { creditCode } total projectCount } } }`);
    expect(res.fundsLanded).toEqual({
      total: '765001235.06',
      groups: [
        { investor: { creditCode: creditCode(1) }, total: '760000000.5', projectCount: 2 },
        { investor: { creditCode: creditCode(2) }, total: '65000000.5', projectCount: 2 },
        { investor: null, total: '1234.56', projectCount: 1 },
      ],
    });
  });

  it('groups by scheme and pairing together, and filters by sector, stage and area subtree', async () => {
    const grouped = await api.data(`{ fundsLanded(groupBy: [SCHEME, PAIRING]) { groups { scheme pairing { code } total } } }`);
    expect(grouped.fundsLanded.groups).toEqual([
      { scheme: 'CITY_MOUNTAIN', pairing: { code: 'CM-330110101' }, total: '760000000.5' },
      { scheme: 'ENTERPRISE_VILLAGE', pairing: { code: 'EV-1' }, total: '5000000' },
      { scheme: null, pairing: null, total: '1234.56' },
    ]);
    const filtered = await api.data(`{
      tourism: fundsLanded(filter: { sectors: ["tourism"] }) { total }
      cancelled: fundsLanded(filter: { stages: [CANCELLED] }) { total }
      platform: fundsLanded(filter: { areaCodes: ["330110800"] }) { total }
      townC: fundsLanded(filter: { areaCodes: ["330110103"] }) { total projectCount }
      month: fundsLanded(filter: { period: { year: 2022, month: 11 } }) { total }
      range: fundsLanded(filter: { period: { from: "2022-12-31", to: "2023-01-05" } }) { total }
    }`);
    expect(filtered).toEqual({
      tourism: { total: '65000000.5' },
      cancelled: { total: '5000000' },
      platform: { total: '1234.56' },
      townC: { total: '0', projectCount: 0 },
      month: { total: '20000000' },
      range: { total: '10001234.56' },
    });
  });

  it('names the field of an invalid period, grouping or code', async () => {
    const cases: [string, string[]][] = [
      [`{ fundsLanded(filter: { period: { quarter: 2 } }) { total } }`, ['filter.period.quarter']],
      [`{ fundsLanded(filter: { period: { year: 2022, quarter: 5, month: 3 } }) { total } }`, ['filter.period.quarter', 'filter.period.month']],
      [`{ fundsLanded(filter: { period: { from: "2023-02-01", to: "2023-01-01" } }) { total } }`, ['filter.period.to']],
      [`{ fundsLanded(filter: { period: { year: 2022, from: "2022-01-01" } }) { total } }`, ['filter.period.year']],
      [`{ fundsLanded(groupBy: [TOWN, VILLAGE]) { total } }`, ['groupBy']],
      [`{ fundsLanded(filter: { areaCodes: ["330110", "999999"] }) { total } }`, ['filter.areaCodes[1]']],
      [`{ area(code: "330110") { fundsLanded(period: { year: 2022, month: 13 }) { total } } }`, ['period.month']],
    ];
    for (const [query, fields] of cases) {
      const res = await api.gql(query);
      expect(res.errors?.[0]?.extensions?.code, query).toBe('BAD_USER_INPUT');
      expect(problemFields(res), query).toEqual(fields);
    }
  });
});

describe('projectTiers', () => {
  it('counts cumulative thresholds at their exact boundaries, cancelled projects (P4) only when asked', async () => {
    const fields = `projectCount signedAmount tiers { tier threshold(unit: YI) projectCount signedAmount } all: atLeast(tier: BELOW_1YI) { projectCount }`;
    const res = await api.data(`{ projectTiers { ${fields} } withCancelled: projectTiers(filter: { includeCancelled: true }) { ${fields} } }`);
    // P1 1亿, P2 50亿, P3 9.9999999999亿, P5 0.9999999999亿; P4 (10亿) is cancelled.
    expect(res.projectTiers).toEqual({
      projectCount: 4,
      signedAmount: '6199999999.98',
      tiers: [
        { tier: 'YI_1', threshold: '1', projectCount: 3, signedAmount: '6099999999.99' },
        { tier: 'YI_10', threshold: '10', projectCount: 1, signedAmount: '5000000000' },
        { tier: 'YI_50', threshold: '50', projectCount: 1, signedAmount: '5000000000' },
      ],
      all: { projectCount: 4 },
    });
    expect(res.withCancelled).toEqual({
      projectCount: 5,
      signedAmount: '7199999999.98',
      tiers: [
        { tier: 'YI_1', threshold: '1', projectCount: 4, signedAmount: '7099999999.99' },
        { tier: 'YI_10', threshold: '10', projectCount: 2, signedAmount: '6000000000' },
        { tier: 'YI_50', threshold: '50', projectCount: 1, signedAmount: '5000000000' },
      ],
      all: { projectCount: 5 },
    });
  });

  it('answers a platform and quarter summary as F8 asks it, and counts projects landed in a year as F1', async () => {
    const res = await api.data(`{
      q1: projectTiers(filter: { signed: { year: 2023, quarter: 1 } }) { a: atLeast(tier: YI_1) { projectCount } b: atLeast(tier: YI_10) { projectCount } c: atLeast(tier: YI_50) { projectCount } }
      platform: projectTiers(filter: { areaCodes: ["330110800"], signed: { year: 2023, quarter: 1 } }) { atLeast(tier: YI_1) { projectCount } }
      landed: projectTiers(filter: { mountain: true, landed: { year: 2022 } }) { projectCount }
      landedAll: projectTiers(filter: { landed: { year: 2022 } }) { projectCount }
      everLanded: projectTiers(filter: { landed: {} }) { projectCount }
      cancelled: projectTiers(filter: { stages: [CANCELLED] }) { projectCount }
    }`);
    expect(res).toEqual({
      q1: { a: { projectCount: 2 }, b: { projectCount: 1 }, c: { projectCount: 1 } },
      platform: { atLeast: { projectCount: 1 } },
      landed: { projectCount: 1 },
      landedAll: { projectCount: 2 },
      everLanded: { projectCount: 3 }, // P1, P2, P5: P4 landed, then was cancelled
      cancelled: { projectCount: 1 },
    });
  });

  it('groups by signing quarter and by platform with typed keys', async () => {
    const res = await api.data(`{
      byQuarter: projectTiers(groupBy: [QUARTER]) { groups { quarter { year quarter } projectCount atLeast(tier: YI_10) { projectCount } } }
      byPlatform: projectTiers(groupBy: [PLATFORM]) { groups { area { code } projectCount } }
    }`);
    expect(res.byQuarter.groups).toEqual([
      { quarter: { year: 2022, quarter: 1 }, projectCount: 1, atLeast: { projectCount: 0 } },
      { quarter: { year: 2022, quarter: 4 }, projectCount: 1, atLeast: { projectCount: 0 } },
      { quarter: { year: 2023, quarter: 1 }, projectCount: 2, atLeast: { projectCount: 1 } },
    ]);
    expect(res.byPlatform.groups).toEqual([
      { area: { code: '330110800' }, projectCount: 2 },
      { area: null, projectCount: 2 },
    ]);
  });

  it('returns zeros, not an error, when nothing matches', async () => {
    const res = await api.data(
      `{ projectTiers(filter: { sectors: ["none"] }, groupBy: [TOWN]) { projectCount signedAmount tiers { projectCount signedAmount } groups { projectCount } } }`,
    );
    expect(res.projectTiers).toEqual({
      projectCount: 0,
      signedAmount: '0',
      tiers: [
        { projectCount: 0, signedAmount: '0' },
        { projectCount: 0, signedAmount: '0' },
        { projectCount: 0, signedAmount: '0' },
      ],
      groups: [],
    });
  });
});

describe('collectiveIncome(year)', () => {
  it('gives the growth of the mountain towns as a percentage, and lists the village without figures', async () => {
    const res = await api.data(`{ collectiveIncome(year: 2022, filter: { mountain: true }) {
      year previousYear total previousTotal change growthRate pct: growthRate(asPercent: true, scale: 2)
      villagesInScope villageCount previousVillageCount comparableVillageCount average(unit: WAN, scale: 0) complete
      missingCurrent { code } missingPrevious { code } } }`);
    expect(res.collectiveIncome).toEqual({
      year: 2022,
      previousYear: 2021,
      total: '130000000',
      previousTotal: '115000000',
      change: '15000000',
      growthRate: '0.1304',
      pct: '13.04',
      villagesInScope: 3,
      villageCount: 2,
      previousVillageCount: 2,
      comparableVillageCount: 2,
      average: '6500',
      complete: false,
      missingCurrent: [{ code: '330110103201' }],
      missingPrevious: [{ code: '330110103201' }],
    });
  });

  it('compares only villages with both years, never taking a missing figure as zero', async () => {
    const res = await api.data(`{ collectiveIncome(year: 2022) {
      total previousTotal change pct: growthRate(asPercent: true, scale: 2) villageCount average averageWan: average(unit: WAN, scale: 0)
      missingPrevious { code } } }`);
    expect(res.collectiveIncome).toEqual({
      total: '131500000',
      previousTotal: '115000000',
      change: '15500000',
      pct: '13.48',
      villageCount: 4,
      average: '32875000',
      averageWan: '3288',
      missingPrevious: [{ code: '330110102201' }, { code: '330110103201' }],
    });
  });

  it('groups by town, with null change and growth where there is nothing to compare', async () => {
    const res = await api.data(`{ collectiveIncome(year: 2022, groupBy: [TOWN]) { groups {
      area { code } total change growthRate average villagesInScope villageCount missingCurrent { code } } } }`);
    expect(res.collectiveIncome.groups).toEqual([
      {
        area: { code: '330110101' },
        total: '130000000',
        change: '15000000',
        growthRate: '0.1304',
        average: '65000000',
        villagesInScope: 2,
        villageCount: 2,
        missingCurrent: [],
      },
      {
        area: { code: '330110102' },
        total: '1000000',
        change: null,
        growthRate: null,
        average: '1000000',
        villagesInScope: 1,
        villageCount: 1,
        missingCurrent: [],
      },
      {
        area: { code: '330110103' },
        total: '0',
        change: null,
        growthRate: null,
        average: null,
        villagesInScope: 1,
        villageCount: 0,
        missingCurrent: [{ code: '330110103201' }],
      },
      { area: null, total: '500000', change: '500000', growthRate: null, average: '500000', villagesInScope: 1, villageCount: 1, missingCurrent: [] },
    ]);
  });

  it('orders villages by growth, fastest first, those without a rate last', async () => {
    const res = await api.data(`{ collectiveIncome(year: 2022, groupBy: [VILLAGE], orderBy: GROWTH_DESC) { groups { area { code } growthRate } } }`);
    expect(res.collectiveIncome.groups).toEqual([
      { area: { code: '330110101201' }, growthRate: '0.2' },
      { area: { code: '330110101202' }, growthRate: '0.0769' },
      { area: { code: '330110102201' }, growthRate: null },
      { area: { code: '330110103201' }, growthRate: null },
      { area: { code: '330110800001' }, growthRate: null },
    ]);
  });

  it('sums the change over chosen villages, by code or by scenic grade (as F6 asks)', async () => {
    const res = await api.data(`{
      byCode: collectiveIncome(year: 2022, filter: { villageCodes: ["330110101201", "330110101202"] }) { change(unit: WAN) }
      byGrade: collectiveIncome(year: 2022, filter: { areaCodes: ["330110101"], scenicGrades: [GRADE_2A, GRADE_3A] }) { change }
      communities: collectiveIncome(year: 2022, filter: { kinds: [COMMUNITY] }) { total villagesInScope }
    }`);
    expect(res).toEqual({ byCode: { change: '1500' }, byGrade: { change: '15000000' }, communities: { total: '500000', villagesInScope: 1 } });
  });

  it('refuses a code that is not a village, a kind that is not village level, and a year out of range', async () => {
    const notVillage = await api.gql(`{ collectiveIncome(year: 2022, filter: { villageCodes: ["330110101"] }) { total } }`);
    expect(problemFields(notVillage)).toEqual(['filter.villageCodes[0]']);
    const kind = await api.gql(`{ collectiveIncome(year: 2022, filter: { kinds: [TOWN] }) { total } }`);
    expect(problemFields(kind)).toEqual(['filter.kinds[0]']);
    const year = await api.gql(`{ collectiveIncome(year: 1800) { total } }`);
    expect(problemFields(year)).toEqual(['year']);
  });
});

describe('funds (committed against landed) and the new group dimensions', () => {
  it('sums commitments and landings of the same projects, with the share landed', async () => {
    const res = await api.data(`{
      all: funds { committed landed landedShare pct: landedShare(asPercent: true, scale: 1) projectCount committedProjectCount landedProjectCount }
      y2022: funds(filter: { period: { year: 2022 } }) { committed landed }
      none: funds(filter: { sectors: ["none"] }) { committed landed landedShare projectCount }
    }`);
    expect(res).toEqual({
      all: {
        committed: '100000000',
        landed: '765001235.06',
        landedShare: '7.65',
        pct: '765',
        projectCount: 4,
        committedProjectCount: 1,
        landedProjectCount: 4,
      },
      y2022: { committed: '100000000', landed: '50001235.06' },
      none: { committed: '0', landed: '0', landedShare: null, projectCount: 0 },
    });
  });

  it('orders pairings by share landed, those without commitments after them in key order, and cuts to first', async () => {
    const res = await api.data(`{
      all: funds(groupBy: [PAIRING], orderBy: LANDED_SHARE_ASC) { groupCount groups { pairing { code } committed landedShare } }
      top: funds(groupBy: [PAIRING], orderBy: LANDED_DESC, first: 1) { groupCount groups { pairing { code } landed } }
    }`);
    expect(res.all).toEqual({
      groupCount: 3,
      groups: [
        { pairing: { code: 'CM-330110101' }, committed: '100000000', landedShare: '7.6' },
        { pairing: { code: 'EV-1' }, committed: '0', landedShare: null },
        { pairing: null, committed: '0', landedShare: null },
      ],
    });
    expect(res.top).toEqual({ groupCount: 3, groups: [{ pairing: { code: 'CM-330110101' }, landed: '760000000.5' }] });
  });

  it('groups by the town or platform directly under the district, and by project', async () => {
    const res = await api.data(`{
      funds(groupBy: [TOWN_OR_PLATFORM]) { groups { area { code kind } committed landed } }
      fundsLanded(groupBy: [PROJECT], orderBy: TOTAL_ASC) { groups { project { code } total } }
    }`);
    expect(res.funds.groups).toEqual([
      { area: { code: '330110101', kind: 'TOWN' }, committed: '100000000', landed: '760000000.5' },
      { area: { code: '330110102', kind: 'TOWN' }, committed: '0', landed: '5000000' },
      { area: { code: '330110800', kind: 'PLATFORM' }, committed: '0', landed: '1234.56' },
    ]);
    expect(res.fundsLanded.groups).toEqual([
      { project: { code: 'P5' }, total: '1234.56' },
      { project: { code: 'P4' }, total: '5000000' },
      { project: { code: 'P1' }, total: '60000000.5' },
      { project: { code: 'P2' }, total: '700000000' },
    ]);
  });

  it('counts projects by landing year, the ones never landed in a null group last', async () => {
    const res = await api.data(`{ projectTiers(groupBy: [LANDED_YEAR]) { groups { landedYear year projectCount } }
      q: projectTiers(groupBy: [LANDED_QUARTER], filter: { landed: {} }) { groups { landedQuarter { year quarter } projectCount } } }`);
    expect(res.projectTiers.groups).toEqual([
      { landedYear: 2022, year: null, projectCount: 2 },
      { landedYear: 2023, year: null, projectCount: 1 },
      { landedYear: null, year: null, projectCount: 1 },
    ]);
    expect(res.q.groups).toEqual([
      { landedQuarter: { year: 2022, quarter: 1 }, projectCount: 1 },
      { landedQuarter: { year: 2022, quarter: 4 }, projectCount: 1 },
      { landedQuarter: { year: 2023, quarter: 1 }, projectCount: 1 },
    ]);
  });

  it('gives a series of years, each compared with the year before, and a project its own funds', async () => {
    const res = await api.data(`{
      collectiveIncomeSeries(from: 2021, to: 2022, groupBy: [TOWN_OR_PLATFORM], orderBy: GROWTH_DESC, first: 2) {
        from to years { year total change growthRate(asPercent: true, scale: 2) villageCount comparableVillageCount }
        groupCount groups { area { code } years { year total growthRate } }
      }
      projects(first: 10, orderBy: [{ field: CODE }]) { nodes { code funds { committed landed landedShare } } }
    }`);
    expect(res.collectiveIncomeSeries).toEqual({
      from: 2021,
      to: 2022,
      years: [
        { year: 2021, total: '115000000', change: null, growthRate: null, villageCount: 3, comparableVillageCount: 0 },
        { year: 2022, total: '131500000', change: '15500000', growthRate: '13.48', villageCount: 4, comparableVillageCount: 3 },
      ],
      groupCount: 4,
      groups: [
        {
          area: { code: '330110101' },
          years: [
            { year: 2021, total: '115000000', growthRate: null },
            { year: 2022, total: '130000000', growthRate: '0.1304' },
          ],
        },
        {
          area: { code: '330110102' },
          years: [
            { year: 2021, total: '0', growthRate: null },
            { year: 2022, total: '1000000', growthRate: null },
          ],
        },
      ],
    });
    expect(res.projects.nodes).toEqual([
      { code: 'P1', funds: { committed: '100000000', landed: '60000000.5', landedShare: '0.6' } },
      { code: 'P2', funds: { committed: '0', landed: '700000000', landedShare: null } },
      { code: 'P3', funds: { committed: '0', landed: '0', landedShare: null } },
      { code: 'P4', funds: { committed: '0', landed: '5000000', landedShare: null } },
      { code: 'P5', funds: { committed: '0', landed: '1234.56', landedShare: null } },
    ]);
  });
});

describe('per-record shortcuts', () => {
  it('gives every area, pairing and enterprise its own figures, zeros where there are none', async () => {
    const res = await api.data(`{
      areas(first: 100) { nodes { code fundsLanded(period: { year: 2022 }) { total projectCount } collectiveIncome(year: 2022) { total change villageCount } } }
      pairings(first: 100) { nodes { code fundsLanded { total projectCount } } }
      enterprises(first: 100) { nodes { creditCode projectTiers { projectCount tiers { projectCount } } q1: projectTiers(filter: { signed: { year: 2023, quarter: 1 } }) { projectCount } } }
    }`);
    const byCode = Object.fromEntries(res.areas.nodes.map((a: any) => [a.code, a]));
    expect(byCode['330110'].fundsLanded).toEqual({ total: '50001235.06', projectCount: 2 });
    expect(byCode['330110800'].fundsLanded).toEqual({ total: '1234.56', projectCount: 1 });
    expect(byCode['330110101'].fundsLanded).toEqual({ total: '50000000.5', projectCount: 1 });
    expect(byCode['330110103'].fundsLanded).toEqual({ total: '0', projectCount: 0 });
    expect(byCode['330110'].collectiveIncome).toEqual({ total: '131500000', change: '15500000', villageCount: 4 });
    expect(byCode['330110101'].collectiveIncome).toEqual({ total: '130000000', change: '15000000', villageCount: 2 });
    expect(byCode['330110101201'].collectiveIncome).toEqual({ total: '60000000', change: '10000000', villageCount: 1 });
    expect(byCode['330110103'].collectiveIncome).toEqual({ total: '0', change: null, villageCount: 0 });
    expect(res.pairings.nodes).toEqual([
      { code: 'CM-330110101', fundsLanded: { total: '760000000.5', projectCount: 2 } },
      { code: 'EV-1', fundsLanded: { total: '5000000', projectCount: 1 } },
    ]);
    expect(res.enterprises.nodes).toEqual([
      {
        creditCode: creditCode(1),
        projectTiers: { projectCount: 2, tiers: [{ projectCount: 2 }, { projectCount: 1 }, { projectCount: 1 }] },
        q1: { projectCount: 1 },
      },
      {
        creditCode: creditCode(2),
        projectTiers: { projectCount: 1, tiers: [{ projectCount: 1 }, { projectCount: 0 }, { projectCount: 0 }] },
        q1: { projectCount: 0 },
      }, // P1; P4 is cancelled
    ]);
  });

  it('runs the same number of SQL statements for a page of 100 records however much data there is', async () => {
    const query = `{
      areas(first: 100) { nodes { code fundsLanded(period: { year: 2022 }) { total projectCount }
        collectiveIncome(year: 2022) { total change growthRate(asPercent: true, scale: 2) average(unit: WAN) missingCurrent { code } missingPrevious { code } } } }
      pairings(first: 100) { nodes { code fundsLanded(period: { from: "2022-01-01" }) { total(unit: WAN) projectCount } } }
      enterprises(first: 100) { nodes { creditCode projectTiers(filter: { signed: { year: 2023 } }) { projectCount atLeast(tier: YI_10) { projectCount signedAmount } } } }
    }`;
    const measure = async () => {
      const before = api.statements();
      const res = await api.gql(query);
      expect(res.errors).toBeUndefined();
      return {
        statements: api.statements() - before,
        areas: res.data.areas.nodes.length,
        pairings: res.data.pairings.nodes.length,
        enterprises: res.data.enterprises.nodes.length,
      };
    };
    const small = await measure();
    await insertRegistry(api.orm, growth());
    const large = await measure();
    expect(large.areas).toBe(100);
    expect(large.areas).toBeGreaterThan(small.areas * 5);
    expect(large.pairings).toBeGreaterThan(small.pairings * 5);
    expect(large.enterprises).toBeGreaterThan(small.enterprises * 5);
    expect(large.statements, JSON.stringify({ small, large })).toBe(small.statements);
    // Three pages (count + rows each), one statement per shortcut loader, one for the missing villages.
    expect(large.statements).toBeLessThanOrEqual(11);
  });
});

/** 40 more towns with villages, projects, flows, incomes, enterprises and pairings (ids past the fixture's). */
function growth(): Registry {
  const r = emptyRegistry();
  for (let t = 0; t < 40; t++) {
    const townId = 100 + t * 3;
    r.areas.push({ id: townId, code: `330111${String(100 + t)}`, name: `新镇${t}`, kind: 'TOWN', parentId: 1, mountain: t % 2 === 0, scenicGrade: 'NONE' });
    for (let v = 1; v <= 2; v++) {
      r.areas.push({
        id: townId + v,
        code: `330111${String(100 + t)}${200 + v}`,
        name: `新村${t}-${v}`,
        kind: 'VILLAGE',
        parentId: townId,
        mountain: false,
        scenicGrade: 'NONE',
      });
      r.incomes.push({ villageId: townId + v, year: 2022, operatingIncome: String(1000000 * (t + v)) });
      if (v === 1) r.incomes.push({ villageId: townId + v, year: 2021, operatingIncome: String(900000 * (t + v)) });
    }
    const enterpriseId = 100 + t;
    r.enterprises.push({ id: enterpriseId, creditCode: creditCode(enterpriseId), name: `企业${enterpriseId}` });
    r.pairings.push({
      id: 100 + t,
      code: `SOE-${t}`,
      scheme: 'SOE_TOWN',
      leadAreaId: null,
      leadEnterpriseId: enterpriseId,
      partnerAreaId: townId,
      partnerEnterpriseId: null,
    });
    for (let k = 0; k < 3; k++) {
      const id = 100 + t * 3 + k;
      r.projects.push({
        id,
        code: `G-${t}-${k}`,
        hostId: townId + (k % 3),
        pairingId: 100 + t,
        sector: 'digital',
        signedAmount: String(400000000 * (k + 1)),
        signedOn: '2023-02-02',
        stages: [
          { stage: 'SIGNED', reachedOn: '2023-02-02' },
          { stage: 'LANDED', reachedOn: '2023-03-03' },
        ],
        investorIds: [enterpriseId, 1],
      });
      r.flows.push({ projectId: id, kind: 'LANDED', amount: '1234567.89', occurredOn: '2022-06-06' });
    }
  }
  return r;
}
