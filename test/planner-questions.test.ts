import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AreaRow, ProjectRow, Seed } from '../scripts/seed-data/rows.js';
import { readWorkbook } from '../scripts/seed-data/workbook.js';
import { limitsFromEnv } from '../src/import/limits.js';
import { runImport } from '../src/import/run.js';
import { startTestApi, type TestApi } from './support/api.js';

/**
 * The planner questions of issue 9 (queries/Q*.graphql), asked over GraphQL of the registry filled
 * from the shipped seed workbook. Every expected value is worked out here from the workbook's own
 * rows (read with the seed builder's reader, summed with BigInt), never taken from the API.
 */
let api: TestApi;
let seed: Seed;
const queries = new Map<string, string>();

beforeAll(async () => {
  api = await startTestApi();
  const outcome = await runImport(api.databaseUrl, { paths: ['seeds'], limits: limitsFromEnv() });
  expect(outcome.status).toBe('ok');
  seed = await readWorkbook(await readFile('seeds/registry.xlsx'));
  for (const file of await readdir('queries')) {
    const id = /^(Q\d+)-/.exec(file)?.[1];
    if (id) queries.set(id, await readFile(`queries/${file}`, 'utf8'));
  }
}, 180_000);
afterAll(async () => api?.close());

async function ask(id: string): Promise<any> {
  const query = queries.get(id);
  expect(query, `queries/ has a file for ${id}`).toBeTruthy();
  return api.data(query!);
}

// ---------------------------------------------------------------------------------------------
// Arithmetic on the workbook's rows: exact, BigInt, independent of the API's decimal code.

const sum = (xs: bigint[]): bigint => xs.reduce((a, b) => a + b, 0n);
const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** An integer scaled by 10^places, as a decimal string without trailing zeros ("12.5", "3"). */
function decimal(units: bigint, places: number): string {
  const neg = units < 0n;
  const digits = (neg ? -units : units).toString().padStart(places + 1, '0');
  const whole = digits.slice(0, digits.length - places);
  const frac = digits.slice(digits.length - places).replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/** Yuan in 万元 (places 4) or 亿元 (places 8), exactly. */
const wan = (yuan: bigint): string => decimal(yuan, 4);
const yi = (yuan: bigint): string => decimal(yuan, 8);

/** num / den rounded half away from zero to `scale` places (as a percentage when `percent`); null when den is 0. */
function rounded(num: bigint, den: bigint, scale: number, percent = false): string | null {
  if (den === 0n) return null;
  const places = scale + (percent ? 2 : 0);
  const n = num * pow10(places);
  const neg = n < 0n !== den < 0n;
  const a = n < 0n ? -n : n;
  const d = den < 0n ? -den : den;
  const q = (2n * a + d) / (2n * d);
  return decimal(neg ? -q : q, scale);
}

/** Compares a/b with c/d (b, d > 0). */
const cmpRatio = (a: bigint, b: bigint, c: bigint, d: bigint): number => (a * d < c * b ? -1 : a * d > c * b ? 1 : 0);
const cmpBig = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);
const cmpText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

interface Tree {
  areas: Map<string, AreaRow>;
  /** the area and its ancestors, nearest first */
  chain(code: string): AreaRow[];
  within(code: string, root: string): boolean;
  mountain(code: string): boolean;
  town(code: string): string | null;
  /** the ancestor (itself included) directly under the district */
  top(code: string): string | null;
}

function tree(): Tree {
  const areas = new Map(seed.areas.map((a) => [a.code, a]));
  const chain = (code: string) => {
    const out: AreaRow[] = [];
    for (let a = areas.get(code); a; a = a.parent_code ? areas.get(a.parent_code) : undefined) out.push(a);
    return out;
  };
  return {
    areas,
    chain,
    within: (code, root) => chain(code).some((a) => a.code === root),
    mountain: (code) => chain(code).some((a) => a.mountain === true),
    town: (code) => chain(code).find((a) => a.kind === 'TOWN')?.code ?? null,
    top: (code) => chain(code).find((a) => a.parent_code !== null && areas.get(a.parent_code)?.kind === 'DISTRICT')?.code ?? null,
  };
}

const projectsByCode = () => new Map(seed.projects.map((p) => [p.code, p]));
const flowsOf = (kind: 'COMMITMENT' | 'LANDED', keep: (p: ProjectRow) => boolean) => {
  const projects = projectsByCode();
  return seed.fund_flows.filter((f) => f.kind === kind && keep(projects.get(f.project_code)!));
};
const landedOn = (code: string): string | null => seed.project_stages.find((s) => s.project_code === code && s.stage === 'LANDED')?.reached_on ?? null;
/** Whether `projectTiers` counts a project by default: cancelled projects (a 取消 stage) are left out unless asked for. */
const notCancelled = (p: { code: string }): boolean => !seed.project_stages.some((s) => s.project_code === p.code && s.stage === 'CANCELLED');
const YI_1 = 100_000_000n;

/** Committed and landed sums of the projects passing `keep`, and how many distinct projects have a flow. */
function funds(keep: (p: ProjectRow) => boolean) {
  const committed = flowsOf('COMMITMENT', keep);
  const landed = flowsOf('LANDED', keep);
  return {
    committed: sum(committed.map((f) => f.amount)),
    landed: sum(landed.map((f) => f.amount)),
    projects: new Set([...committed, ...landed].map((f) => f.project_code)).size,
    committedProjects: new Set(committed.map((f) => f.project_code)).size,
    landedProjects: new Set(landed.map((f) => f.project_code)).size,
  };
}

/** Operating income of a village in a year, or null when it has no figure. */
function income(village: string, year: number): bigint | null {
  const row = seed.collective_incomes.find((i) => i.village_code === village && i.year === year);
  if (!row) return null;
  return row.operating_income ?? (row.business_income ?? 0n) + (row.contracting_income ?? 0n) + (row.investment_income ?? 0n);
}

/** Collective income of these villages in `year` against the year before, the way F3 defines it. */
function incomeTotals(villages: string[], year: number) {
  const cur = villages.map((v) => income(v, year));
  const prev = villages.map((v) => income(v, year - 1));
  const both = villages.map((_, i) => i).filter((i) => cur[i] !== null && prev[i] !== null);
  return {
    total: sum(cur.filter((x): x is bigint => x !== null)),
    villageCount: cur.filter((x) => x !== null).length,
    comparable: both.length,
    change: sum(both.map((i) => cur[i]! - prev[i]!)),
    base: sum(both.map((i) => prev[i]!)),
  };
}

const problemOf = (res: { errors?: { extensions?: Record<string, any> }[] }) => res.errors?.[0]?.extensions;

// ---------------------------------------------------------------------------------------------

describe('committed against landed', () => {
  it('Q01: per mountain town, committed and landed sums and the share landed', async () => {
    const t = tree();
    const towns = seed.areas
      .filter((a) => a.kind === 'TOWN' && a.mountain)
      .map((a) => a.code)
      .sort();
    const all = funds((p) => t.mountain(p.host_area_code));
    const { funds: res } = await ask('Q01');
    expect(res.committed).toBe(yi(all.committed));
    expect(res.landed).toBe(yi(all.landed));
    expect(res.landedShare).toBe(rounded(all.landed, all.committed, 1, true));
    expect(res.groups).toEqual(
      towns.map((code) => {
        const f = funds((p) => t.within(p.host_area_code, code));
        return {
          area: { code, name: t.areas.get(code)!.name },
          committed: wan(f.committed),
          landed: wan(f.landed),
          landedShare: rounded(f.landed, f.committed, 1, true),
          projectCount: f.projects,
        };
      }),
    );
    expect(res.groups).toHaveLength(5);
  });

  it('Q02: per pairing of the three schemes, lowest share landed first, ties by pairing code', async () => {
    const schemes = ['CITY_MOUNTAIN', 'SOE_TOWN', 'ENTERPRISE_VILLAGE'];
    const pairings = seed.pairings.filter((p) => schemes.includes(p.scheme));
    const rows = pairings
      .map((pr) => ({ pr, f: funds((p) => p.pairing_code === pr.code) }))
      .filter((r) => r.f.projects > 0)
      .sort((a, b) => {
        const ca = a.f.committed === 0n;
        const cb = b.f.committed === 0n;
        if (ca !== cb) return ca ? 1 : -1;
        return (ca ? 0 : cmpRatio(a.f.landed, a.f.committed, b.f.landed, b.f.committed)) || cmpText(a.pr.code, b.pr.code);
      });
    const { funds: res } = await ask('Q02');
    expect(res.groupCount).toBe(rows.length);
    expect(res.groups).toEqual(
      rows.map(({ pr, f }) => ({
        pairing: { code: pr.code, scheme: pr.scheme },
        committed: wan(f.committed),
        landed: wan(f.landed),
        landedShare: rounded(f.landed, f.committed, 1, true),
        committedProjectCount: f.committedProjects,
        landedProjectCount: f.landedProjects,
      })),
    );
  });

  it('Q03: per project, the ten largest commitments with what has landed of them', async () => {
    const t = tree();
    const rows = seed.projects
      .map((p) => ({ p, f: funds((q) => q.code === p.code) }))
      .filter((r) => r.f.projects > 0)
      .sort((a, b) => cmpBig(b.f.committed, a.f.committed) || cmpText(a.p.code, b.p.code));
    const { funds: res } = await ask('Q03');
    expect(res.groupCount).toBe(rows.length);
    expect(res.groups).toEqual(
      rows.slice(0, 10).map(({ p, f }) => ({
        project: { code: p.code, name: p.name, host: { name: t.areas.get(p.host_area_code)!.name } },
        committed: wan(f.committed),
        landed: wan(f.landed),
        landedShare: rounded(f.landed, f.committed, 1, true),
      })),
    );
  });

  it('gives every project, pairing and area its own committed and landed figures, with statements that do not grow with the rows', async () => {
    const t = tree();
    const query = (n: number) => `{
      projects(first: ${n}, orderBy: [{ field: CODE }]) { nodes { code funds { committed landed landedShare projectCount } } }
      pairings(first: ${n}) { nodes { code funds(period: { year: 2022 }) { committed landed } } }
      areas(first: ${n}, filter: { kinds: [TOWN, PLATFORM] }) { nodes { code funds { committed landed } } }
    }`;
    const measure = async (n: number) => {
      const before = api.statements();
      const data = await api.data(query(n));
      return { statements: api.statements() - before, data };
    };
    const small = await measure(3);
    const large = await measure(100);
    expect(large.data.projects.nodes).toHaveLength(100);
    expect(large.data.pairings.nodes.length).toBeGreaterThan(small.data.pairings.nodes.length * 5);
    expect(large.statements).toBe(small.statements);
    // three lists (one page each: no COUNT unless totalCount is asked for) and one statement per shortcut
    expect(large.statements).toBe(6);
    for (const node of large.data.projects.nodes) {
      const f = funds((p) => p.code === node.code);
      expect(node.funds).toEqual({
        committed: String(f.committed),
        landed: String(f.landed),
        landedShare: rounded(f.landed, f.committed, 4),
        projectCount: f.projects,
      });
    }
    const projects = projectsByCode();
    for (const node of large.data.pairings.nodes) {
      const in2022 = (kind: 'COMMITMENT' | 'LANDED') =>
        sum(
          seed.fund_flows
            .filter((f) => f.kind === kind && f.occurred_on.startsWith('2022') && projects.get(f.project_code)!.pairing_code === node.code)
            .map((f) => f.amount),
        );
      expect(node.funds).toEqual({ committed: String(in2022('COMMITMENT')), landed: String(in2022('LANDED')) });
    }
    for (const node of large.data.areas.nodes) {
      const f = funds((p) => t.within(p.host_area_code, node.code));
      expect(node.funds).toEqual({ committed: String(f.committed), landed: String(f.landed) });
    }
  });

  it('filters flows by the signing period of their projects, and keeps fundsLanded answering as before', async () => {
    const t = tree();
    const res = await api.data(`{
      signed2022: funds(filter: { signed: { year: 2022 } }) { committed landed }
      landed2022: funds(filter: { area: { mountain: true }, period: { year: 2022 } }) { landed(unit: YI) landedProjectCount }
      fundsLanded(filter: { area: { mountain: true }, period: { year: 2022 } }) { total(unit: YI) projectCount }
    }`);
    const f = funds((p) => p.signed_on.startsWith('2022'));
    expect(res.signed2022).toEqual({ committed: String(f.committed), landed: String(f.landed) });
    const landed = seed.fund_flows.filter(
      (x) => x.kind === 'LANDED' && x.occurred_on.startsWith('2022') && t.mountain(projectsByCode().get(x.project_code)!.host_area_code),
    );
    expect(res.landed2022).toEqual({ landed: yi(sum(landed.map((x) => x.amount))), landedProjectCount: new Set(landed.map((x) => x.project_code)).size });
    expect(res.fundsLanded).toEqual({ total: '7.1', projectCount: 54 });
  });
});

describe('top N', () => {
  it('Q04: the ten largest investors by funds landed, ties by credit code, the projects without investors as a null group', async () => {
    const landed = flowsOf('LANDED', () => true);
    const projects = projectsByCode();
    const investors = [...new Set(seed.projects.flatMap((p) => p.investor_credit_codes)), null];
    const rows = investors
      .map((code) => {
        const mine = landed.filter((f) => {
          const p = projects.get(f.project_code)!;
          return code === null ? p.investor_credit_codes.length === 0 : p.investor_credit_codes.includes(code);
        });
        return { code, total: sum(mine.map((f) => f.amount)), projects: new Set(mine.map((f) => f.project_code)).size };
      })
      .filter((r) => r.projects > 0)
      .sort((a, b) => cmpBig(b.total, a.total) || (a.code === null ? 1 : b.code === null ? -1 : cmpText(a.code, b.code)));
    const names = new Map(seed.enterprises.map((e) => [e.credit_code, e.name]));
    const { fundsLanded } = await ask('Q04');
    expect(fundsLanded.groupCount).toBe(rows.length);
    expect(fundsLanded.groups).toEqual(
      rows
        .slice(0, 10)
        .map((r) => ({ investor: r.code === null ? null : { creditCode: r.code, name: names.get(r.code) }, total: wan(r.total), projectCount: r.projects })),
    );
  });

  it('Q05: the ten projects with the most funds landed, ties by project code', async () => {
    const t = tree();
    const rows = seed.projects
      .map((p) => ({
        p,
        total: sum(flowsOf('LANDED', (q) => q.code === p.code).map((f) => f.amount)),
        any: seed.fund_flows.some((f) => f.kind === 'LANDED' && f.project_code === p.code),
      }))
      .filter((r) => r.any)
      .sort((a, b) => cmpBig(b.total, a.total) || cmpText(a.p.code, b.p.code));
    const { fundsLanded } = await ask('Q05');
    expect(fundsLanded.groupCount).toBe(rows.length);
    expect(fundsLanded.groups).toEqual(
      rows
        .slice(0, 10)
        .map((r) => ({ project: { code: r.p.code, name: r.p.name, host: { name: t.areas.get(r.p.host_area_code)!.name } }, total: wan(r.total) })),
    );
  });

  it('Q06: the ten fastest-growing villages of 2022, ties by code', async () => {
    const t = tree();
    const villages = seed.areas.filter((a) => a.kind === 'VILLAGE').map((a) => a.code);
    const rows = villages
      .map((code) => ({ code, ...incomeTotals([code], 2022) }))
      .sort((a, b) => {
        const ra = a.comparable > 0 && a.base !== 0n;
        const rb = b.comparable > 0 && b.base !== 0n;
        if (ra !== rb) return ra ? -1 : 1;
        return (ra ? cmpRatio(b.change, b.base, a.change, a.base) : 0) || cmpText(a.code, b.code);
      });
    const { collectiveIncome } = await ask('Q06');
    expect(collectiveIncome.groupCount).toBe(villages.length);
    expect(collectiveIncome.groups).toEqual(
      rows.slice(0, 10).map((r) => {
        const area = t.areas.get(r.code)!;
        return {
          area: { code: r.code, name: area.name, parent: { name: t.areas.get(area.parent_code!)!.name } },
          total: wan(income(r.code, 2022)!),
          previousTotal: wan(income(r.code, 2021)!),
          growthRate: rounded(r.change, r.base, 2, true),
        };
      }),
    );
  });

  it('orders and cuts the groups of every aggregate root, and refuses a bad first', async () => {
    const t = tree();
    const res = await api.data(`{
      projectTiers(groupBy: [TOWN_OR_PLATFORM], orderBy: PROJECT_COUNT_DESC, first: 3) { groupCount groups { area { code } projectCount } }
      workshopSummary(groupBy: [TOWN], orderBy: JOBS_CREATED_DESC, first: 2) { groupCount groups { area { code } jobsCreated } }
      slowest: collectiveIncome(year: 2022, filter: { kinds: [VILLAGE] }, groupBy: [VILLAGE], orderBy: GROWTH_ASC, first: 3) { groups { area { code } } }
      collectiveIncomeSeries(from: 2021, to: 2022, filter: { kinds: [VILLAGE] }, groupBy: [TOWN], orderBy: TOTAL_DESC, first: 2) { groupCount groups { area { code } } }
    }`);
    const byTop = new Map<string, number>();
    for (const p of seed.projects.filter(notCancelled)) byTop.set(t.top(p.host_area_code)!, (byTop.get(t.top(p.host_area_code)!) ?? 0) + 1);
    const topRows = [...byTop].sort((a, b) => b[1] - a[1] || cmpText(a[0], b[0]));
    expect(res.projectTiers).toEqual({ groupCount: byTop.size, groups: topRows.slice(0, 3).map(([code, n]) => ({ area: { code }, projectCount: n })) });

    const jobs = new Map<string, number>();
    for (const w of seed.workshops) jobs.set(t.town(w.village_code)!, (jobs.get(t.town(w.village_code)!) ?? 0) + w.jobs_created);
    const jobRows = [...jobs].sort((a, b) => b[1] - a[1] || cmpText(a[0], b[0]));
    expect(res.workshopSummary).toEqual({ groupCount: jobs.size, groups: jobRows.slice(0, 2).map(([code, n]) => ({ area: { code }, jobsCreated: n })) });

    const villages = seed.areas.filter((a) => a.kind === 'VILLAGE').map((a) => ({ code: a.code, ...incomeTotals([a.code], 2022) }));
    const slowest = villages.filter((v) => v.comparable > 0).sort((a, b) => cmpRatio(a.change, a.base, b.change, b.base) || cmpText(a.code, b.code));
    expect(res.slowest.groups).toEqual(slowest.slice(0, 3).map((v) => ({ area: { code: v.code } })));

    const towns = seed.areas.filter((a) => a.kind === 'TOWN').map((a) => a.code);
    const townTotals = towns
      .map((code) => ({
        code,
        total: incomeTotals(
          seed.areas.filter((a) => a.kind === 'VILLAGE' && t.within(a.code, code)).map((a) => a.code),
          2022,
        ).total,
      }))
      .sort((a, b) => cmpBig(b.total, a.total) || cmpText(a.code, b.code));
    expect(res.collectiveIncomeSeries).toEqual({ groupCount: towns.length, groups: townTotals.slice(0, 2).map((r) => ({ area: { code: r.code } })) });

    for (const query of [`{ fundsLanded(groupBy: [TOWN], first: 0) { total } }`, `{ funds(groupBy: [TOWN], first: 1001) { committed } }`]) {
      const bad = await api.gql(query);
      expect(problemOf(bad)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    }
  });

  it('answers a grouped, ordered, cut aggregate in one statement, plus one per kind of record it names', async () => {
    const cases: [string, number][] = [
      [`{ funds(groupBy: [PROJECT], orderBy: COMMITTED_DESC, first: 100) { committed groups { committed landedShare } } }`, 1],
      [`{ funds(groupBy: [PROJECT], orderBy: COMMITTED_DESC, first: 100) { groups { project { code } committed } } }`, 2],
      [`{ fundsLanded(groupBy: [INVESTOR], orderBy: TOTAL_DESC, first: 50) { groups { investor { name } total } } }`, 2],
      [`{ projectTiers(groupBy: [LANDED_YEAR, TOWN_OR_PLATFORM]) { groups { landedYear area { name } projectCount } } }`, 2],
      [`{ workshopSummary(groupBy: [TYPE, YEAR]) { groups { type year workshopCount } } }`, 1],
      [
        `{ collectiveIncomeSeries(from: 2020, to: 2022, groupBy: [VILLAGE], orderBy: GROWTH_DESC) { years { total } groups { area { code } years { growthRate } } } }`,
        2,
      ],
      [`{ projectTiers(filter: { area: { within: ["330110111", "330110109"] } }, groupBy: [VILLAGE]) { groups { area { code } } } }`, 3],
    ];
    for (const [query, statements] of cases) {
      const before = api.statements();
      await api.data(query);
      expect(api.statements() - before, query).toBe(statements);
    }
  });
});

describe('by the year something happened', () => {
  it('Q07: projects counted per landing year, with their signed investment by tier', async () => {
    const landed = seed.projects.filter((p) => landedOn(p.code) !== null);
    const years = [...new Set(landed.map((p) => Number(landedOn(p.code)!.slice(0, 4))))].sort();
    const { projectTiers } = await ask('Q07');
    expect(projectTiers.projectCount).toBe(landed.length);
    expect(projectTiers.groups).toEqual(
      years.map((year) => {
        const mine = landed.filter((p) => landedOn(p.code)!.startsWith(String(year)));
        return {
          landedYear: year,
          projectCount: mine.length,
          signedAmount: yi(sum(mine.map((p) => p.signed_amount))),
          tiers: [1n, 10n, 50n].map((n, i) => ({ tier: ['YI_1', 'YI_10', 'YI_50'][i], projectCount: mine.filter((p) => p.signed_amount >= n * YI_1).length })),
        };
      }),
    );
    // landing year is not signing year: F1's 54 mountain-town projects landed in 2022 were signed over several years
    const t = tree();
    const f1 = landed.filter((p) => t.mountain(p.host_area_code) && landedOn(p.code)!.startsWith('2022'));
    expect(f1).toHaveLength(54);
    const res = await api.data(
      `{ projectTiers(filter: { area: { mountain: true }, landed: { year: 2022 } }, groupBy: [YEAR]) { groups { year projectCount } } }`,
    );
    const bySigning = [...new Set(f1.map((p) => Number(p.signed_on.slice(0, 4))))]
      .sort()
      .map((year) => ({ year, projectCount: f1.filter((p) => p.signed_on.startsWith(String(year))).length }));
    expect(res.projectTiers.groups).toEqual(bySigning);
    expect(bySigning.length).toBeGreaterThan(1);
  });

  it('Q08: workshops per opening year, with jobs and the jobs-weighted income gain per person', async () => {
    const years = [...new Set(seed.workshops.map((w) => (w.opened_on ? Number(w.opened_on.slice(0, 4)) : null)))].sort((a, b) => (a ?? 9999) - (b ?? 9999));
    const { workshopSummary } = await ask('Q08');
    expect(workshopSummary.workshopCount).toBe(seed.workshops.length);
    expect(workshopSummary.jobsCreated).toBe(seed.workshops.reduce((n, w) => n + w.jobs_created, 0));
    expect(workshopSummary.groups).toEqual(
      years.map((year) => {
        const mine = seed.workshops.filter((w) => (w.opened_on ? Number(w.opened_on.slice(0, 4)) : null) === year);
        const reporting = mine.filter((w) => w.income_gain_per_person !== null);
        const weighted = sum(reporting.map((w) => BigInt(w.jobs_created) * w.income_gain_per_person!));
        const jobs = BigInt(reporting.reduce((n, w) => n + w.jobs_created, 0));
        return {
          year,
          workshopCount: mine.length,
          jobsCreated: mine.reduce((n, w) => n + w.jobs_created, 0),
          incomeGainPerPerson: rounded(weighted, jobs * 10_000n, 2),
        };
      }),
    );
  });
});

describe('series', () => {
  it('Q09: collective income of the district and of each town for 2021 and 2022, with each year’s growth, in one query', async () => {
    const t = tree();
    const villages = seed.areas.filter((a) => a.kind === 'VILLAGE').map((a) => a.code);
    const towns = seed.areas
      .filter((a) => a.kind === 'TOWN')
      .map((a) => a.code)
      .sort();
    const before = api.statements();
    const { collectiveIncomeSeries: res } = await ask('Q09');
    // one statement for the series, one for the towns' names
    expect(api.statements() - before).toBe(2);
    expect(res.years).toEqual(
      [2021, 2022].map((year) => {
        const x = incomeTotals(villages, year);
        return { year, total: yi(x.total), growthRate: rounded(x.change, x.base, 2, true), villageCount: x.villageCount, comparableVillageCount: x.comparable };
      }),
    );
    expect(res.years[1]).toMatchObject({ total: '9.44', villageCount: 143 }); // F7
    expect(res.groups).toEqual(
      towns.map((code) => ({
        area: { code, name: t.areas.get(code)!.name },
        years: [2021, 2022].map((year) => {
          const x = incomeTotals(
            villages.filter((v) => t.within(v, code)),
            year,
          );
          return { year, total: wan(x.total), change: x.comparable > 0 ? wan(x.change) : null, growthRate: rounded(x.change, x.base, 2, true) };
        }),
      })),
    );
  });

  it('gives each year the same answer as collectiveIncome(year) asked one year at a time', async () => {
    const res = await api.data(`{
      series: collectiveIncomeSeries(from: 2021, to: 2022, filter: { area: { mountain: true }, kinds: [VILLAGE] }) { years { year total change growthRate(asPercent: true, scale: 2) missingPrevious { code } } }
      y2021: collectiveIncome(year: 2021, filter: { area: { mountain: true }, kinds: [VILLAGE] }) { year total change growthRate(asPercent: true, scale: 2) missingPrevious { code } }
      y2022: collectiveIncome(year: 2022, filter: { area: { mountain: true }, kinds: [VILLAGE] }) { year total change growthRate(asPercent: true, scale: 2) missingPrevious { code } }
    }`);
    expect(res.series.years).toEqual([res.y2021, res.y2022]);
    expect(res.y2022).toMatchObject({ total: '130000000', growthRate: '13.04' }); // F3
    const t = tree();
    const missing = seed.areas
      .filter((a) => a.kind === 'VILLAGE' && t.mountain(a.code) && income(a.code, 2020) === null)
      .map((a) => a.code)
      .sort();
    expect(res.y2021.missingPrevious.map((a: { code: string }) => a.code)).toEqual(missing);
  });

  it('refuses a reversed or too long range', async () => {
    expect(problemOf(await api.gql(`{ collectiveIncomeSeries(from: 2022, to: 2021) { years { total } } }`))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'to',
    });
    expect(problemOf(await api.gql(`{ collectiveIncomeSeries(from: 1950, to: 2022) { years { total } } }`))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'to',
    });
  });
});

describe('platform projects under a town', () => {
  it('Q10: groups projects by the area directly under the district, so platforms get their own groups', async () => {
    const t = tree();
    const signed = seed.projects.filter(notCancelled);
    expect(signed.length).toBe(seed.projects.length - 3); // the seed's three cancelled projects
    const tops = [...new Set(signed.map((p) => t.top(p.host_area_code)!))].sort();
    const { projectTiers } = await ask('Q10');
    expect(projectTiers.projectCount).toBe(signed.length);
    expect(projectTiers.groups).toEqual(
      tops.map((code) => {
        const mine = signed.filter((p) => t.top(p.host_area_code) === code);
        const area = t.areas.get(code)!;
        return {
          area: { code, name: area.name, kind: area.kind },
          projectCount: mine.length,
          signedAmount: yi(sum(mine.map((p) => p.signed_amount))),
          atLeast: { projectCount: mine.filter((p) => p.signed_amount >= YI_1).length },
        };
      }),
    );
    expect(projectTiers.groups.filter((g: { area: unknown }) => g.area === null)).toEqual([]);
    expect(projectTiers.groups.map((g: any) => g.area.kind)).toContain('PLATFORM');
    // grouped by TOWN, the same platform projects fall into one null group
    const byTown = await api.data(`{ projectTiers(groupBy: [TOWN]) { groups { area { code } projectCount } } }`);
    const outsideTowns = signed.filter((p) => t.town(p.host_area_code) === null).length;
    expect(byTown.projectTiers.groups.at(-1)).toEqual({ area: null, projectCount: outsideTowns });
  });

  it('offers the same grouping on fundsLanded, funds, collectiveIncome and workshopSummary', async () => {
    const t = tree();
    const res = await api.data(`{
      fundsLanded(groupBy: [TOWN_OR_PLATFORM]) { groups { area { code } total } }
      funds(groupBy: [TOWN_OR_PLATFORM]) { groups { area { code } committed } }
      collectiveIncome(year: 2022, groupBy: [TOWN_OR_PLATFORM]) { groups { area { code } villagesInScope } }
      workshopSummary(groupBy: [TOWN_OR_PLATFORM]) { groups { area { code } workshopCount } }
    }`);
    const projects = projectsByCode();
    const landedBy = new Map<string, bigint>();
    const committedBy = new Map<string, bigint>();
    for (const f of seed.fund_flows) {
      const top = t.top(projects.get(f.project_code)!.host_area_code)!;
      const m = f.kind === 'LANDED' ? landedBy : committedBy;
      m.set(top, (m.get(top) ?? 0n) + f.amount);
    }
    expect(res.fundsLanded.groups).toEqual(
      [...landedBy].sort((a, b) => cmpText(a[0], b[0])).map(([code, total]) => ({ area: { code }, total: String(total) })),
    );
    expect(res.funds.groups).toEqual([...committedBy].sort((a, b) => cmpText(a[0], b[0])).map(([code, c]) => ({ area: { code }, committed: String(c) })));
    const villagesBy = new Map<string, number>();
    for (const a of seed.areas.filter((x) => x.kind === 'VILLAGE' || x.kind === 'COMMUNITY'))
      villagesBy.set(t.top(a.code)!, (villagesBy.get(t.top(a.code)!) ?? 0) + 1);
    expect(res.collectiveIncome.groups).toEqual(
      [...villagesBy].sort((a, b) => cmpText(a[0], b[0])).map(([code, n]) => ({ area: { code }, villagesInScope: n })),
    );
    const workshopsBy = new Map<string, number>();
    for (const w of seed.workshops) workshopsBy.set(t.top(w.village_code)!, (workshopsBy.get(t.top(w.village_code)!) ?? 0) + 1);
    expect(res.workshopSummary.groups).toEqual([...workshopsBy].sort((a, b) => cmpText(a[0], b[0])).map(([code, n]) => ({ area: { code }, workshopCount: n })));
  });
});

describe('one filter vocabulary', () => {
  const LUNIAO = '330110111';

  it('Q11: the same area scope on every list and aggregate', async () => {
    const t = tree();
    const inLuniao = (code: string | null) => code !== null && t.within(code, LUNIAO);
    const projects = projectsByCode();
    const hosted = seed.projects.filter((p) => inLuniao(p.host_area_code));
    const villages = seed.areas.filter((a) => (a.kind === 'VILLAGE' || a.kind === 'COMMUNITY') && inLuniao(a.code));
    const workshops = seed.workshops.filter((w) => inLuniao(w.village_code));
    const f = funds((p) => inLuniao(p.host_area_code));
    const income2022 = incomeTotals(
      villages.map((v) => v.code),
      2022,
    );
    const res = await ask('Q11');
    expect(res).toEqual({
      areas: { totalCount: villages.length },
      pairings: { totalCount: seed.pairings.filter((p) => inLuniao(p.lead_area_code) || inLuniao(p.partner_area_code)).length },
      projects: { totalCount: hosted.length },
      fundFlows: { totalCount: seed.fund_flows.filter((x) => inLuniao(projects.get(x.project_code)!.host_area_code)).length },
      workshops: { totalCount: workshops.length },
      collectiveIncomes: { totalCount: seed.collective_incomes.filter((i) => i.year === 2022 && inLuniao(i.village_code)).length },
      funds: { committed: String(f.committed), landed: String(f.landed) },
      fundsLanded: { total: String(f.landed) },
      projectTiers: { projectCount: hosted.filter(notCancelled).length },
      collectiveIncome: { total: String(income2022.total), villageCount: income2022.villageCount },
      workshopSummary: { workshopCount: workshops.length, jobsCreated: workshops.reduce((n, w) => n + w.jobs_created, 0) },
    });
    expect(res.workshops.totalCount).toBe(7); // F4
  });

  it('keeps every deprecated spelling working with the same answer', async () => {
    // Note: two requests, since the API refuses more than 15 aliases in one (MAX_ALIASES).
    const lists = await api.data(`{
      a1: areas(filter: { within: "${LUNIAO}" }) { totalCount } a2: areas(filter: { area: { within: ["${LUNIAO}"] } }) { totalCount }
      p1: projects(filter: { hostAreaCodes: ["${LUNIAO}"] }) { totalCount } p2: projects(filter: { area: { within: ["${LUNIAO}"] } }) { totalCount }
      f1: fundFlows(filter: { within: "${LUNIAO}" }) { totalCount } f2: fundFlows(filter: { area: { within: ["${LUNIAO}"] } }) { totalCount }
      w1: workshops(filter: { within: "${LUNIAO}" }) { totalCount } w2: workshops(filter: { area: { within: ["${LUNIAO}"] } }) { totalCount }
      c1: collectiveIncomes(filter: { within: "${LUNIAO}" }) { totalCount } c2: collectiveIncomes(filter: { area: { within: ["${LUNIAO}"] } }) { totalCount }
    }`);
    const aggregates = await api.data(`{
      l1: fundsLanded(filter: { areaCodes: ["${LUNIAO}"], mountain: true }) { total } l2: fundsLanded(filter: { area: { within: ["${LUNIAO}"], mountain: true } }) { total }
      t1: projectTiers(filter: { mountain: true, landed: { year: 2022 } }) { projectCount } t2: projectTiers(filter: { area: { mountain: true }, landed: { year: 2022 } }) { projectCount }
      i1: collectiveIncome(year: 2022, filter: { areaCodes: ["${LUNIAO}"] }) { total } i2: collectiveIncome(year: 2022, filter: { area: { within: ["${LUNIAO}"] } }) { total }
      s1: workshopSummary(filter: { within: "${LUNIAO}" }) { jobsCreated } s2: workshopSummary(filter: { area: { within: ["${LUNIAO}"] } }) { jobsCreated }
    }`);
    const res = { ...lists, ...aggregates };
    for (const k of ['a', 'p', 'f', 'w', 'c', 'l', 't', 'i', 's']) expect(res[`${k}1`], k).toEqual(res[`${k}2`]);
    expect(res.t2.projectCount).toBe(54); // F1
    expect(res.s2.jobsCreated).toBe(1256); // F5
    // pairings: the old areaCode took exactly that area; area.within takes the areas under it too
    const t = tree();
    const old = await api.data(`{ pairings(filter: { areaCode: "${LUNIAO}" }) { nodes { code } } }`);
    expect(old.pairings.nodes.map((p: { code: string }) => p.code)).toEqual(
      seed.pairings
        .filter((p) => p.lead_area_code === LUNIAO || p.partner_area_code === LUNIAO)
        .map((p) => p.code)
        .sort(),
    );
    const scoped = await api.data(`{ pairings(filter: { area: { within: ["${LUNIAO}"] } }, first: 100) { nodes { code } } }`);
    const under = (c: string | null) => c !== null && t.within(c, LUNIAO);
    expect(scoped.pairings.nodes.map((p: { code: string }) => p.code)).toEqual(
      seed.pairings
        .filter((p) => under(p.lead_area_code) || under(p.partner_area_code))
        .map((p) => p.code)
        .sort(),
    );
    expect(scoped.pairings.nodes.length).toBeGreaterThan(old.pairings.nodes.length);
  });

  it('means "in a mountain town or under one" by area.mountain everywhere, unlike the old areas mountain flag', async () => {
    const t = tree();
    const res = await api.data(`{
      towns: areas(filter: { kinds: [TOWN], area: { mountain: true } }, first: 100) { nodes { code } }
      all: areas(filter: { area: { mountain: true } }) { totalCount }
      others: areas(filter: { area: { mountain: false } }) { totalCount }
      flagged: areas(filter: { mountain: true }) { totalCount }
      pairings(filter: { area: { mountain: true } }) { totalCount }
      projects(filter: { area: { mountain: false } }) { totalCount }
    }`);
    expect(res.towns.nodes.map((a: { code: string }) => a.code)).toEqual(
      seed.areas
        .filter((a) => a.kind === 'TOWN' && a.mountain)
        .map((a) => a.code)
        .sort(),
    );
    expect(res.all.totalCount).toBe(seed.areas.filter((a) => t.mountain(a.code)).length);
    expect(res.others.totalCount).toBe(seed.areas.filter((a) => !t.mountain(a.code)).length);
    expect(res.flagged.totalCount).toBe(5);
    const m = (c: string | null) => c !== null && t.mountain(c);
    expect(res.pairings.totalCount).toBe(seed.pairings.filter((p) => m(p.lead_area_code) || m(p.partner_area_code)).length);
    expect(res.projects.totalCount).toBe(seed.projects.filter((p) => !t.mountain(p.host_area_code)).length);
  });

  it('marks the old names deprecated in the schema', async () => {
    const res = await api.data(`{ __schema { types { name inputFields(includeDeprecated: true) { name isDeprecated } } } }`);
    const deprecated = res.__schema.types.flatMap((ty: any) =>
      (ty.inputFields ?? []).filter((f: any) => f.isDeprecated).map((f: any) => `${ty.name}.${f.name}`),
    );
    expect(deprecated.sort()).toEqual(
      [
        'AreaFilter.mountain',
        'AreaFilter.within',
        'CollectiveIncomeFilter.within',
        'CollectiveIncomeSummaryFilter.areaCodes',
        'CollectiveIncomeSummaryFilter.mountain',
        'FundFlowFilter.within',
        'FundsFilter.areaCodes',
        'FundsFilter.mountain',
        'FundsLandedFilter.areaCodes',
        'FundsLandedFilter.mountain',
        'PairingFilter.areaCode',
        'ProjectFilter.hostAreaCodes',
        'ProjectTiersFilter.areaCodes',
        'ProjectTiersFilter.mountain',
        'WorkshopFilter.within',
      ].sort(),
    );
  });
});

describe('names are not codes', () => {
  it('Q12: finds the code of 鸬鸟镇 by its name', async () => {
    const { areas } = await ask('Q12');
    expect(areas.nodes).toEqual(
      seed.areas
        .filter((a) => a.name.includes('鸬鸟'))
        .sort((a, b) => cmpText(a.code, b.code))
        .map((a) => ({ code: a.code, name: a.name, kind: a.kind })),
    );
  });

  it('refuses a name given as a code on every root, naming the value and the code to use', async () => {
    const luniao = seed.areas.find((a) => a.name === '鸬鸟镇')!;
    const hint = `no area has code 鸬鸟镇; did you mean ${luniao.code} (鸬鸟镇)?`;
    const cases: [string, string][] = [
      [`{ areas(filter: { area: { within: ["鸬鸟镇"] } }) { totalCount } }`, 'filter.area.within[0]'],
      [`{ areas(filter: { parentCode: "鸬鸟镇" }) { totalCount } }`, 'filter.parentCode'],
      [`{ pairings(filter: { area: { within: ["鸬鸟镇"] } }) { totalCount } }`, 'filter.area.within[0]'],
      [`{ pairings(filter: { areaCode: "鸬鸟镇" }) { totalCount } }`, 'filter.areaCode'],
      [`{ projects(filter: { hostAreaCodes: ["鸬鸟镇"] }) { totalCount } }`, 'filter.hostAreaCodes[0]'],
      [`{ fundFlows(filter: { area: { within: ["鸬鸟镇"] } }) { totalCount } }`, 'filter.area.within[0]'],
      [`{ workshops(filter: { within: "鸬鸟镇" }) { totalCount } }`, 'filter.within'],
      [`{ collectiveIncomes(filter: { area: { within: ["鸬鸟镇"] } }) { totalCount } }`, 'filter.area.within[0]'],
      [`{ funds(filter: { area: { within: ["330110", "鸬鸟镇"] } }) { committed } }`, 'filter.area.within[1]'],
      [`{ fundsLanded(filter: { areaCodes: ["鸬鸟镇"] }) { total } }`, 'filter.areaCodes[0]'],
      [`{ projectTiers(filter: { area: { within: ["鸬鸟镇"] } }) { projectCount } }`, 'filter.area.within[0]'],
      [`{ collectiveIncome(year: 2022, filter: { area: { within: ["鸬鸟镇"] } }) { total } }`, 'filter.area.within[0]'],
      [`{ collectiveIncomeSeries(from: 2021, to: 2022, filter: { area: { within: ["鸬鸟镇"] } }) { years { total } } }`, 'filter.area.within[0]'],
      [`{ workshopSummary(filter: { area: { within: ["鸬鸟镇"] } }) { workshopCount } }`, 'filter.area.within[0]'],
      [`{ enterprises(first: 1) { nodes { projectTiers(filter: { area: { within: ["鸬鸟镇"] } }) { projectCount } } } }`, 'filter.area.within[0]'],
      [`{ area(code: "鸬鸟镇") { name } }`, 'code'],
    ];
    for (const [query, field] of cases) {
      const res = await api.gql(query);
      expect(res.errors?.[0]?.message, query).toContain(hint);
      expect(problemOf(res), query).toMatchObject({ code: 'BAD_USER_INPUT', field, rule: hint });
    }
  });

  it('suggests every area whose name starts with the value, and nothing for an unknown code', async () => {
    const res = await api.gql(`{ collectiveIncome(year: 2022, filter: { villageCodes: ["径山村"], area: { within: ["999999999"] } }) { total } }`);
    const jingshan = seed.areas.find((a) => a.name === '径山村' && a.kind === 'VILLAGE')!;
    expect(problemOf(res)?.problems).toEqual([
      { field: 'filter.area.within[0]', rule: 'no area has code 999999999', value: '999999999' },
      { field: 'filter.villageCodes[0]', rule: `no village or community has code 径山村; did you mean ${jingshan.code} (径山村)?`, value: '径山村' },
    ]);
    const prefix = await api.gql(`{ projects(filter: { area: { within: ["鸬鸟"] } }) { totalCount } }`);
    const named = seed.areas.filter((a) => a.name.startsWith('鸬鸟')).sort((a, b) => a.name.length - b.name.length || cmpText(a.code, b.code));
    expect(problemOf(prefix)?.rule).toBe(`no area has code 鸬鸟; did you mean ${named.map((a) => `${a.code} (${a.name})`).join(' or ')}?`);
    // a well-formed code that names no area is still just "none" for the single lookup
    expect(await api.gql(`{ area(code: "330110999") { name } }`)).toMatchObject({ data: { area: null } });
    expect((await api.gql(`{ area(code: "330110999") { name } }`)).errors).toBeUndefined();
  });

  it('checks the codes of all root fields of one request in one statement', async () => {
    const before = api.statements();
    await api.data(`{
      a: projects(filter: { area: { within: ["330110111"] } }) { totalCount }
      b: workshops(filter: { area: { within: ["330110111", "330110109"] } }) { totalCount }
      c: fundsLanded(filter: { area: { within: ["330110801"] } }) { total }
    }`);
    // one code check, two lists (count + page, or count only when the page is not asked for), one aggregate
    expect(api.statements() - before).toBe(6);
  });
});
