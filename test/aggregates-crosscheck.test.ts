import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyRegistry, insertRegistry, type Registry, truncateRegistry } from './aggregates-registry.js';
import { startTestApi, type TestApi } from './support/api.js';
import { creditCode } from './support/fixtures.js';

/**
 * Cross-check: random registries, answers worked out here with plain BigInt arithmetic over the
 * generated rows, compared with the API's for many filters and groupings. Set AGG_SEED to replay.
 */
const SEED = Number(process.env.AGG_SEED ?? Math.floor(Math.random() * 2 ** 31));
const ROUNDS = 8;

// ---------- seeded randomness ----------
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
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, list: readonly T[]): T => list[int(r, 0, list.length - 1)]!;
const chance = (r: Rand, p: number) => r() < p;
const subset = <T>(r: Rand, list: readonly T[], max = list.length): T[] => {
  const out = list.filter(() => chance(r, 0.5)).slice(0, max);
  return out.length ? out : list.length ? [pick(r, list)] : [];
};

// ---------- exact money ----------
const cents = (yuan: string): bigint => {
  const [i, f = ''] = yuan.split('.');
  return BigInt(i! + f.padEnd(2, '0'));
};
/** Canonical decimal of `units / 10^scale` (no trailing zeros). */
function fmt(units: bigint, scale: number): string {
  const neg = units < 0n;
  const digits = (neg ? -units : units).toString().padStart(scale + 1, '0');
  const int = scale ? digits.slice(0, -scale) : digits;
  const frac = scale ? digits.slice(-scale).replace(/0+$/, '') : '';
  return (neg ? '-' : '') + int + (frac ? `.${frac}` : '');
}
/** n / d rounded half away from zero. */
function roundDiv(n: bigint, d: bigint): bigint {
  const neg = n < 0n !== d < 0n;
  const an = n < 0n ? -n : n;
  const ad = d < 0n ? -d : d;
  let q = an / ad;
  if (2n * (an % ad) >= ad) q += 1n;
  return neg ? -q : q;
}
const yuan = (c: bigint) => fmt(c, 2);

// ---------- dates ----------
const DAY0 = Date.UTC(2020, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const randomDay = (r: Rand) => iso(DAY0 + int(r, 0, 5 * 366 - 1) * 86400000);
const plusDays = (day: string, n: number) => iso(Date.parse(day) + n * 86400000);
const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (y: number, m: number) => `${y}-${pad(m)}-${pad(new Date(Date.UTC(y, m, 0)).getUTCDate())}`;

interface Bounds {
  from: string | null;
  to: string | null;
}
const within = (day: string, b: Bounds | null) => !b || ((!b.from || day >= b.from) && (!b.to || day <= b.to));

function randomPeriod(r: Rand): { input: Record<string, unknown>; bounds: Bounds } {
  const y = int(r, 2019, 2025);
  switch (int(r, 0, 6)) {
    case 0:
      return { input: {}, bounds: { from: null, to: null } };
    case 1:
      return { input: { year: y }, bounds: { from: `${y}-01-01`, to: `${y}-12-31` } };
    case 2: {
      const q = int(r, 1, 4);
      return { input: { year: y, quarter: q }, bounds: { from: `${y}-${pad(q * 3 - 2)}-01`, to: lastDay(y, q * 3) } };
    }
    case 3: {
      const m = int(r, 1, 12);
      return { input: { year: y, month: m }, bounds: { from: `${y}-${pad(m)}-01`, to: lastDay(y, m) } };
    }
    case 4: {
      const from = randomDay(r);
      return { input: { from }, bounds: { from, to: null } };
    }
    case 5: {
      const to = randomDay(r);
      return { input: { to }, bounds: { from: null, to } };
    }
    default: {
      const [from, to] = [randomDay(r), randomDay(r)].sort() as [string, string];
      return { input: { from, to }, bounds: { from, to } };
    }
  }
}

// ---------- random registries ----------
const SECTORS = ['digital', 'tourism', 'life'];
const SCHEMES = ['CITY_MOUNTAIN', 'SOE_TOWN', 'ENTERPRISE_VILLAGE', 'OTHER'];
const STAGES = ['SIGNED', 'LANDED', 'STARTED', 'OPERATING', 'CANCELLED'];
const BOUNDARY_AMOUNTS = [
  '0',
  '0.01',
  '99999999.99',
  '100000000',
  '100000000.01',
  '999999999.99',
  '1000000000',
  '4999999999.99',
  '5000000000',
  '12345678901.23',
];

function generate(r: Rand): Registry {
  const reg = emptyRegistry();
  let nextArea = 1;
  const addArea = (code: string, kind: Registry['areas'][number]['kind'], parentId: number | null, mountain = false, scenicGrade = 'NONE') => {
    const id = nextArea++;
    reg.areas.push({ id, code, name: `区域${code}`, kind, parentId, mountain, scenicGrade });
    return id;
  };
  const district = addArea('330110', 'DISTRICT', null);
  const parents: number[] = [];
  for (let i = 0; i < int(r, 0, 2); i++) parents.push(addArea(`3301108${i}0`, 'PLATFORM', district));
  for (let i = 0; i < int(r, 1, 4); i++) parents.push(addArea(`330110${101 + i}`, 'TOWN', district, chance(r, 0.5)));
  for (const parentId of [...parents]) {
    const parentCode = reg.areas.find((a) => a.id === parentId)!.code;
    for (let j = 0; j < int(r, 0, 3); j++) {
      const village = chance(r, 0.7);
      addArea(
        `${parentCode}${201 + j}`.padEnd(12, '0').slice(0, 12),
        village ? 'VILLAGE' : 'COMMUNITY',
        parentId,
        false,
        village ? pick(r, ['NONE', 'GRADE_2A', 'GRADE_3A']) : 'NONE',
      );
    }
  }
  for (let i = 1; i <= int(r, 0, 4); i++) reg.enterprises.push({ id: i, creditCode: creditCode(i), name: `企业${i}` });
  const hosts = reg.areas.filter((a) => a.kind !== 'DISTRICT');
  const side = () => {
    if (reg.enterprises.length && chance(r, 0.4)) return { area: null, enterprise: pick(r, reg.enterprises).id };
    return { area: pick(r, hosts).id, enterprise: null };
  };
  for (let i = 1; i <= int(r, 0, 4); i++) {
    const [lead, partner] = [side(), side()];
    reg.pairings.push({
      id: i,
      code: `PR-${i}`,
      scheme: pick(r, SCHEMES),
      leadAreaId: lead.area,
      leadEnterpriseId: lead.enterprise,
      partnerAreaId: partner.area,
      partnerEnterpriseId: partner.enterprise,
    });
  }
  for (let i = 1; i <= int(r, 0, 25); i++) {
    const signedOn = randomDay(r);
    const stages = [{ stage: 'SIGNED', reachedOn: signedOn }];
    if (chance(r, 0.6)) {
      const landed = plusDays(signedOn, int(r, 0, 500));
      stages.push({ stage: 'LANDED', reachedOn: landed });
      if (chance(r, 0.5)) {
        const started = plusDays(landed, int(r, 0, 200));
        stages.push({ stage: 'STARTED', reachedOn: started });
        if (chance(r, 0.4)) stages.push({ stage: 'OPERATING', reachedOn: plusDays(started, int(r, 0, 200)) });
      }
    }
    if (chance(r, 0.15)) stages.push({ stage: 'CANCELLED', reachedOn: plusDays(signedOn, int(r, 0, 600)) });
    const amount = chance(r, 0.6) ? pick(r, BOUNDARY_AMOUNTS) : fmt(BigInt(int(r, 0, 2 ** 31)) * BigInt(int(r, 1, 400)), 2);
    reg.projects.push({
      id: i,
      code: `P-${i}`,
      hostId: pick(r, hosts).id,
      pairingId: reg.pairings.length && chance(r, 0.6) ? pick(r, reg.pairings).id : null,
      sector: pick(r, SECTORS),
      signedAmount: amount,
      signedOn,
      stages,
      investorIds: reg.enterprises.filter(() => chance(r, 0.35)).map((e) => e.id),
    });
    for (const [kind, count] of [
      ['LANDED', int(r, 0, 4)],
      ['COMMITMENT', int(r, 0, 2)],
    ] as const) {
      const days = new Set<string>();
      for (let k = 0; k < count; k++) days.add(randomDay(r));
      for (const day of days) reg.flows.push({ projectId: i, kind, occurredOn: day, amount: fmt(BigInt(int(r, 1, 2 ** 31)) * BigInt(int(r, 1, 50)), 2) });
    }
  }
  for (const v of reg.areas.filter((a) => a.kind === 'VILLAGE' || a.kind === 'COMMUNITY')) {
    for (let year = 2019; year <= 2023; year++) {
      if (chance(r, 0.7))
        reg.incomes.push({ villageId: v.id, year, operatingIncome: chance(r, 0.1) ? '0' : fmt(BigInt(int(r, 0, 2 ** 31)) * BigInt(int(r, 1, 20)), 2) });
    }
  }
  return reg;
}

// ---------- the expected answers, by plain arithmetic ----------
type Project = Registry['projects'][number];
type Area = Registry['areas'][number];
const LEVEL_KINDS: Record<string, string[]> = { PLATFORM: ['PLATFORM'], TOWN: ['TOWN'], VILLAGE: ['VILLAGE', 'COMMUNITY'] };
const STAGE_ORDER = ['SIGNED', 'LANDED', 'STARTED', 'OPERATING'];
const TIERS: [string, bigint][] = [
  ['YI_1', 10000000000n],
  ['YI_10', 100000000000n],
  ['YI_50', 500000000000n],
];

class Model {
  readonly area = new Map<number, Area>();
  readonly enterprise: Map<number, Registry['enterprises'][number]>;
  readonly pairing: Map<number, Registry['pairings'][number]>;

  constructor(readonly reg: Registry) {
    for (const a of reg.areas) this.area.set(a.id, a);
    this.enterprise = new Map(reg.enterprises.map((e) => [e.id, e]));
    this.pairing = new Map(reg.pairings.map((p) => [p.id, p]));
  }

  /** The area and its ancestors, nearest first. */
  ancestors(id: number): Area[] {
    const out: Area[] = [];
    for (let a = this.area.get(id); a; a = a.parentId === null ? undefined : this.area.get(a.parentId)) out.push(a);
    return out;
  }
  inSubtree(id: number, rootCode: string) {
    return this.ancestors(id).some((a) => a.code === rootCode);
  }
  level(id: number, level: string): string | null {
    return this.ancestors(id).find((a) => LEVEL_KINDS[level]!.includes(a.kind))?.code ?? null;
  }
  mountain(id: number) {
    return this.ancestors(id).some((a) => a.mountain);
  }
  stage(p: Project): string {
    if (p.stages.some((s) => s.stage === 'CANCELLED')) return 'CANCELLED';
    return p.stages.reduce((best, s) => (STAGE_ORDER.indexOf(s.stage) > STAGE_ORDER.indexOf(best) ? s.stage : best), 'SIGNED');
  }

  projectMatches(p: Project, f: Record<string, any>): boolean {
    const pairing = p.pairingId === null ? undefined : this.pairing.get(p.pairingId);
    if (f.areaCodes && !f.areaCodes.some((c: string) => this.inSubtree(p.hostId, c))) return false;
    if (f.mountain !== undefined && this.mountain(p.hostId) !== f.mountain) return false;
    if (f.schemes && !(pairing && f.schemes.includes(pairing.scheme))) return false;
    if (f.pairingCodes && !(pairing && f.pairingCodes.includes(pairing.code))) return false;
    if (f.sectors && !f.sectors.includes(p.sector)) return false;
    if (f.stages && !f.stages.includes(this.stage(p))) return false;
    if (f.investorCreditCodes && !p.investorIds.some((id) => f.investorCreditCodes.includes(this.enterprise.get(id)!.creditCode))) return false;
    return true;
  }

  /** Key parts of one fact for the dimensions, one key per investor when grouped by investor. */
  keys(dims: string[], p: Project, day: string): string[] {
    let keys = [''];
    const [y, m] = [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
    for (const d of dims) {
      let parts: string[];
      const pairing = p.pairingId === null ? undefined : this.pairing.get(p.pairingId);
      if (d in LEVEL_KINDS) parts = [`area:${this.level(p.hostId, d)}`];
      else if (d === 'MOUNTAIN') parts = [`m:${this.mountain(p.hostId)}`];
      else if (d === 'SCHEME') parts = [`s:${pairing?.scheme ?? null}`];
      else if (d === 'PAIRING') parts = [`p:${pairing?.code ?? null}`];
      else if (d === 'INVESTOR') parts = p.investorIds.length ? p.investorIds.map((id) => `i:${this.enterprise.get(id)!.creditCode}`) : ['i:null'];
      else if (d === 'SECTOR') parts = [`sec:${p.sector}`];
      else if (d === 'YEAR') parts = [`y:${y}`];
      else if (d === 'QUARTER') parts = [`q:${y}-${Math.ceil(m / 3)}`];
      else parts = [`mo:${y}-${m}`];
      keys = keys.flatMap((k) => parts.map((part) => `${k}|${part}`));
    }
    return keys;
  }

  fundsLanded(f: Record<string, any>, bounds: Bounds, dims: string[]) {
    const total = { cents: 0n, projects: new Set<number>() };
    const groups = new Map<string, { cents: bigint; projects: Set<number> }>();
    for (const flow of this.reg.flows) {
      const p = this.reg.projects.find((x) => x.id === flow.projectId)!;
      if (flow.kind !== 'LANDED' || !within(flow.occurredOn, bounds) || !this.projectMatches(p, f)) continue;
      total.cents += cents(flow.amount);
      total.projects.add(p.id);
      if (!dims.length) continue;
      for (const key of this.keys(dims, p, flow.occurredOn)) {
        const g = groups.get(key) ?? { cents: 0n, projects: new Set<number>() };
        g.cents += cents(flow.amount);
        g.projects.add(p.id);
        groups.set(key, g);
      }
    }
    const shape = (g: { cents: bigint; projects: Set<number> }) => ({ total: yuan(g.cents), projectCount: g.projects.size });
    return { ...shape(total), yi: fmt(total.cents, 10), groups: [...groups].map(([key, g]) => ({ key, ...shape(g) })).sort(byKey) };
  }

  /** Whether a project counts in project tiers: cancelled ones only with includeCancelled, or when the filter asks for that stage. */
  tierCounts(p: Project, f: Record<string, any> | null | undefined): boolean {
    return f?.includeCancelled === true || (f?.stages ?? []).includes('CANCELLED') || !p.stages.some((s) => s.stage === 'CANCELLED');
  }

  projectTiers(f: Record<string, any>, signed: Bounds, landed: Bounds | null, dims: string[]) {
    const facts = this.reg.projects.filter(
      (p) =>
        within(p.signedOn, signed) &&
        this.projectMatches(p, f) &&
        this.tierCounts(p, f) &&
        (!landed || p.stages.some((s) => s.stage === 'LANDED' && within(s.reachedOn, landed))),
    );
    const measure = (list: Project[]) => this.tierMeasure(list);
    const groups = new Map<string, Project[]>();
    if (dims.length) for (const p of facts) for (const key of this.keys(dims, p, p.signedOn)) groups.set(key, [...(groups.get(key) ?? []), p]);
    return { ...measure(facts), groups: [...groups].map(([key, list]) => ({ key, ...measure(list) })).sort(byKey) };
  }

  tierMeasure(list: Project[]) {
    const sum = (ps: Project[]) => yuan(ps.reduce((s, p) => s + cents(p.signedAmount), 0n));
    return {
      projectCount: list.length,
      signedAmount: sum(list),
      tiers: TIERS.map(([tier, at]) => {
        const over = list.filter((p) => cents(p.signedAmount) >= at);
        return { tier, projectCount: over.length, signedAmount: sum(over) };
      }),
    };
  }

  villagesIn(f: Record<string, any>): Area[] {
    return this.reg.areas.filter(
      (a) =>
        (a.kind === 'VILLAGE' || a.kind === 'COMMUNITY') &&
        (!f.areaCodes || f.areaCodes.some((c: string) => this.inSubtree(a.id, c))) &&
        (!f.villageCodes || f.villageCodes.includes(a.code)) &&
        (!f.kinds || f.kinds.includes(a.kind)) &&
        (!f.scenicGrades || f.scenicGrades.includes(a.scenicGrade)) &&
        (f.mountain === undefined || this.mountain(a.id) === f.mountain),
    );
  }

  income(villages: Area[], year: number) {
    const figure = (v: Area, y: number) => {
      const row = this.reg.incomes.find((i) => i.villageId === v.id && i.year === y);
      return row ? cents(row.operatingIncome) : undefined;
    };
    let [total, previous, change, comparablePrev, reporting, previousReporting, comparable] = [0n, 0n, 0n, 0n, 0, 0, 0];
    const missingCurrent: string[] = [];
    const missingPrevious: string[] = [];
    for (const v of [...villages].sort((a, b) => (a.code < b.code ? -1 : 1))) {
      const [cur, prev] = [figure(v, year), figure(v, year - 1)];
      if (cur === undefined) missingCurrent.push(v.code);
      else [total, reporting] = [total + cur, reporting + 1];
      if (prev === undefined) missingPrevious.push(v.code);
      else [previous, previousReporting] = [previous + prev, previousReporting + 1];
      if (cur !== undefined && prev !== undefined) [change, comparablePrev, comparable] = [change + cur - prev, comparablePrev + prev, comparable + 1];
    }
    const rate = (scale: bigint) => (comparable === 0 || comparablePrev === 0n ? null : roundDiv(change * 10n ** scale, comparablePrev));
    const pct = rate(5n);
    const fraction = rate(4n);
    return {
      total: yuan(total),
      previousTotal: yuan(previous),
      change: comparable ? yuan(change) : null,
      growthRate: fraction === null ? null : fmt(fraction, 4),
      pct: pct === null ? null : fmt(pct, 3),
      villagesInScope: villages.length,
      villageCount: reporting,
      previousVillageCount: previousReporting,
      comparableVillageCount: comparable,
      average: reporting ? fmt(roundDiv(total, BigInt(reporting)), 2) : null,
      averageWan: reporting ? fmt(roundDiv(total, 10000n * BigInt(reporting)), 2) : null,
      complete: comparable === villages.length,
      missingCurrent: missingCurrent.map((code) => ({ code })),
      missingPrevious: missingPrevious.map((code) => ({ code })),
      // for order checks
      _change: change,
      _comparablePrev: comparablePrev,
    };
  }
}

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** The key string of an API group, built like Model.keys. */
function apiKey(dims: string[], g: any): string {
  return dims
    .map((d) => {
      if (d in LEVEL_KINDS) return `area:${g.area?.code ?? null}`;
      if (d === 'MOUNTAIN') return `m:${g.mountain}`;
      if (d === 'SCHEME') return `s:${g.scheme}`;
      if (d === 'PAIRING') return `p:${g.pairing?.code ?? null}`;
      if (d === 'INVESTOR') return `i:${g.investor?.creditCode ?? null}`;
      if (d === 'SECTOR') return `sec:${g.sector}`;
      if (d === 'YEAR') return `y:${g.year}`;
      if (d === 'QUARTER') return `q:${g.quarter.year}-${g.quarter.quarter}`;
      return `mo:${g.month.year}-${g.month.month}`;
    })
    .map((part) => `|${part}`)
    .join('');
}

// ---------- random requests ----------
const DIMS = ['PLATFORM', 'TOWN', 'VILLAGE', 'MOUNTAIN', 'SCHEME', 'PAIRING', 'INVESTOR', 'SECTOR', 'YEAR', 'QUARTER', 'MONTH'];

function randomDims(r: Rand, all: string[]): string[] {
  const dims: string[] = [];
  for (let i = int(r, 0, 3); i > 0; i--) {
    const d = pick(r, all);
    if (dims.includes(d) || (d in LEVEL_KINDS && dims.some((x) => x in LEVEL_KINDS))) continue;
    dims.push(d);
  }
  return dims;
}

function randomScope(r: Rand, reg: Registry): Record<string, any> {
  const f: Record<string, any> = {};
  if (chance(r, 0.3))
    f.areaCodes = subset(
      r,
      reg.areas.map((a) => a.code),
      2,
    );
  if (chance(r, 0.2)) f.mountain = chance(r, 0.5);
  if (chance(r, 0.2)) f.schemes = subset(r, SCHEMES, 2);
  if (chance(r, 0.15) && reg.pairings.length)
    f.pairingCodes = subset(
      r,
      reg.pairings.map((p) => p.code),
      2,
    );
  if (chance(r, 0.2)) f.sectors = chance(r, 0.2) ? ['no-such-sector'] : subset(r, SECTORS, 2);
  if (chance(r, 0.2)) f.stages = subset(r, STAGES, 2);
  if (chance(r, 0.15) && reg.enterprises.length)
    f.investorCreditCodes = subset(
      r,
      reg.enterprises.map((e) => e.creditCode),
      2,
    );
  return f;
}

const GROUP_KEYS = `area { code } mountain scheme pairing { code } investor { creditCode } sector year quarter { year quarter } month { year month }`;
const FUNDS = `query($f: FundsLandedFilter, $g: [FundsLandedGrouping!]) { fundsLanded(filter: $f, groupBy: $g) {
  total projectCount yi: total(unit: YI) groups { ${GROUP_KEYS} total projectCount } } }`;
const TIER_FIELDS = `projectCount signedAmount tiers { tier projectCount signedAmount }`;
const TIERS_QUERY = `query($f: ProjectTiersFilter, $g: [ProjectTiersGrouping!]) { projectTiers(filter: $f, groupBy: $g) { ${TIER_FIELDS} groups { ${GROUP_KEYS} ${TIER_FIELDS} } } }`;
const INCOME_FIELDS = `total previousTotal change growthRate pct: growthRate(asPercent: true, scale: 3) villagesInScope villageCount previousVillageCount
  comparableVillageCount average averageWan: average(unit: WAN, scale: 2) complete missingCurrent { code } missingPrevious { code }`;
const INCOME_QUERY = `query($y: Int!, $f: CollectiveIncomeSummaryFilter, $g: [CollectiveIncomeGrouping!], $o: CollectiveIncomeGroupOrder!) {
  collectiveIncome(year: $y, filter: $f, groupBy: $g, orderBy: $o) { ${INCOME_FIELDS} groups { area { code } mountain ${INCOME_FIELDS} } } }`;
const SHORTCUTS = `query($p: PeriodInput, $y: Int!, $tf: ProjectTiersFilter) {
  areas(first: 100) { nodes { code fundsLanded(period: $p) { total projectCount } collectiveIncome(year: $y) { ${INCOME_FIELDS} } } }
  pairings(first: 100) { nodes { code fundsLanded(period: $p) { total projectCount } } }
  enterprises(first: 100) { nodes { creditCode projectTiers(filter: $tf) { ${TIER_FIELDS} } } } }`;

const strip = <T extends Record<string, any>>(o: T) => Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith('_')));

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
  console.log(`aggregates cross-check seed: AGG_SEED=${SEED}`);
});
afterAll(async () => api?.close());

describe(`aggregates against plain arithmetic on random registries (AGG_SEED=${SEED})`, () => {
  for (let round = 0; round < ROUNDS; round++) {
    it(`agrees on registry ${round + 1} of ${ROUNDS}`, async () => {
      const r = mulberry32(SEED + round * 7919);
      const reg = generate(r);
      await truncateRegistry(api.orm);
      await insertRegistry(api.orm, reg);
      const model = new Model(reg);
      const where = (what: string, vars: unknown) => `seed ${SEED} round ${round + 1}: ${what} ${JSON.stringify(vars)}`;

      for (let i = 0; i < 25; i++) {
        const f = randomScope(r, reg);
        const period = randomPeriod(r);
        if (chance(r, 0.7)) f.period = period.input;
        const dims = randomDims(r, DIMS);
        const vars = { f, g: dims };
        const res = await api.data(FUNDS, vars);
        const expected = model.fundsLanded(f, f.period ? period.bounds : { from: null, to: null }, dims);
        const actual = {
          ...res.fundsLanded,
          groups: res.fundsLanded.groups.map((g: any) => ({ key: apiKey(dims, g), total: g.total, projectCount: g.projectCount })).sort(byKey),
        };
        expect(actual, where('fundsLanded', vars)).toEqual(expected);
      }

      for (let i = 0; i < 25; i++) {
        const f = randomScope(r, reg);
        const signed = randomPeriod(r);
        const landed = randomPeriod(r);
        if (chance(r, 0.5)) f.signed = signed.input;
        if (chance(r, 0.4)) f.landed = landed.input;
        if (chance(r, 0.3)) f.includeCancelled = chance(r, 0.7);
        const dims = randomDims(r, DIMS);
        const vars = { f, g: dims };
        const res = await api.data(TIERS_QUERY, vars);
        const expected = model.projectTiers(f, f.signed ? signed.bounds : { from: null, to: null }, f.landed ? landed.bounds : null, dims);
        const actual = {
          ...res.projectTiers,
          groups: res.projectTiers.groups
            .map((g: any) => ({ key: apiKey(dims, g), projectCount: g.projectCount, signedAmount: g.signedAmount, tiers: g.tiers }))
            .sort(byKey),
        };
        expect(actual, where('projectTiers', vars)).toEqual(expected);
      }

      const checkIncome = async (vars: { y: number; f: Record<string, any>; g: string[]; o: string }) => {
        const res = (await api.data(INCOME_QUERY, vars)).collectiveIncome;
        const villages = model.villagesIn(vars.f);
        const { groups, ...overall } = res;
        expect(overall, where('collectiveIncome', vars)).toEqual(strip(model.income(villages, vars.y)));
        const expectedGroups = new Map<string, Registry['areas']>();
        for (const v of villages) {
          const key = vars.g.map((d) => (d === 'MOUNTAIN' ? `|m:${model.mountain(v.id)}` : `|area:${model.level(v.id, d)}`)).join('');
          if (vars.g.length) expectedGroups.set(key, [...(expectedGroups.get(key) ?? []), v]);
        }
        const expected = [...expectedGroups].map(([key, list]) => ({ key, ...model.income(list, vars.y) }));
        const actual = groups.map((g: any) => {
          const { area, mountain, ...rest } = g;
          return { key: apiKey(vars.g, { area, mountain }), ...rest };
        });
        expect([...actual].sort(byKey), where('collectiveIncome groups', vars)).toEqual(expected.map(strip).sort(byKey as never));
        checkIncomeOrder(vars.o, vars.g, actual, new Map(expected.map((e) => [e.key, e])), where('order', vars));
        return actual.length;
      };
      const villageCodes = reg.areas.filter((a) => a.kind === 'VILLAGE' || a.kind === 'COMMUNITY').map((a) => a.code);
      for (let i = 0; i < 20; i++) {
        const f: Record<string, any> = {};
        if (chance(r, 0.3))
          f.areaCodes = subset(
            r,
            reg.areas.map((a) => a.code),
            2,
          );
        if (chance(r, 0.2) && villageCodes.length) f.villageCodes = subset(r, villageCodes, 3);
        if (chance(r, 0.2)) f.kinds = subset(r, ['VILLAGE', 'COMMUNITY']);
        if (chance(r, 0.2)) f.scenicGrades = subset(r, ['NONE', 'GRADE_2A', 'GRADE_3A'], 2);
        if (chance(r, 0.2)) f.mountain = chance(r, 0.5);
        const dims = randomDims(r, ['PLATFORM', 'TOWN', 'VILLAGE', 'MOUNTAIN']);
        await checkIncome({ y: int(r, 2019, 2025), f, g: dims, o: pick(r, ['KEY', 'TOTAL_DESC', 'CHANGE_DESC', 'GROWTH_DESC']) });
      }
      // Every order over single villages and over towns, where most groups have a value to order by.
      for (const o of ['KEY', 'TOTAL_DESC', 'CHANGE_DESC', 'GROWTH_DESC']) {
        for (const g of [['VILLAGE'], ['TOWN', 'MOUNTAIN']]) await checkIncome({ y: int(r, 2020, 2023), f: {}, g, o });
      }

      for (let i = 0; i < 3; i++) {
        const period = randomPeriod(r);
        const tf = randomScope(r, reg);
        if (chance(r, 0.5)) tf.signed = randomPeriod(r).input;
        const vars = { p: period.input, y: int(r, 2019, 2024), tf };
        const res = await api.data(SHORTCUTS, vars);
        const signedBounds = tf.signed ? (periodBoundsOf(tf.signed) as Bounds) : { from: null, to: null };
        const expectedAreas = reg.areas
          .map((a) => ({
            code: a.code,
            fundsLanded: strip(model.fundsLanded({ areaCodes: [a.code] }, period.bounds, [])) as any,
            collectiveIncome: strip(model.income(model.villagesIn({ areaCodes: [a.code] }), vars.y)),
          }))
          .map((a) => ({ ...a, fundsLanded: { total: a.fundsLanded.total, projectCount: a.fundsLanded.projectCount } }))
          .sort((a, b) => (a.code < b.code ? -1 : 1));
        expect(res.areas.nodes, where('Area shortcuts', vars)).toEqual(expectedAreas);
        const expectedPairings = reg.pairings.map((p) => {
          const { total, projectCount } = model.fundsLanded({ pairingCodes: [p.code] }, period.bounds, []);
          return { code: p.code, fundsLanded: { total, projectCount } };
        });
        expect(res.pairings.nodes, where('Pairing shortcuts', vars)).toEqual(expectedPairings);
        const expectedEnterprises = [...reg.enterprises]
          .sort((a, b) => (a.creditCode < b.creditCode ? -1 : 1))
          .map((e) => {
            const own = reg.projects.filter(
              (p) => p.investorIds.includes(e.id) && within(p.signedOn, signedBounds) && model.projectMatches(p, tf) && model.tierCounts(p, tf),
            );
            return { creditCode: e.creditCode, projectTiers: model.tierMeasure(own) };
          });
        expect(res.enterprises.nodes, where('Enterprise shortcuts', vars)).toEqual(expectedEnterprises);
      }
    });
  }
});

/** Day bounds of a generated period input (as randomPeriod made them). */
function periodBoundsOf(p: Record<string, any>): Bounds {
  if (p.year === undefined) return { from: p.from ?? null, to: p.to ?? null };
  if (p.quarter) return { from: `${p.year}-${pad(p.quarter * 3 - 2)}-01`, to: lastDay(p.year, p.quarter * 3) };
  if (p.month) return { from: `${p.year}-${pad(p.month)}-01`, to: lastDay(p.year, p.month) };
  return { from: `${p.year}-01-01`, to: `${p.year}-12-31` };
}

/** Checks the API's group order: by the measure asked for (nulls last), ties and KEY by area code then mountain first. */
function checkIncomeOrder(
  order: string,
  dims: string[],
  actual: { key: string; total: string }[],
  expected: Map<string, { _change: bigint; _comparablePrev: bigint; comparableVillageCount: number; total: string }>,
  message: string,
) {
  const keyCompare = (a: string, b: string) => {
    const pa = a.split('|').slice(1);
    const pb = b.split('|').slice(1);
    for (let i = 0; i < dims.length; i++) {
      if (pa[i] === pb[i]) continue;
      if (dims[i] === 'MOUNTAIN') return pa[i] === 'm:true' ? -1 : 1;
      if (pa[i] === 'area:null') return 1;
      if (pb[i] === 'area:null') return -1;
      return pa[i]! < pb[i]! ? -1 : 1;
    }
    return 0;
  };
  // Each measure as a fraction n/d (null when absent), larger first.
  const measure = (key: string): [bigint, bigint] | null => {
    const e = expected.get(key)!;
    if (order === 'TOTAL_DESC') return [cents(e.total), 1n];
    if (order === 'CHANGE_DESC') return e.comparableVillageCount ? [e._change, 1n] : null;
    if (order === 'GROWTH_DESC') return e.comparableVillageCount && e._comparablePrev !== 0n ? [e._change, e._comparablePrev] : null;
    return [0n, 1n];
  };
  for (let i = 1; i < actual.length; i++) {
    const [a, b] = [actual[i - 1]!.key, actual[i]!.key];
    const [ma, mb] = [measure(a), measure(b)];
    let cmp: number;
    if (ma === null || mb === null) cmp = ma === null && mb === null ? 0 : ma === null ? 1 : -1;
    else cmp = Math.sign(Number(mb[0] * ma[1] - ma[0] * mb[1]));
    if (cmp === 0) cmp = keyCompare(a, b);
    expect(cmp, `${message}: ${a} before ${b}`).toBeLessThanOrEqual(0);
  }
}
