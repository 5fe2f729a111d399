/**
 * The queries `npm run bench:api` times, by name. (a)–(e) are issue 10's comparison queries; the
 * others cover every aggregate root with every `groupBy` dimension it offers: each area level in a
 * query of its own (a grouping takes at most one), paired with a time or category dimension, and the
 * dimensions with many groups (village, investor, pairing, project, host enterprise) ranked by a
 * measure and cut to a top N, as a planner asks them. `test/bench-queries.test.ts` validates every
 * text against `schema.graphql`, so a schema change that breaks the bench fails `npm test`.
 */

/** Issue 10's targets, per scale (1 or 10; the province, 100, is held to scale 10's, as issue 13 asks); a missing scale means no target there. */
export interface Targets {
  reqPerSec?: Partial<Record<1 | 10 | 100, number>>;
  p50Ms?: Partial<Record<1 | 10 | 100, number>>;
  p99Ms?: Partial<Record<1 | 10 | 100, number>>;
  apiCpuMs?: Partial<Record<1 | 10 | 100, number>>;
  pgCpuMs?: Partial<Record<1 | 10 | 100, number>>;
  statements?: Partial<Record<1 | 10 | 100, number>>;
}

export interface BenchQuery {
  /** Short stable name (used by `--only`, the table and the JSON). */
  name: string;
  /** What it asks, in words. */
  label: string;
  /** A list (connections, nested reads) or an aggregate root. */
  kind: 'list' | 'aggregate';
  query: string;
  /**
   * Paths in the answer's `data` that must be non-empty (a list with an element, a number other
   * than 0, a string other than "0"); `.0.` steps into the first element of a list. The bench
   * refuses to time a query whose answer is empty where the generated data has rows.
   */
  nonEmpty: string[];
  targets?: Targets;
}

/** Targets for every aggregate grouping but (c)–(e): p50 ≤ 100 ms at scales 10 and 100. */
export const OTHER_AGGREGATE_TARGETS: Targets = { p50Ms: { 10: 100, 100: 100 } };
/** Every query: the API's resident memory under the bench's load. */
export const RSS_TARGET_MIB = 300;

const both = (n: number) => ({ 1: n, 10: n, 100: n });

const area = 'area { code name }';
const fundsTotals = 'committed landed landedShare projectCount committedProjectCount landedProjectCount';
const tiers = 'projectCount signedAmount tiers { tier projectCount signedAmount }';
const incomeTotals = 'total previousTotal change growthRate villageCount comparableVillageCount';
const workshopTotals = 'workshopCount jobsCreated lowIncomeJobs incomeGainPerPerson';

const agg = (name: string, label: string, query: string, nonEmpty: string[], targets: Targets = OTHER_AGGREGATE_TARGETS): BenchQuery => ({
  name,
  label,
  kind: 'aggregate',
  query: `query ${name.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())} ${query}`,
  nonEmpty,
  targets,
});

export const QUERIES: BenchQuery[] = [
  {
    name: 'a-projects-page',
    label: '(a) page of 20 projects by signed amount (descending), with investors and host',
    kind: 'list',
    query: `query AProjectsPage {
  projects(first: 20, orderBy: [{ field: SIGNED_AMOUNT, direction: DESC }]) {
    pageInfo { hasNextPage endCursor }
    nodes { code name sector signedAmount signedOn tier host { code name } investors { creditCode name } }
  }
}`,
    nonEmpty: ['projects.nodes', 'projects.nodes.0.investors'],
    targets: { reqPerSec: both(1600), p99Ms: both(25), apiCpuMs: both(0.7), pgCpuMs: both(0.3), statements: both(2) },
  },
  {
    name: 'b-nested',
    label: '(b) towns → villages → workshops, and projects → fund flows, first 20 at each level, in one request',
    kind: 'list',
    query: `query BNested {
  areas(first: 20, filter: { kinds: [TOWN] }) {
    nodes { code name children(first: 20) { nodes { code name kind workshops(first: 20) { nodes { name type jobsCreated } } } } }
  }
  projects(first: 20) {
    nodes { code name signedAmount fundFlows(first: 20) { nodes { kind amount occurredOn } } }
  }
}`,
    nonEmpty: ['areas.nodes', 'areas.nodes.0.children.nodes', 'projects.nodes', 'projects.nodes.0.fundFlows.nodes'],
    targets: { reqPerSec: both(300), apiCpuMs: both(3.5), statements: both(5) },
  },
  agg(
    'c-funds-landed-2022-by-town',
    '(c) funds landed in 2022 by host town',
    `{ fundsLanded(filter: { period: { year: 2022 } }, groupBy: [TOWN]) { total projectCount groups { ${area} total projectCount } } }`,
    ['fundsLanded.groups', 'fundsLanded.total'],
    { reqPerSec: { 1: 300, 10: 100, 100: 100 } },
  ),
  agg(
    'd-tiers-platform-2023q1',
    '(d) tier counts of 未来科技城 signed in 2023 Q1',
    `{ projectTiers(filter: { area: { within: ["330110801"] }, signed: { year: 2023, quarter: 1 } }) { ${tiers} } }`,
    ['projectTiers.projectCount'],
    { reqPerSec: both(1300) },
  ),
  agg(
    'e-income-growth-mountain-towns',
    '(e) collective income growth of the mountain towns by town, 2022',
    `{ collectiveIncome(year: 2022, filter: { area: { mountain: true } }, groupBy: [TOWN]) { ${incomeTotals} groups { ${area} ${incomeTotals} } } }`,
    ['collectiveIncome.groups', 'collectiveIncome.total'],
    { reqPerSec: both(2200) },
  ),

  // funds: committed and landed
  agg('funds-town-year', 'funds by town × year', `{ funds(groupBy: [TOWN, YEAR]) { ${fundsTotals} groups { ${area} year ${fundsTotals} } } }`, [
    'funds.groups',
  ]),
  agg(
    'funds-platform-quarter',
    'funds by platform × quarter, 2021–2023',
    `{ funds(filter: { period: { from: "2021-01-01", to: "2023-12-31" } }, groupBy: [PLATFORM, QUARTER]) { groups { ${area} quarter { year quarter } ${fundsTotals} } } }`,
    ['funds.groups'],
  ),
  agg(
    'funds-town-or-platform-scheme',
    'funds by town or platform × scheme',
    `{ funds(groupBy: [TOWN_OR_PLATFORM, SCHEME]) { groups { ${area} scheme ${fundsTotals} } } }`,
    ['funds.groups'],
  ),
  agg('funds-mountain-sector', 'funds by mountain or not × sector', `{ funds(groupBy: [MOUNTAIN, SECTOR]) { groups { mountain sector ${fundsTotals} } } }`, [
    'funds.groups',
  ]),
  agg(
    'funds-month-2022',
    'funds by month, 2022',
    `{ funds(filter: { period: { year: 2022 } }, groupBy: [MONTH]) { groups { month { year month } ${fundsTotals} } } }`,
    ['funds.groups'],
  ),
  agg(
    'funds-village-top20',
    'top 20 villages by funds landed',
    `{ funds(groupBy: [VILLAGE], orderBy: LANDED_DESC, first: 20) { groupCount groups { ${area} ${fundsTotals} } } }`,
    ['funds.groups'],
  ),
  agg(
    'funds-investor-top10',
    'top 10 investors by funds landed',
    `{ funds(groupBy: [INVESTOR], orderBy: LANDED_DESC, first: 10) { groupCount groups { investor { creditCode name } ${fundsTotals} } } }`,
    ['funds.groups'],
  ),
  agg(
    'funds-pairing-top20',
    'top 20 pairings by funds committed',
    `{ funds(groupBy: [PAIRING], orderBy: COMMITTED_DESC, first: 20) { groupCount groups { pairing { code scheme } ${fundsTotals} } } }`,
    ['funds.groups'],
  ),
  agg(
    'funds-project-top10',
    'top 10 projects by share landed',
    `{ funds(groupBy: [PROJECT], orderBy: LANDED_SHARE_DESC, first: 10) { groupCount groups { project { code name } ${fundsTotals} } } }`,
    ['funds.groups'],
  ),

  // fundsLanded
  agg(
    'landed-town-year',
    'funds landed by town × year',
    `{ fundsLanded(groupBy: [TOWN, YEAR]) { total projectCount groups { ${area} year total projectCount } } }`,
    ['fundsLanded.groups'],
  ),
  agg(
    'landed-platform-quarter',
    'funds landed by platform × quarter, 2021–2023',
    `{ fundsLanded(filter: { period: { from: "2021-01-01", to: "2023-12-31" } }, groupBy: [PLATFORM, QUARTER]) { groups { ${area} quarter { year quarter } total projectCount } } }`,
    ['fundsLanded.groups'],
  ),
  agg(
    'landed-town-or-platform-scheme',
    'funds landed by town or platform × scheme',
    `{ fundsLanded(groupBy: [TOWN_OR_PLATFORM, SCHEME]) { groups { ${area} scheme total projectCount } } }`,
    ['fundsLanded.groups'],
  ),
  agg(
    'landed-mountain-sector',
    'funds landed by mountain or not × sector',
    `{ fundsLanded(groupBy: [MOUNTAIN, SECTOR]) { groups { mountain sector total projectCount } } }`,
    ['fundsLanded.groups'],
  ),
  agg(
    'landed-month-2022',
    'funds landed by month, 2022',
    `{ fundsLanded(filter: { period: { year: 2022 } }, groupBy: [MONTH]) { groups { month { year month } total projectCount } } }`,
    ['fundsLanded.groups'],
  ),
  agg(
    'landed-village-top20',
    'top 20 villages by funds landed',
    `{ fundsLanded(groupBy: [VILLAGE], orderBy: TOTAL_DESC, first: 20) { groupCount groups { ${area} total projectCount } } }`,
    ['fundsLanded.groups'],
  ),
  agg(
    'landed-investor-top10',
    'top 10 investors by funds landed',
    `{ fundsLanded(groupBy: [INVESTOR], orderBy: TOTAL_DESC, first: 10) { groupCount groups { investor { creditCode name } total projectCount } } }`,
    ['fundsLanded.groups'],
  ),
  agg(
    'landed-pairing-top20',
    'top 20 pairings by projects landed in',
    `{ fundsLanded(groupBy: [PAIRING], orderBy: PROJECT_COUNT_DESC, first: 20) { groupCount groups { pairing { code scheme } total projectCount } } }`,
    ['fundsLanded.groups'],
  ),
  agg(
    'landed-project-top10',
    'top 10 projects by funds landed',
    `{ fundsLanded(groupBy: [PROJECT], orderBy: TOTAL_DESC, first: 10) { groupCount groups { project { code name } total } } }`,
    ['fundsLanded.groups'],
  ),

  // projectTiers
  agg('tiers-town-year', 'project tiers by town × signing year', `{ projectTiers(groupBy: [TOWN, YEAR]) { ${tiers} groups { ${area} year ${tiers} } } }`, [
    'projectTiers.groups',
  ]),
  agg(
    'tiers-platform-quarter',
    'project tiers by platform × signing quarter (dashboard)',
    `{ projectTiers(groupBy: [PLATFORM, QUARTER]) { groups { ${area} quarter { year quarter } ${tiers} } } }`,
    ['projectTiers.groups'],
  ),
  agg(
    'tiers-town-or-platform-scheme',
    'project tiers by town or platform × scheme',
    `{ projectTiers(groupBy: [TOWN_OR_PLATFORM, SCHEME]) { groups { ${area} scheme ${tiers} } } }`,
    ['projectTiers.groups'],
  ),
  agg(
    'tiers-mountain-sector',
    'project tiers by mountain or not × sector',
    `{ projectTiers(groupBy: [MOUNTAIN, SECTOR]) { groups { mountain sector ${tiers} } } }`,
    ['projectTiers.groups'],
  ),
  agg(
    'tiers-month-2022',
    'project tiers by signing month, 2022',
    `{ projectTiers(filter: { signed: { year: 2022 } }, groupBy: [MONTH]) { groups { month { year month } ${tiers} } } }`,
    ['projectTiers.groups'],
  ),
  agg(
    'tiers-landed-year-quarter-month',
    'mountain projects landed in 2022 by landing year × quarter × month',
    `{ projectTiers(filter: { area: { mountain: true }, landed: { year: 2022 } }, groupBy: [LANDED_YEAR, LANDED_QUARTER, LANDED_MONTH]) { projectCount groups { landedYear landedQuarter { year quarter } landedMonth { year month } ${tiers} } } }`,
    ['projectTiers.groups'],
  ),
  agg(
    'tiers-village-top20',
    'top 20 villages by signed investment',
    `{ projectTiers(groupBy: [VILLAGE], orderBy: SIGNED_AMOUNT_DESC, first: 20) { groupCount groups { ${area} ${tiers} } } }`,
    ['projectTiers.groups'],
  ),
  agg(
    'tiers-investor-top10',
    'top 10 investors by projects',
    `{ projectTiers(groupBy: [INVESTOR], orderBy: PROJECT_COUNT_DESC, first: 10) { groupCount groups { investor { creditCode name } ${tiers} } } }`,
    ['projectTiers.groups'],
  ),
  agg(
    'tiers-pairing-top20',
    'top 20 pairings by signed investment',
    `{ projectTiers(groupBy: [PAIRING], orderBy: SIGNED_AMOUNT_DESC, first: 20) { groupCount groups { pairing { code scheme } ${tiers} } } }`,
    ['projectTiers.groups'],
  ),
  agg(
    'tiers-project-top10',
    'top 10 projects by signed investment',
    `{ projectTiers(groupBy: [PROJECT], orderBy: SIGNED_AMOUNT_DESC, first: 10) { groupCount groups { project { code name } ${tiers} } } }`,
    ['projectTiers.groups'],
  ),

  // collectiveIncome (one year against the year before)
  agg(
    'income-district',
    'collective income of the district, 2022 (F7)',
    `{ collectiveIncome(year: 2022, filter: { kinds: [VILLAGE] }) { ${incomeTotals} average } }`,
    ['collectiveIncome.total'],
  ),
  agg(
    'income-platform',
    'collective income by platform, 2022',
    `{ collectiveIncome(year: 2022, groupBy: [PLATFORM]) { groupCount groups { ${area} ${incomeTotals} } } }`,
    ['collectiveIncome.groups'],
  ),
  agg(
    'income-town-or-platform',
    'collective income by town or platform, 2022',
    `{ collectiveIncome(year: 2022, groupBy: [TOWN_OR_PLATFORM]) { groups { ${area} ${incomeTotals} } } }`,
    ['collectiveIncome.groups'],
  ),
  agg(
    'income-mountain',
    'collective income, mountain or not, 2022',
    `{ collectiveIncome(year: 2022, groupBy: [MOUNTAIN]) { groups { mountain ${incomeTotals} } } }`,
    ['collectiveIncome.groups'],
  ),
  agg(
    'income-village-top10',
    'ten fastest-growing villages, 2022 (dashboard)',
    `{ collectiveIncome(year: 2022, groupBy: [VILLAGE], orderBy: GROWTH_DESC, first: 10) { groupCount groups { ${area} ${incomeTotals} } } }`,
    ['collectiveIncome.groups'],
  ),

  // collectiveIncomeSeries
  agg(
    'series-district',
    'collective income series 2021–2022 (dashboard)',
    `{ collectiveIncomeSeries(from: 2021, to: 2022) { years { year total change growthRate villageCount } } }`,
    ['collectiveIncomeSeries.years'],
  ),
  agg(
    'series-town',
    'collective income series 2021–2022 by town',
    `{ collectiveIncomeSeries(from: 2021, to: 2022, groupBy: [TOWN]) { groups { ${area} years { year total change growthRate } } } }`,
    ['collectiveIncomeSeries.groups'],
  ),
  agg(
    'series-platform',
    'collective income series 2021–2022 by platform',
    `{ collectiveIncomeSeries(from: 2021, to: 2022, groupBy: [PLATFORM]) { groupCount groups { ${area} years { year total growthRate } } } }`,
    ['collectiveIncomeSeries.groups'],
  ),
  agg(
    'series-town-or-platform',
    'collective income series 2021–2022 by town or platform',
    `{ collectiveIncomeSeries(from: 2021, to: 2022, groupBy: [TOWN_OR_PLATFORM]) { groups { ${area} years { year total growthRate } } } }`,
    ['collectiveIncomeSeries.groups'],
  ),
  agg(
    'series-mountain',
    'collective income series 2021–2022, mountain or not',
    `{ collectiveIncomeSeries(from: 2021, to: 2022, groupBy: [MOUNTAIN]) { groups { mountain years { year total growthRate } } } }`,
    ['collectiveIncomeSeries.groups'],
  ),
  agg(
    'series-village-top10',
    'collective income series 2021–2022, ten villages with the highest 2022 income',
    `{ collectiveIncomeSeries(from: 2021, to: 2022, groupBy: [VILLAGE], orderBy: TOTAL_DESC, first: 10) { groupCount groups { ${area} years { year total growthRate } } } }`,
    ['collectiveIncomeSeries.groups'],
  ),

  // workshopSummary
  agg(
    'workshops-town-type',
    'workshops by town × type',
    `{ workshopSummary(groupBy: [TOWN, TYPE]) { ${workshopTotals} groups { ${area} type ${workshopTotals} } } }`,
    ['workshopSummary.groups'],
  ),
  agg(
    'workshops-platform-year',
    'workshops by platform × opening year',
    `{ workshopSummary(groupBy: [PLATFORM, YEAR]) { groups { ${area} year ${workshopTotals} } } }`,
    ['workshopSummary.groups'],
  ),
  agg(
    'workshops-town-or-platform',
    'workshops by town or platform (dashboard)',
    `{ workshopSummary(groupBy: [TOWN_OR_PLATFORM]) { groups { ${area} ${workshopTotals} } } }`,
    ['workshopSummary.groups'],
  ),
  agg('workshops-mountain', 'workshops, mountain or not', `{ workshopSummary(groupBy: [MOUNTAIN]) { groups { mountain ${workshopTotals} } } }`, [
    'workshopSummary.groups',
  ]),
  agg(
    'workshops-village-top10',
    'top 10 villages by jobs created in workshops',
    `{ workshopSummary(groupBy: [VILLAGE], orderBy: JOBS_CREATED_DESC, first: 10) { groupCount groups { ${area} ${workshopTotals} } } }`,
    ['workshopSummary.groups'],
  ),
  agg(
    'workshops-host-top10',
    'top 10 host enterprises by workshops',
    `{ workshopSummary(groupBy: [HOST_ENTERPRISE], orderBy: WORKSHOP_COUNT_DESC, first: 10) { groupCount groups { hostEnterprise { creditCode name } ${workshopTotals} } } }`,
    ['workshopSummary.groups'],
  ),
];

/** The value at a dotted path (`a.b.0.c`) of an answer's data. */
export function valueAt(data: unknown, path: string): unknown {
  let value: unknown = data;
  for (const step of path.split('.')) {
    if (value === null || value === undefined) return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

/** The `nonEmpty` paths of a query that are empty (or missing) in an answer. */
export function emptyPaths(q: BenchQuery, data: unknown): string[] {
  return q.nonEmpty.filter((p) => {
    const v = valueAt(data, p);
    if (Array.isArray(v)) return v.length === 0;
    if (typeof v === 'number') return v === 0;
    if (typeof v === 'string') return /^0(\.0*)?$/.test(v);
    return v === null || v === undefined;
  });
}
