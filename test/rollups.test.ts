import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRollups, describeDifference } from '../src/db/rollups.js';
import { limitsFromEnv } from '../src/import/limits.js';
import { runImport } from '../src/import/run.js';
import { startTestApi, type TestApi } from './support/api.js';

/**
 * The rollups are a cache with proof: random writes through GraphQL and through the importer (creates,
 * corrections, deletes, stage changes, re-parented areas, a town that becomes a mountain town), then
 * every aggregate grouping the API answers (from the rollups where a grain fits) is compared with the
 * same grouping recomputed here by independent SQL over the base tables (a recursive walk of the area
 * tree), to the fen, and every rollup row with its recomputation. Set ROLLUP_SEED to replay.
 */
const SEED = Number(process.env.ROLLUP_SEED ?? Math.floor(Math.random() * 2 ** 31));

type Rand = () => number;
function mulberry32(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(SEED);
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(list: readonly T[]): T => list[int(0, list.length - 1)]!;
const chance = (p: number) => rand() < p;
const day = (from = 2020, to = 2023) => `${int(from, to)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`;
const money = () => `${int(1, 9_000_000_000)}.${String(int(0, 99)).padStart(2, '0')}`;

/** A decimal string without trailing zeros, so "12.50" and "12.5" compare equal (exact, no floats). */
function canonical(v: unknown): unknown {
  if (typeof v !== 'string' || !/^-?\d+(\.\d+)?$/.test(v)) return v;
  return v.includes('.') ? v.replace(/0+$/, '').replace(/\.$/, '') : v;
}

// ---------- independent SQL over the base tables ----------
const LEVELS = `with recursive lv(id, platform, town, village, mountain, top) as (
    select a.id, case when a.kind = 'PLATFORM' then a.id end, case when a.kind = 'TOWN' then a.id end,
      case when a.kind in ('VILLAGE', 'COMMUNITY') then a.id end, a.mountain, null::int
    from area a where a.parent_id is null
    union all
    select a.id, case when a.kind = 'PLATFORM' then a.id else l.platform end, case when a.kind = 'TOWN' then a.id else l.town end,
      case when a.kind in ('VILLAGE', 'COMMUNITY') then a.id else l.village end, l.mountain or a.mountain, coalesce(l.top, a.id)
    from area a join lv l on a.parent_id = l.id)`;

interface Dim {
  sql: (date: string) => string;
  gql: string;
  read: (g: any) => string | null;
}
const code = (level: string): Dim => ({ sql: () => `(select code from area where id = lv.${level})`, gql: 'area { code }', read: (g) => g.area?.code ?? null });
const DIMS: Record<string, Dim> = {
  TOWN_OR_PLATFORM: code('top'),
  PLATFORM: code('platform'),
  TOWN: code('town'),
  VILLAGE: code('village'),
  MOUNTAIN: { sql: () => 'coalesce(lv.mountain, false)', gql: 'mountain', read: (g) => String(g.mountain) },
  SCHEME: { sql: () => 'pr.scheme', gql: 'scheme', read: (g) => g.scheme },
  PAIRING: { sql: () => 'pr.code', gql: 'pairing { code }', read: (g) => g.pairing?.code ?? null },
  SECTOR: { sql: () => 'p.sector', gql: 'sector', read: (g) => g.sector },
  YEAR: { sql: (d) => `extract(year from ${d})::int`, gql: 'year', read: (g) => (g.year === null ? null : String(g.year)) },
  QUARTER: {
    sql: (d) => `extract(year from ${d})::int || '-' || extract(quarter from ${d})::int`,
    gql: 'quarter { year quarter }',
    read: (g) => (g.quarter ? `${g.quarter.year}-${g.quarter.quarter}` : null),
  },
  MONTH: {
    sql: (d) => `extract(year from ${d})::int || '-' || extract(month from ${d})::int`,
    gql: 'month { year month }',
    read: (g) => (g.month ? `${g.month.year}-${g.month.month}` : null),
  },
  LANDED_YEAR: { sql: () => 'extract(year from l.reached_on)::int', gql: 'landedYear', read: (g) => (g.landedYear === null ? null : String(g.landedYear)) },
  LANDED_QUARTER: {
    sql: () => `extract(year from l.reached_on)::int || '-' || extract(quarter from l.reached_on)::int`,
    gql: 'landedQuarter { year quarter }',
    read: (g) => (g.landedQuarter ? `${g.landedQuarter.year}-${g.landedQuarter.quarter}` : null),
  },
  TYPE: { sql: () => 'w.type', gql: 'type', read: (g) => g.type },
  HOST_ENTERPRISE: {
    sql: () => '(select credit_code from enterprise where id = w.host_enterprise_id)',
    gql: 'hostEnterprise { creditCode }',
    read: (g) => g.hostEnterprise?.creditCode ?? null,
  },
};

interface Period {
  from?: string;
  to?: string;
  year?: number;
  quarter?: number;
  month?: number;
}
/** Inclusive day bounds of a period, worked out here. */
function bounds(p: Period): [string | null, string | null] {
  if (p.year === undefined) return [p.from ?? null, p.to ?? null];
  const [m1, m2] = p.month ? [p.month, p.month] : p.quarter ? [p.quarter * 3 - 2, p.quarter * 3] : [1, 12];
  const last = new Date(Date.UTC(p.year, m2, 0)).getUTCDate();
  return [`${p.year}-${String(m1).padStart(2, '0')}-01`, `${p.year}-${String(m2).padStart(2, '0')}-${last}`];
}
function within(column: string, p: Period, params: unknown[]): string {
  const [from, to] = bounds(p);
  const out: string[] = [];
  if (from) out.push(`${column} >= $${params.push(from)}::date`);
  if (to) out.push(`${column} <= $${params.push(to)}::date`);
  return out.length ? out.join(' and ') : 'true';
}

interface ProjectFilter {
  area?: { mountain?: boolean; within?: string[] };
  schemes?: string[];
  sectors?: string[];
}
/** Conditions of a project filter over project `p`, pairing `pr` and levels `lv` (a `within` of town codes only). */
function projectWhere(f: ProjectFilter, params: unknown[]): string[] {
  const out: string[] = [];
  if (f.area?.mountain !== undefined) out.push(`coalesce(lv.mountain, false) = $${params.push(f.area.mountain)}`);
  if (f.area?.within) out.push(`lv.town in (select id from area where code = any($${params.push(f.area.within)}::text[]))`);
  if (f.schemes) out.push(`pr.scheme = any($${params.push(f.schemes)}::text[])`);
  if (f.sectors) out.push(`p.sector = any($${params.push(f.sectors)}::text[])`);
  return out;
}

type Row = Record<string, unknown>;
/** Groups keyed by their key values, measures canonical; `''` is the overall row. */
function byKey(rows: Row[], keys: string[]): Map<string, Row> {
  const map = new Map<string, Row>();
  for (const r of rows) {
    const k = JSON.stringify(keys.map((d) => (r[d] === null || r[d] === undefined ? null : String(r[d]))));
    map.set(
      k,
      Object.fromEntries(
        Object.entries(r)
          .filter(([c]) => !keys.includes(c))
          .map(([c, v]) => [c, canonical(v)]),
      ),
    );
  }
  return map;
}

let api: TestApi;
let db: pg.Client;
let dir: string;
const sql = async (text: string, params: unknown[] = []): Promise<Row[]> => (await db.query(text, params)).rows;

/** The same grouping from the API and from the base tables, compared group by group. */
async function compare(
  what: string,
  query: (sel: string) => string,
  dims: string[],
  measures: Record<string, string>,
  expectedSql: (keys: string) => [string, unknown[]],
  gqlMeasures: (g: any) => Row,
  date: string,
): Promise<void> {
  const sel = dims.map((d) => DIMS[d]!.gql).join(' ');
  const res = await api.gql(query(`${Object.values(measures).join(' ')} groups { ${sel} ${Object.values(measures).join(' ')} } groupCount`));
  expect(res.errors, what).toBeUndefined();
  const root = Object.values(res.data as Record<string, any>)[0];
  const actual = [
    { ...gqlMeasures(root), ...Object.fromEntries(dims.map((d) => [d, ''])) },
    ...root.groups.map((g: any) => ({ ...gqlMeasures(g), ...Object.fromEntries(dims.map((d) => [d, DIMS[d]!.read(g)])) })),
  ];
  const keys = dims.map((d) => `(${DIMS[d]!.sql(date)})::text as "${d}"`);
  const [overallSql, p1] = expectedSql('');
  const expected = [...(await sql(overallSql, p1)).map((r) => ({ ...r, ...Object.fromEntries(dims.map((d) => [d, ''])) }))];
  if (dims.length) {
    const [groupSql, p2] = expectedSql(keys.join(', '));
    expected.push(...(await sql(groupSql, p2)));
  }
  expect(byKey(actual, dims), `${what} (ROLLUP_SEED=${SEED})`).toEqual(byKey(expected, dims));
  expect(root.groupCount, what).toBe(expected.length - 1);
}

const FUNDS_PERIODS: Period[] = [
  {},
  { year: 2022 },
  { year: 2022, quarter: 2 },
  { year: 2021, month: 3 },
  { from: '2021-01-01', to: '2022-12-31' },
  { from: '2022-02-10', to: '2023-11-20' },
];
const FUNDS_DIMS: string[][] = [
  [],
  ['TOWN'],
  ['PLATFORM'],
  ['TOWN_OR_PLATFORM'],
  ['VILLAGE'],
  ['MOUNTAIN'],
  ['SCHEME'],
  ['PAIRING'],
  ['SECTOR'],
  ['YEAR'],
  ['QUARTER'],
  ['MONTH'],
  ['TOWN', 'YEAR'],
  ['SCHEME', 'QUARTER'],
  ['MOUNTAIN', 'SECTOR', 'MONTH'],
];
const SECTORS = ['数字经济', '文旅', '现代农业', '智能制造', '生命科技'];

function randomFilter(towns: string[]): ProjectFilter {
  const f: ProjectFilter = {};
  if (chance(0.25)) f.area = { mountain: chance(0.5) };
  else if (chance(0.2)) f.area = { within: [pick(towns)] };
  if (chance(0.2)) f.schemes = [pick(['CITY_MOUNTAIN', 'SOE_TOWN', 'ENTERPRISE_VILLAGE', 'OTHER'])];
  if (chance(0.2)) f.sectors = [pick(SECTORS), pick(SECTORS)];
  return f;
}

/** Every funds and fundsLanded grouping over the periods, each with a random filter. */
async function compareFunds(towns: string[]): Promise<void> {
  for (const period of FUNDS_PERIODS) {
    for (const dims of FUNDS_DIMS) {
      const f = randomFilter(towns);
      const gf = JSON.stringify({ ...f, period })
        .replace(/"([a-zA-Z]+)":/g, '$1:')
        .replace(/"(CITY_MOUNTAIN|SOE_TOWN|ENTERPRISE_VILLAGE|OTHER)"/g, '$1');
      const what = `funds ${gf} by ${dims.join(',')}`;
      const from = (keys: string, landedOnly: boolean): [string, unknown[]] => {
        const params: unknown[] = [];
        const where = [within('f.occurred_on', period, params), ...projectWhere(f, params), ...(landedOnly ? [`f.kind = 'LANDED'`] : [])];
        const measures = landedOnly
          ? `coalesce(sum(f.amount), 0)::text as total, count(distinct f.project_id)::int as "projectCount"`
          : `coalesce(sum(f.amount) filter (where f.kind = 'COMMITMENT'), 0)::text as committed, coalesce(sum(f.amount) filter (where f.kind = 'LANDED'), 0)::text as landed,
             count(distinct f.project_id)::int as "projectCount", count(distinct f.project_id) filter (where f.kind = 'COMMITMENT')::int as "committedProjectCount",
             count(distinct f.project_id) filter (where f.kind = 'LANDED')::int as "landedProjectCount"`;
        const groupBy = keys ? ` group by ${dims.map((_, i) => i + 1).join(', ')}` : '';
        return [
          `${LEVELS} select ${keys ? `${keys}, ` : ''}${measures} from fund_flow f join project p on p.id = f.project_id
          left join pairing pr on pr.id = p.pairing_id left join lv on lv.id = p.host_id where ${where.join(' and ')}${groupBy}`,
          params,
        ];
      };
      const groupBy = dims.length ? `, groupBy: [${dims.join(', ')}]` : '';
      await compare(
        what,
        (sel) => `{ funds(filter: ${gf}${groupBy}) { ${sel} } }`,
        dims,
        {
          committed: 'committed',
          landed: 'landed',
          projectCount: 'projectCount',
          committedProjectCount: 'committedProjectCount',
          landedProjectCount: 'landedProjectCount',
        },
        (keys) => from(keys, false),
        (g) => ({
          committed: canonical(g.committed),
          landed: canonical(g.landed),
          projectCount: g.projectCount,
          committedProjectCount: g.committedProjectCount,
          landedProjectCount: g.landedProjectCount,
        }),
        'f.occurred_on',
      );
      await compare(
        `landed ${what}`,
        (sel) => `{ fundsLanded(filter: ${gf}${groupBy}) { ${sel} } }`,
        dims,
        { total: 'total', projectCount: 'projectCount' },
        (keys) => from(keys, true),
        (g) => ({ total: canonical(g.total), projectCount: g.projectCount }),
        'f.occurred_on',
      );
    }
  }
}

const TIER_CASES: { signed: Period; landed?: Period; includeCancelled?: boolean }[] = [
  { signed: {} },
  { signed: {}, includeCancelled: true },
  { signed: { year: 2022 } },
  { signed: { year: 2023, quarter: 1 }, includeCancelled: false },
  { signed: { from: '2021-03-01', to: '2022-06-30' } },
  { signed: {}, landed: { year: 2022 }, includeCancelled: true },
  { signed: { from: '2021-05-05', to: '2022-12-31' } },
];
const TIER_DIMS: string[][] = [
  [],
  ['PLATFORM'],
  ['TOWN'],
  ['TOWN_OR_PLATFORM'],
  ['MOUNTAIN', 'QUARTER'],
  ['SCHEME'],
  ['PAIRING', 'YEAR'],
  ['SECTOR', 'MONTH'],
  ['LANDED_YEAR'],
  ['VILLAGE', 'LANDED_QUARTER'],
];

async function compareTiers(towns: string[]): Promise<void> {
  for (const c of TIER_CASES) {
    for (const dims of TIER_DIMS) {
      const f = randomFilter(towns);
      const gf = JSON.stringify({ ...f, ...c })
        .replace(/"([a-zA-Z]+)":/g, '$1:')
        .replace(/"(CITY_MOUNTAIN|SOE_TOWN|ENTERPRISE_VILLAGE|OTHER)"/g, '$1');
      const tiers = [
        ['YI_1', '100000000'],
        ['YI_10', '1000000000'],
        ['YI_50', '5000000000'],
      ];
      const groupBy = dims.length ? `, groupBy: [${dims.join(', ')}]` : '';
      await compare(
        `projectTiers ${gf} by ${dims.join(',')}`,
        (sel) => `{ projectTiers(filter: ${gf}${groupBy}) { ${sel} } }`,
        dims,
        { projectCount: 'projectCount', signedAmount: 'signedAmount', tiers: 'tiers { tier projectCount signedAmount }' },
        (keys) => {
          const params: unknown[] = [];
          const where = [within('p.signed_on', c.signed, params), ...projectWhere(f, params)];
          if (c.landed) where.push(`l.reached_on is not null and ${within('l.reached_on', c.landed, params)}`);
          // Cancelled projects count only when asked for (includeCancelled).
          if (!c.includeCancelled) where.push(`not exists (select 1 from project_stage x where x.project_id = p.id and x.stage = 'CANCELLED')`);
          const perTier = tiers.map(
            ([t, at]) =>
              `count(*) filter (where p.signed_amount >= ${at})::int as "n_${t}", coalesce(sum(p.signed_amount) filter (where p.signed_amount >= ${at}), 0)::text as "s_${t}"`,
          );
          const groupBy = keys ? ` group by ${dims.map((_, i) => i + 1).join(', ')}` : '';
          return [
            `${LEVELS} select ${keys ? `${keys}, ` : ''}count(*)::int as "projectCount", coalesce(sum(p.signed_amount), 0)::text as "signedAmount", ${perTier.join(', ')}
            from project p left join pairing pr on pr.id = p.pairing_id left join lv on lv.id = p.host_id
            left join project_stage l on l.project_id = p.id and l.stage = 'LANDED' where ${where.join(' and ')}${groupBy}`,
            params,
          ];
        },
        (g) => ({
          projectCount: g.projectCount,
          signedAmount: canonical(g.signedAmount),
          ...Object.fromEntries(
            g.tiers.flatMap((t: any) => [
              [`n_${t.tier}`, t.projectCount],
              [`s_${t.tier}`, canonical(t.signedAmount)],
            ]),
          ),
        }),
        'p.signed_on',
      );
    }
  }
}

const WORKSHOP_DIMS: string[][] = [[], ['TOWN'], ['VILLAGE', 'TYPE'], ['MOUNTAIN', 'HOST_ENTERPRISE'], ['TOWN_OR_PLATFORM', 'YEAR'], ['PLATFORM']];
async function compareWorkshops(towns: string[]): Promise<void> {
  for (const dims of WORKSHOP_DIMS) {
    for (const f of [{}, { area: { mountain: true } }, { area: { within: [pick(towns)] } }, { types: ['PROCESSING', 'AGRI_TOURISM'] }]) {
      const gf = JSON.stringify(f)
        .replace(/"([a-zA-Z]+)":/g, '$1:')
        .replace(/"(PROCESSING|AGRI_TOURISM)"/g, '$1');
      const groupBy = dims.length ? `, groupBy: [${dims.join(', ')}]` : '';
      await compare(
        `workshopSummary ${gf} by ${dims.join(',')}`,
        (sel) => `{ workshopSummary(filter: ${gf}${groupBy}) { ${sel} } }`,
        dims,
        { workshopCount: 'workshopCount', jobsCreated: 'jobsCreated', lowIncomeJobs: 'lowIncomeJobs', gain: 'incomeGainPerPerson(scale: 6)' },
        (keys) => {
          const params: unknown[] = [];
          const where = ['true'];
          const ff = f as { area?: { mountain?: boolean; within?: string[] }; types?: string[] };
          if (ff.area?.mountain !== undefined) where.push(`coalesce(lv.mountain, false) = $${params.push(ff.area.mountain)}`);
          if (ff.area?.within) where.push(`lv.town in (select id from area where code = any($${params.push(ff.area.within)}::text[]))`);
          if (ff.types) where.push(`w.type = any($${params.push(ff.types)}::text[])`);
          const groupBy = keys ? ` group by ${dims.map((_, i) => i + 1).join(', ')}` : '';
          return [
            `${LEVELS} select ${keys ? `${keys}, ` : ''}count(*)::int as "workshopCount", coalesce(sum(w.jobs_created), 0)::int as "jobsCreated",
              coalesce(sum(w.low_income_jobs), 0)::int as "lowIncomeJobs",
              round(sum(w.jobs_created * w.income_gain_per_person) / nullif(sum(w.jobs_created) filter (where w.income_gain_per_person is not null), 0), 6)::text as gain
            from workshop w left join lv on lv.id = w.village_id where ${where.join(' and ')}${groupBy}`,
            params,
          ];
        },
        (g) => ({ workshopCount: g.workshopCount, jobsCreated: g.jobsCreated, lowIncomeJobs: g.lowIncomeJobs, gain: canonical(g.incomeGainPerPerson) }),
        'w.opened_on',
      );
    }
  }
}

async function compareIncome(towns: string[]): Promise<void> {
  for (const year of [2021, 2022, 2023]) {
    for (const dims of [[], ['TOWN'], ['VILLAGE'], ['MOUNTAIN'], ['TOWN_OR_PLATFORM'], ['PLATFORM']]) {
      for (const f of [{}, { area: { mountain: false } }, { area: { within: [pick(towns)] } }]) {
        const gf = JSON.stringify(f).replace(/"([a-zA-Z]+)":/g, '$1:');
        const groupBy = dims.length ? `, groupBy: [${dims.join(', ')}]` : '';
        await compare(
          `collectiveIncome ${year} ${gf} by ${dims.join(',')}`,
          (sel) => `{ collectiveIncome(year: ${year}, filter: ${gf}${groupBy}) { ${sel} } }`,
          dims,
          {
            villagesInScope: 'villagesInScope',
            villageCount: 'villageCount',
            previousVillageCount: 'previousVillageCount',
            comparableVillageCount: 'comparableVillageCount',
            total: 'total',
            previousTotal: 'previousTotal',
            change: 'change',
          },
          (keys) => {
            const params: unknown[] = [year];
            const where = [`a.kind in ('VILLAGE', 'COMMUNITY')`];
            const ff = f as { area?: { mountain?: boolean; within?: string[] } };
            if (ff.area?.mountain !== undefined) where.push(`coalesce(lv.mountain, false) = $${params.push(ff.area.mountain)}`);
            if (ff.area?.within) where.push(`lv.town in (select id from area where code = any($${params.push(ff.area.within)}::text[]))`);
            const groupBy = keys ? ` group by ${dims.map((_, i) => i + 1).join(', ')}` : '';
            return [
              `${LEVELS} select ${keys ? `${keys}, ` : ''}count(*)::int as "villagesInScope", count(c.id)::int as "villageCount", count(v.id)::int as "previousVillageCount",
                count(*) filter (where c.id is not null and v.id is not null)::int as "comparableVillageCount",
                coalesce(sum(c.operating_income), 0)::text as total, coalesce(sum(v.operating_income), 0)::text as "previousTotal",
                (sum(c.operating_income - v.operating_income))::text as change
              from area a left join lv on lv.id = a.id left join collective_income c on c.village_id = a.id and c.year = $1
              left join collective_income v on v.village_id = a.id and v.year = $1 - 1 where ${where.join(' and ')}${groupBy}`,
              params,
            ];
          },
          (g) => ({
            villagesInScope: g.villagesInScope,
            villageCount: g.villageCount,
            previousVillageCount: g.previousVillageCount,
            comparableVillageCount: g.comparableVillageCount,
            total: canonical(g.total),
            previousTotal: canonical(g.previousTotal),
            change: canonical(g.change),
          }),
          'a.id',
        );
      }
    }
  }
}

/** `Area.funds`/`fundsLanded` of every town and platform and `Pairing.funds`/`fundsLanded` of every pairing, against the base tables. */
async function compareShortcuts(): Promise<void> {
  const measures =
    'funds(period: $p) { committed landed projectCount committedProjectCount landedProjectCount } fundsLanded(period: $p) { total projectCount }';
  const read = (n: any) => ({
    code: n.code,
    committed: canonical(n.funds.committed),
    landed: canonical(n.funds.landed),
    projects: n.funds.projectCount,
    committedProjects: n.funds.committedProjectCount,
    landedProjects: n.funds.landedProjectCount,
    landedTotal: canonical(n.fundsLanded.total),
    landedOnlyProjects: n.fundsLanded.projectCount,
  });
  const expectedSql = (owner: string, where: string) => `${LEVELS} select ${owner} as code,
      coalesce(sum(f.amount) filter (where f.kind = 'COMMITMENT'), 0)::text as committed, coalesce(sum(f.amount) filter (where f.kind = 'LANDED'), 0)::text as landed,
      count(distinct f.project_id)::int as projects, count(distinct f.project_id) filter (where f.kind = 'COMMITMENT')::int as "committedProjects",
      count(distinct f.project_id) filter (where f.kind = 'LANDED')::int as "landedProjects",
      coalesce(sum(f.amount) filter (where f.kind = 'LANDED'), 0)::text as "landedTotal", count(distinct f.project_id) filter (where f.kind = 'LANDED')::int as "landedOnlyProjects"
    from ${where} group by 1 order by 1`;
  for (const p of [{}, { year: 2022 }, { year: 2021, quarter: 4 }, { year: 2023, month: 2 }, { from: '2021-06-01', to: '2022-05-31' }] as Period[]) {
    const res = await api.data(
      `query($p: PeriodInput) { areas(first: 100, filter: { kinds: [TOWN, PLATFORM] }) { nodes { code ${measures} } } pairings(first: 100) { nodes { code ${measures} } } }`,
      { p },
    );
    const params: unknown[] = [];
    const w = within('f.occurred_on', p, params);
    const areas = await sql(
      expectedSql(
        'a.code',
        `area a join lv on a.id in (lv.town, lv.platform) join project pj on pj.host_id = lv.id join fund_flow f on f.project_id = pj.id and ${w}`,
      ),
      params,
    );
    const pairings = await sql(
      expectedSql('pr.code', `pairing pr join project pj on pj.pairing_id = pr.id join fund_flow f on f.project_id = pj.id and ${w}`),
      params,
    );
    const zero = { committed: '0', landed: '0', projects: 0, committedProjects: 0, landedProjects: 0, landedTotal: '0', landedOnlyProjects: 0 };
    const fill = (codes: string[], rows: Row[]) =>
      codes.map((code) => ({
        ...zero,
        ...Object.fromEntries(Object.entries(rows.find((r) => r.code === code) ?? { code }).map(([k, v]) => [k, canonical(v)])),
      }));
    const areaNodes = res.areas.nodes.map(read).sort((a: any, b: any) => a.code.localeCompare(b.code));
    const pairingNodes = res.pairings.nodes.map(read).sort((a: any, b: any) => a.code.localeCompare(b.code));
    expect(areaNodes, `Area.funds ${JSON.stringify(p)}`).toEqual(
      fill(
        areaNodes.map((n: any) => n.code),
        areas,
      ),
    );
    expect(pairingNodes, `Pairing.funds ${JSON.stringify(p)}`).toEqual(
      fill(
        pairingNodes.map((n: any) => n.code),
        pairings,
      ),
    );
  }
}

/** Every rollup row equals its recomputation, and every grouping equals the base tables'. */
async function proveEverything(): Promise<void> {
  const diffs = await checkRollups(api.databaseUrl);
  expect(diffs.map(describeDifference), `rollup rows (ROLLUP_SEED=${SEED})`).toEqual([]);
  const towns = (await sql(`select code from area where kind = 'TOWN' order by code`)).map((r) => r.code as string);
  await compareFunds(towns);
  await compareTiers(towns);
  await compareWorkshops(towns);
  await compareIncome(towns);
  await compareShortcuts();
}

// ---------- random writes ----------
interface Registry {
  towns: string[];
  platforms: string[];
  villages: string[];
  pairings: string[];
  enterprises: string[];
  projects: string[];
  flows: { projectCode: string; reference: string; kind: string; occurredOn: string }[];
}
async function registry(): Promise<Registry> {
  const codes = async (q: string) => (await sql(q)).map((r) => r.c as string);
  return {
    towns: await codes(`select code c from area where kind = 'TOWN' order by code`),
    platforms: await codes(`select code c from area where kind = 'PLATFORM' order by code`),
    villages: await codes(`select code c from area where kind in ('VILLAGE', 'COMMUNITY') order by code`),
    pairings: await codes(`select code c from pairing order by code`),
    enterprises: await codes(`select credit_code c from enterprise order by credit_code`),
    projects: await codes(`select code c from project order by code`),
    flows: (await sql(
      `select p.code as "projectCode", f.reference, f.kind, f.occurred_on::text as "occurredOn" from fund_flow f join project p on p.id = f.project_id order by f.id`,
    )) as Registry['flows'],
  };
}

let serial = 0;
const writes = { done: 0, refused: 0 };
async function ok(query: string, variables: Record<string, unknown>): Promise<void> {
  const res = await api.gql(query, variables);
  expect(res.errors, `${query} ${JSON.stringify(variables)}`).toBeUndefined();
}

/** One random write through a GraphQL mutation; refusals by the API's rules (e.g. a clash of natural keys) are skipped. */
async function randomMutation(reg: Registry): Promise<void> {
  const hosts = [...reg.villages, ...reg.towns, ...reg.platforms];
  const op = int(0, 11);
  const gql = async (q: string, v: Record<string, unknown>) => {
    const res = await api.gql(q, v);
    writes[res.errors ? 'refused' : 'done']++;
    return res;
  };
  if (op <= 1) {
    const code = `RT-${SEED % 1000}-${++serial}`;
    const res = await gql(`mutation($i: ProjectInput!) { createProject(input: $i) { code } }`, {
      i: {
        code,
        name: `随机项目${serial}`,
        sector: pick(SECTORS),
        hostAreaCode: pick(hosts),
        pairingCode: chance(0.6) ? pick(reg.pairings) : null,
        signedAmount: money(),
        signedOn: day(),
        investorCreditCodes: [pick(reg.enterprises)],
        source: chance(0.5) ? 'illustrative' : 'test',
      },
    });
    if (!res.errors) reg.projects.push(code);
  } else if (op <= 4) {
    const flow = { projectCode: pick(reg.projects), kind: pick(['COMMITMENT', 'LANDED']), occurredOn: day() };
    const res = await gql(`mutation($i: FundFlowInput!) { createFundFlow(input: $i) { id } }`, { i: { ...flow, amount: money(), source: 'test' } });
    if (!res.errors) reg.flows.push({ ...flow, reference: `${flow.kind}-${flow.occurredOn}` });
  } else if (op === 5 && reg.flows.length) {
    const key = pick(reg.flows);
    const input = chance(0.5) ? { amount: money() } : { occurredOn: day(), projectCode: pick(reg.projects) };
    const res = await gql(
      `mutation($k: FundFlowKeyInput!, $i: FundFlowInput!) { updateFundFlow(key: $k, input: $i) { reference kind occurredOn project { code } } }`,
      { k: { projectCode: key.projectCode, reference: key.reference }, i: input },
    );
    if (!res.errors)
      Object.assign(key, {
        reference: res.data.updateFundFlow.reference,
        occurredOn: res.data.updateFundFlow.occurredOn,
        projectCode: res.data.updateFundFlow.project.code,
      });
  } else if (op === 6 && reg.flows.length) {
    const i = int(0, reg.flows.length - 1);
    const res = await gql(`mutation($k: FundFlowKeyInput!) { deleteFundFlow(key: $k) }`, {
      k: { projectCode: reg.flows[i]!.projectCode, reference: reg.flows[i]!.reference },
    });
    if (!res.errors) reg.flows.splice(i, 1);
  } else if (op === 7) {
    await gql(`mutation($c: String!, $s: Stage!, $d: Date!) { setProjectStage(code: $c, stage: $s, reachedOn: $d) { code } }`, {
      c: pick(reg.projects),
      s: pick(['LANDED', 'LANDED', 'STARTED', 'CANCELLED']),
      d: day(),
    });
  } else if (op === 8) {
    const input = pick([
      { hostAreaCode: pick(hosts) },
      { sector: pick(SECTORS) },
      { pairingCode: chance(0.3) ? null : pick(reg.pairings) },
      { signedAmount: money(), signedOn: day() },
    ]);
    await gql(`mutation($c: String!, $i: ProjectInput!) { updateProject(code: $c, input: $i) { code } }`, { c: pick(reg.projects), i: input });
  } else if (op === 9) {
    const i = int(0, reg.projects.length - 1);
    const res = await gql(`mutation($c: String!) { deleteProject(code: $c) }`, { c: reg.projects[i] });
    if (!res.errors) reg.projects.splice(i, 1); // CONFLICT while fund flows refer to it
  } else if (op === 10) {
    const key = { villageCode: pick(reg.villages), name: `工坊${int(1, 6)}` };
    const fields = {
      type: pick(['PROCESSING', 'TARGETED_HIRING', 'LIVE_COMMERCE', 'AGRI_TOURISM']),
      hostEnterpriseCreditCode: chance(0.5) ? pick(reg.enterprises) : null,
      openedOn: chance(0.8) ? day() : null,
      jobsCreated: int(5, 50),
      lowIncomeJobs: int(0, 5),
      incomeGainPerPerson: chance(0.7) ? `${int(100, 30000)}.${int(10, 99)}` : null,
      source: 'test',
    };
    const w = pick(['create', 'update', 'delete']);
    if (w === 'create') await gql(`mutation($i: WorkshopInput!) { createWorkshop(input: $i) { name } }`, { i: { ...key, ...fields } });
    else if (w === 'update')
      await gql(`mutation($k: WorkshopKeyInput!, $i: WorkshopInput!) { updateWorkshop(key: $k, input: $i) { name } }`, {
        k: key,
        i: { jobsCreated: fields.jobsCreated, incomeGainPerPerson: fields.incomeGainPerPerson, type: fields.type },
      });
    else await gql(`mutation($k: WorkshopKeyInput!) { deleteWorkshop(key: $k) }`, { k: key });
  } else {
    const key = { villageCode: pick(reg.villages), year: int(2020, 2023) };
    const w = pick(['create', 'update', 'delete']);
    if (w === 'create')
      await gql(`mutation($i: CollectiveIncomeInput!) { createCollectiveIncome(input: $i) { year } }`, {
        i: { ...key, operatingIncome: `${int(10000, 9000000)}.${int(10, 99)}`, source: 'test' },
      });
    else if (w === 'update')
      await gql(`mutation($k: CollectiveIncomeKeyInput!, $i: CollectiveIncomeInput!) { updateCollectiveIncome(key: $k, input: $i) { year } }`, {
        k: key,
        i: { operatingIncome: `${int(10000, 9000000)}` },
      });
    else await gql(`mutation($k: CollectiveIncomeKeyInput!) { deleteCollectiveIncome(key: $k) }`, { k: key });
  }
}

/** Writes CSV files of random rows (new records and corrections of existing ones) and imports them. */
async function randomImport(reg: Registry, round: number): Promise<void> {
  const folder = path.join(dir, `import-${round}`);
  await rm(folder, { recursive: true, force: true });
  await import('node:fs/promises').then((fs) => fs.mkdir(folder, { recursive: true }));
  const csv = (header: string[], rows: unknown[][]) =>
    [header.join(','), ...rows.map((r) => r.map((v) => (v === null ? '' : String(v))).join(','))].join('\n') + '\n';
  const hosts = [...reg.villages, ...reg.towns, ...reg.platforms];
  const newProjects = Array.from({ length: 25 }, () => `IM-${SEED % 1000}-${round}-${++serial}`);
  const corrected = Array.from({ length: 8 }, () => pick(reg.projects));
  // corrections keep the signing day (a landing may not come before it); new projects get one
  const signed = new Map((await sql(`select code, signed_on::text as d from project`)).map((r) => [r.code as string, r.d as string]));
  for (const c of newProjects) signed.set(c, day());
  const projects = [...newProjects, ...new Set(corrected)].map((c) => [
    c,
    `导入项目${c}`,
    pick(SECTORS),
    pick(hosts),
    chance(0.5) ? pick(reg.pairings) : '',
    money(),
    signed.get(c),
    'illustrative',
  ]);
  await writeFile(
    path.join(folder, 'projects.csv'),
    csv(['code', 'name', 'sector', 'host_area_code', 'pairing_code', 'signed_amount', 'signed_on', 'source'], projects),
  );
  const flowRows = new Map<string, unknown[]>();
  for (let i = 0; i < 80; i++) {
    const p = pick([...newProjects, ...reg.projects]);
    const kind = pick(['承诺', '落地']);
    const d = day();
    const reference = `${kind === '落地' ? 'LANDED' : 'COMMITMENT'}-${d}`;
    flowRows.set(`${p}/${reference}`, [p, reference, kind, money(), d, 'illustrative']);
  }
  for (const f of reg.flows.slice(0, 400).filter(() => chance(0.05))) {
    // a correction: the same reference with another amount
    const kind = f.kind === 'LANDED' ? '落地' : '承诺';
    flowRows.set(`${f.projectCode}/${f.reference}`, [f.projectCode, f.reference, kind, money(), f.occurredOn, 'corrected']);
  }
  await writeFile(path.join(folder, 'fund_flows.csv'), csv(['project_code', 'reference', 'kind', 'amount', 'occurred_on', 'source'], [...flowRows.values()]));
  const after = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + int(0, 500) * 86_400_000).toISOString().slice(0, 10);
  // a landing moved on projects that reached no later stage (stages keep their order)
  const early = (
    await sql(`select p.code from project p where not exists (select 1 from project_stage s where s.project_id = p.id and s.stage not in ('SIGNED', 'LANDED'))`)
  ).map((r) => r.code as string);
  const stages = [...new Set([...newProjects, ...early.filter(() => chance(0.1))])].filter(() => chance(0.6)).map((p) => [p, '落地', after(signed.get(p)!)]);
  await writeFile(path.join(folder, 'project_stages.csv'), csv(['project_code', 'stage', 'reached_on'], stages));
  const incomes = new Map<string, unknown[]>();
  // figures given with their parts keep them (operating income must stay their sum): correct the others
  const withParts = new Set(
    (await sql(`select a.code || '/' || c.year as k from collective_income c join area a on a.id = c.village_id where c.business_income is not null`)).map(
      (r) => r.k as string,
    ),
  );
  for (let i = 0; i < 40; i++) {
    const v = pick(reg.villages);
    const y = int(2020, 2023);
    if (withParts.has(`${v}/${y}`)) continue;
    incomes.set(`${v}/${y}`, [v, y, `${int(10000, 9000000)}.${int(10, 99)}`, 'illustrative']);
  }
  await writeFile(path.join(folder, 'collective_incomes.csv'), csv(['village_code', 'year', 'operating_income', 'source'], [...incomes.values()]));
  const workshops = new Map<string, unknown[]>();
  for (let i = 0; i < 10; i++) {
    const v = pick(reg.villages);
    const name = `导入工坊${int(1, 4)}`;
    workshops.set(`${v}/${name}`, [
      v,
      name,
      pick(['来料加工', '电商直播', '农旅融合']),
      chance(0.5) ? pick(reg.enterprises) : '',
      chance(0.8) ? day() : '',
      int(3, 40),
      int(0, 3),
      chance(0.6) ? `${int(100, 20000)}` : '',
      'illustrative',
    ]);
  }
  await writeFile(
    path.join(folder, 'workshops.csv'),
    csv(
      ['village_code', 'name', 'type', 'host_credit_code', 'opened_on', 'jobs_created', 'low_income_jobs', 'income_gain_per_person', 'source'],
      [...workshops.values()],
    ),
  );
  // re-parent a few villages to another town through the areas sheet
  const moved = (await sql(`select a.code, a.name, a.kind from area a where a.kind = 'VILLAGE' order by random() limit 3`)) as { code: string; name: string }[];
  await writeFile(
    path.join(folder, 'areas.csv'),
    csv(
      ['code', 'name', 'kind', 'parent_code', 'source'],
      moved.map((a) => [a.code, a.name, '村', pick(reg.towns), 'moved']),
    ),
  );
  const outcome = await runImport(api.databaseUrl, { paths: [folder], limits: limitsFromEnv() });
  expect(outcome.status, JSON.stringify(outcome.problems)).toBe('ok');
}

beforeAll(async () => {
  console.log(`rollups seed: ROLLUP_SEED=${SEED}`);
  api = await startTestApi();
  db = new pg.Client({ connectionString: api.databaseUrl });
  await db.connect();
  dir = await mkdtemp(path.join(os.tmpdir(), 'rollups-test-'));
  const seeded = await runImport(api.databaseUrl, { paths: ['seeds'], limits: limitsFromEnv() });
  expect(seeded.status).toBe('ok');
}, 120_000);

afterAll(async () => {
  await db?.end();
  await api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe(`rollups against the base tables (ROLLUP_SEED=${SEED})`, () => {
  it('equal the base tables after the seed import', async () => {
    await proveEverything();
  }, 300_000);

  it('stay equal through random GraphQL writes: creates, corrections, deletes, stage changes', async () => {
    const reg = await registry();
    for (let i = 0; i < 120; i++) await randomMutation(reg);
    // most random writes go through (the others break a rule of the API, e.g. a duplicate natural key or a
    // pairing whose parties do not fit the project): a test whose writes were all refused would prove nothing
    expect(writes.done, JSON.stringify(writes)).toBeGreaterThan(writes.refused);
    await proveEverything();
  }, 300_000);

  it('stay equal through imports of generated spreadsheets with corrections and re-parented villages', async () => {
    for (let round = 1; round <= 2; round++) await randomImport(await registry(), round);
    await proveEverything();
  }, 300_000);

  it('stay equal through hand-written SQL, row by row and in bulk (whole recomputation)', async () => {
    const bulk = new pg.Client({ connectionString: api.databaseUrl });
    await bulk.connect();
    try {
      for (const threshold of ['20000', '1']) {
        // a threshold of 1 sends every statement through the bulk path a large import takes
        await bulk.query(`select set_config('registry.rollup_bulk_keys', $1, false)`, [threshold]);
        await bulk.query(
          `insert into project (source, created_at, updated_at, code, name, sector, host_id, pairing_id, signed_amount, signed_on)
          select 'sql', now(), now(), 'SQL-' || $1 || '-' || g, 'SQL项目' || g, (array['文旅', '智能制造', '数字经济'])[1 + g % 3],
            (select id from area where kind <> 'DISTRICT' order by id offset (g * 7) % (select count(*) - 1 from area) limit 1),
            case when g % 3 = 0 then (select id from pairing order by id offset g % (select count(*) from pairing) limit 1) end,
            (g::bigint * 37000000 + 0.37)::numeric, date '2021-01-01' + g * 11 from generate_series(1, 60) g`,
          [threshold],
        );
        await bulk.query(
          `insert into fund_flow (source, created_at, updated_at, project_id, kind, amount, occurred_on)
          select 'sql', now(), now(), p.id, case when k = 0 then 'COMMITMENT' else 'LANDED' end, p.signed_amount / (k + 2), p.signed_on + k * 40
          from project p, generate_series(0, 3) k where p.code like 'SQL-' || $1 || '-%'`,
          [threshold],
        );
        await bulk.query(
          `insert into project_stage (project_id, stage, reached_on) select id, 'LANDED', signed_on + 20 from project where code like 'SQL-' || $1 || '-%' and id % 2 = 0`,
          [threshold],
        );
        await bulk.query(`update fund_flow set amount = amount + 0.01, occurred_on = occurred_on + 17 where source = 'sql' and id % 3 = 0`);
        await bulk.query(
          `update project set host_id = (select id from area where kind = 'VILLAGE' order by id limit 1) where code like 'SQL-' || $1 || '-%' and id % 5 = 0`,
          [threshold],
        );
        await bulk.query(`delete from fund_flow where source = 'sql' and id % 7 = 0`);
        await bulk.query(`update area set mountain = not mountain where code = (select code from area where kind = 'TOWN' order by code limit 1)`);
      }
    } finally {
      await bulk.end();
    }
    await proveEverything();
  }, 300_000);

  it('stay equal when areas move: a village to another town, a town that becomes a mountain town, a new village', async () => {
    const reg = await registry();
    const village = pick(reg.villages);
    await ok(`mutation($c: String!, $i: AreaInput!) { updateArea(code: $c, input: $i) { code } }`, { c: village, i: { parentCode: pick(reg.towns) } });
    const flat = (await sql(`select code from area where kind = 'TOWN' and not mountain order by code limit 1`))[0]?.code;
    if (flat) await ok(`mutation($c: String!, $i: AreaInput!) { updateArea(code: $c, input: $i) { code } }`, { c: flat, i: { mountain: true } });
    const hill = (await sql(`select code from area where kind = 'TOWN' and mountain order by code desc limit 1`))[0]!.code;
    await ok(`mutation($c: String!, $i: AreaInput!) { updateArea(code: $c, input: $i) { code } }`, { c: hill, i: { mountain: false } });
    const town = pick(reg.towns);
    await ok(`mutation($i: AreaInput!) { createArea(input: $i) { code } }`, {
      i: { code: `${town}299`, name: '新村', kind: 'VILLAGE', parentCode: town, source: 'test' },
    });
    await ok(`mutation($i: ProjectInput!) { createProject(input: $i) { code } }`, {
      i: { code: 'NEW-VILLAGE-1', name: '新村项目', sector: '文旅', hostAreaCode: `${town}299`, signedAmount: '2.5亿', signedOn: '2022-05-05', source: 'test' },
    });
    await ok(`mutation($i: FundFlowInput!) { createFundFlow(input: $i) { id } }`, {
      i: { projectCode: 'NEW-VILLAGE-1', kind: 'LANDED', occurredOn: '2022-06-01', amount: '1.25亿', source: 'test' },
    });
    for (let i = 0; i < 30; i++) await randomMutation(await registry());
    await proveEverything();
  }, 300_000);
});
