/**
 * Independent checks of a seed: referential integrity and the rules the importer enforces, and the
 * acceptance figures F1–F11 recomputed from the rows alone (BigInt arithmetic, no floats), the way
 * the registry's aggregate queries define them.
 */
import { validateCreditCode } from '../../src/enterprise/credit-code.js';
import { SHEETS } from '../../src/import/sheets.js';
import type { AreaRow, Seed, StageKey } from './rows.js';
import { divRound, sum } from './util.js';

const YI = 100_000_000n;

// ---------------------------------------------------------------------------------------------
// Integrity

/** Throws with every broken rule listed. */
export function checkIntegrity(seed: Seed): void {
  const errors: string[] = [];
  const err = (m: string): void => {
    if (errors.length < 50) errors.push(m);
  };

  // natural keys unique, required columns filled, money within the safe-integer range
  for (const spec of SHEETS) {
    const rows = seed[spec.name as keyof Seed] as unknown as Record<string, unknown>[];
    if (!rows) {
      err(`sheet ${spec.name} missing`);
      continue;
    }
    const seen = new Set<string>();
    rows.forEach((r, i) => {
      const k = spec.key.map((c) => String(r[c])).join('|');
      if (seen.has(k)) err(`${spec.name}: duplicate key ${k}`);
      seen.add(k);
      for (const c of spec.columns) {
        const v = r[c.key];
        if (c.required && (v === null || v === undefined || v === '')) err(`${spec.name}[${i}].${c.key} is required`);
        if (c.type === 'money' && v !== null && v !== undefined) {
          if (typeof v !== 'bigint') err(`${spec.name}[${i}].${c.key} must be a BigInt`);
          else if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) err(`${spec.name}[${i}].${c.key} out of range: ${v}`);
        }
        if (c.type === 'date' && v !== null && v !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(v)))
          err(`${spec.name}[${i}].${c.key} not ISO: ${String(v)}`);
        if (c.type === 'enum' && v !== null && v !== undefined && !(String(v) in c.values!)) err(`${spec.name}[${i}].${c.key} bad enum ${String(v)}`);
      }
      if ('source' in r && (typeof r.source !== 'string' || r.source.trim() === '')) err(`${spec.name}[${i}] has no source`);
    });
  }

  // areas: tree in sheet order, kinds, codes
  const areas = new Map<string, AreaRow>();
  const parentKinds: Record<string, string[]> = {
    DISTRICT: [],
    PLATFORM: ['DISTRICT'],
    TOWN: ['DISTRICT'],
    VILLAGE: ['TOWN', 'PLATFORM'],
    COMMUNITY: ['TOWN', 'PLATFORM'],
  };
  for (const a of seed.areas) {
    if (!/^\d{6,12}$/.test(a.code)) err(`area ${a.code}: code must be 6–12 digits`);
    if (a.kind === 'DISTRICT') {
      if (a.parent_code) err(`area ${a.code}: the district has no parent`);
    } else {
      const p = a.parent_code ? areas.get(a.parent_code) : undefined;
      if (!p) err(`area ${a.code}: parent ${a.parent_code} missing or later in the sheet`);
      else if (!parentKinds[a.kind]!.includes(p.kind)) err(`area ${a.code}: ${a.kind} under ${p.kind}`);
      if ((a.kind === 'VILLAGE' || a.kind === 'COMMUNITY') && !(a.code.length === 12 && a.code.startsWith(a.parent_code ?? '-')))
        err(`area ${a.code}: village code must be its town code + 3 digits`);
      if ((a.kind === 'TOWN' || a.kind === 'PLATFORM') && !(a.code.length === 9 && a.code.startsWith(a.parent_code ?? '-')))
        err(`area ${a.code}: town code must be the district code + 3 digits`);
    }
    if (a.mountain && a.kind !== 'TOWN') err(`area ${a.code}: only a town can be mountain`);
    if (a.scenic_grade && a.scenic_grade !== 'NONE' && a.kind !== 'VILLAGE' && a.kind !== 'COMMUNITY') err(`area ${a.code}: scenic grade on ${a.kind}`);
    areas.set(a.code, a);
  }

  const ent = new Map(seed.enterprises.map((e) => [e.credit_code, e]));
  for (const e of seed.enterprises) {
    const problem = validateCreditCode(e.credit_code);
    if (problem) err(`enterprise ${e.name}: credit code ${e.credit_code} ${problem}`);
    if (new Set(e.tags).size !== e.tags.length) err(`enterprise ${e.name}: duplicate tags`);
  }

  const pairings = new Map(seed.pairings.map((p) => [p.code, p]));
  for (const p of seed.pairings) {
    if ((p.lead_area_code === null) === (p.lead_credit_code === null)) err(`pairing ${p.code}: exactly one lead`);
    if ((p.partner_area_code === null) === (p.partner_credit_code === null)) err(`pairing ${p.code}: exactly one partner`);
    for (const c of [p.lead_area_code, p.partner_area_code]) if (c && !areas.has(c)) err(`pairing ${p.code}: no area ${c}`);
    for (const c of [p.lead_credit_code, p.partner_credit_code]) if (c && !ent.has(c)) err(`pairing ${p.code}: no enterprise ${c}`);
    if (p.end_date && p.end_date < p.start_date) err(`pairing ${p.code}: ends before it starts`);
    const leadArea = p.lead_area_code ? areas.get(p.lead_area_code) : undefined;
    const partnerArea = p.partner_area_code ? areas.get(p.partner_area_code) : undefined;
    const leadEnt = p.lead_credit_code ? ent.get(p.lead_credit_code) : undefined;
    if (p.scheme === 'CITY_MOUNTAIN' && !(leadArea?.kind === 'PLATFORM' && partnerArea?.kind === 'TOWN' && partnerArea.mountain))
      err(`pairing ${p.code}: 1+5 must be platform × mountain town`);
    if (p.scheme === 'SOE_TOWN' && !(leadEnt?.ownership === 'STATE_OWNED' && partnerArea?.kind === 'TOWN')) err(`pairing ${p.code}: 5+5 must be SOE × town`);
    if (p.scheme === 'ENTERPRISE_VILLAGE' && !(leadEnt && (partnerArea?.kind === 'VILLAGE' || partnerArea?.kind === 'COMMUNITY')))
      err(`pairing ${p.code}: 百企百社 must be enterprise × village`);
  }

  const projects = new Map(seed.projects.map((p) => [p.code, p]));
  for (const p of seed.projects) {
    const host = areas.get(p.host_area_code);
    if (!host || host.kind === 'DISTRICT') err(`project ${p.code}: host ${p.host_area_code} missing or the district`);
    if (p.pairing_code) {
      const pr = pairings.get(p.pairing_code);
      if (!pr) err(`project ${p.code}: no pairing ${p.pairing_code}`);
      else if (pr.start_date > p.signed_on) err(`project ${p.code}: signed before its pairing started`);
    }
    if (new Set(p.investor_credit_codes).size !== p.investor_credit_codes.length) err(`project ${p.code}: duplicate investor`);
    for (const c of p.investor_credit_codes) if (!ent.has(c)) err(`project ${p.code}: no enterprise ${c}`);
  }

  const order: StageKey[] = ['SIGNED', 'LANDED', 'STARTED', 'OPERATING'];
  const stagesOf = new Map<string, Map<StageKey, string>>();
  for (const s of seed.project_stages) {
    if (!projects.has(s.project_code)) err(`stage of unknown project ${s.project_code}`);
    const m = stagesOf.get(s.project_code) ?? new Map<StageKey, string>();
    m.set(s.stage, s.reached_on);
    stagesOf.set(s.project_code, m);
  }
  for (const p of seed.projects) {
    const m = stagesOf.get(p.code);
    if (!m || m.get('SIGNED') !== p.signed_on) {
      err(`project ${p.code}: SIGNED stage must be on ${p.signed_on}`);
      continue;
    }
    const dated = order.filter((s) => m.has(s)).map((s) => m.get(s)!);
    for (let i = 1; i < dated.length; i++) if (dated[i]! < dated[i - 1]!) err(`project ${p.code}: stage dates go backwards`);
    const c = m.get('CANCELLED');
    if (c && (c < p.signed_on || m.has('LANDED'))) err(`project ${p.code}: cancellation before signing, or after landing`);
  }

  const references = new Set<string>();
  for (const f of seed.fund_flows) {
    if (references.has(`${f.project_code}|${f.reference}`)) err(`flow ${f.project_code} ${f.reference}: reference used twice in the project`);
    references.add(`${f.project_code}|${f.reference}`);
    const p = projects.get(f.project_code);
    if (!p) {
      err(`flow of unknown project ${f.project_code}`);
      continue;
    }
    if (f.amount <= 0n) err(`flow ${f.project_code} ${f.occurred_on}: amount must be > 0`);
    if (f.occurred_on < p.signed_on) err(`flow ${f.project_code} ${f.occurred_on}: before signing`);
    if (f.kind === 'COMMITMENT' && f.occurred_on !== p.signed_on) err(`flow ${f.project_code}: commitment not on the signing date`);
    const landed = stagesOf.get(p.code)?.get('LANDED');
    if (f.kind === 'LANDED' && (!landed || f.occurred_on < landed)) err(`flow ${f.project_code} ${f.occurred_on}: landed money before the project landed`);
  }
  for (const p of seed.projects) {
    const landed = sum(seed.fund_flows.filter((f) => f.project_code === p.code && f.kind === 'LANDED').map((f) => f.amount));
    if (landed > p.signed_amount) err(`project ${p.code}: landed ${landed} exceeds signed ${p.signed_amount}`);
  }

  for (const r of seed.collective_incomes) {
    const v = areas.get(r.village_code);
    if (v?.kind !== 'VILLAGE') err(`income ${r.village_code}/${r.year}: not a village`);
    if (r.operating_income === null) err(`income ${r.village_code}/${r.year}: operating income missing`);
    const parts = [r.business_income, r.contracting_income, r.investment_income];
    if (parts.every((x) => x !== null) && sum(parts as bigint[]) !== r.operating_income) err(`income ${r.village_code}/${r.year}: parts do not add up`);
  }
  for (const w of seed.workshops) {
    const v = areas.get(w.village_code);
    if (v?.kind !== 'VILLAGE' && v?.kind !== 'COMMUNITY') err(`workshop ${w.name}: not at a village or community`);
    if (w.host_credit_code && !ent.has(w.host_credit_code)) err(`workshop ${w.name}: no enterprise ${w.host_credit_code}`);
    if (w.low_income_jobs < 0 || w.low_income_jobs > w.jobs_created) err(`workshop ${w.name}: low-income jobs out of range`);
  }
  if (errors.length) throw new Error(`seed integrity check failed:\n  ${errors.join('\n  ')}`);
}

// ---------------------------------------------------------------------------------------------
// Figures

export interface Figures {
  f1: number;
  f2: bigint;
  f2Projects: number;
  f2SameProjectsAsF1: boolean;
  /** F1/F2 per mountain town: town name → [projects landed 2022, landed funds 2022]. */
  byTown: [string, number, bigint][];
  f3y2022: bigint;
  f3y2021: bigint;
  f3GrowthPct: string;
  f3AllVillagesBothYears: boolean;
  f4: number;
  f5Jobs: number;
  f5GainWeighted: string;
  f6: bigint;
  f6Villages: string;
  f7: bigint;
  f7Villages: number;
  f7AllHave2022And2021: boolean;
  f7AvgYuan: string;
  f7AvgWan: bigint;
  f8: { yi1: number; yi10: number; yi50: number };
  f9: { yi1: number; yi10: number; yi50: number };
  f10: number;
  f10Partners: string;
  f10SoeTown: number;
  f10EnterpriseVillage: number;
  f11: number;
  f11Names: string[];
  /** Answers of plausible wrong queries, to show the filters matter. */
  distractors: Record<string, string>;
}

/** Formats `n / d` with `places` decimals, rounded half up (n, d ≥ 0). */
function decimal(n: bigint, d: bigint, places: number): string {
  const scale = 10n ** BigInt(places);
  const q = divRound(n * scale, d);
  const s = q.toString().padStart(places + 1, '0');
  return places ? `${s.slice(0, -places)}.${s.slice(-places)}` : s;
}

export function computeFigures(seed: Seed): Figures {
  const areas = new Map(seed.areas.map((a) => [a.code, a]));
  /** Whether `code` is `root` or under it. */
  const under = (code: string, root: string): boolean => {
    for (let c: string | null = code; c; c = areas.get(c)?.parent_code ?? null) if (c === root) return true;
    return false;
  };
  const mountainTowns = seed.areas.filter((a) => a.kind === 'TOWN' && a.mountain).map((a) => a.code);
  const inMountain = (code: string): boolean => mountainTowns.some((t) => under(code, t));
  const byName = (name: string): string => {
    const a = seed.areas.find((x) => x.name === name);
    if (!a) throw new Error(`no area named ${name}`);
    return a.code;
  };
  const district = seed.areas.find((a) => a.kind === 'DISTRICT')!.code;
  const wkc = byName('杭州未来科技城');
  const lz = byName('良渚新城');
  const luniao = byName('鸬鸟镇');
  const project = new Map(seed.projects.map((p) => [p.code, p]));
  const hostOf = (code: string): string => project.get(code)!.host_area_code;
  const year = (d: string): string => d.slice(0, 4);

  // F1: projects whose LANDED stage was reached in 2022, hosted in a mountain town's subtree
  const landed2022 = seed.project_stages.filter((s) => s.stage === 'LANDED' && year(s.reached_on) === '2022');
  const f1Set = new Set(landed2022.filter((s) => inMountain(hostOf(s.project_code))).map((s) => s.project_code));

  // F2: LANDED flows in 2022 of projects hosted there
  const f2Flows = seed.fund_flows.filter((f) => f.kind === 'LANDED' && year(f.occurred_on) === '2022' && inMountain(hostOf(f.project_code)));
  const f2Set = new Set(f2Flows.map((f) => f.project_code));

  // F3: operating income of the mountain towns' villages
  const villages = seed.areas.filter((a) => a.kind === 'VILLAGE');
  const mountainVillages = villages.filter((v) => inMountain(v.code)).map((v) => v.code);
  const incomeOf = (codes: string[], y: number): bigint =>
    sum(seed.collective_incomes.filter((r) => r.year === y && codes.includes(r.village_code)).map((r) => r.operating_income ?? 0n));
  const hasYear = (code: string, y: number): boolean => seed.collective_incomes.some((r) => r.village_code === code && r.year === y);
  const f3y2022 = incomeOf(mountainVillages, 2022);
  const f3y2021 = incomeOf(mountainVillages, 2021);

  // F4/F5: workshops in 鸬鸟's villages and community
  const lnWorkshops = seed.workshops.filter((w) => under(w.village_code, luniao));
  const jobs = lnWorkshops.reduce((a, w) => a + w.jobs_created, 0);
  const gainTimesJobs = sum(lnWorkshops.map((w) => (w.income_gain_per_person ?? 0n) * BigInt(w.jobs_created)));

  // F6: 鸬鸟's scenic villages, 2022 − 2021
  const lnScenic = villages.filter((v) => under(v.code, luniao) && v.scenic_grade && v.scenic_grade !== 'NONE');
  const lnScenicCodes = lnScenic.map((v) => v.code);
  const f6 = incomeOf(lnScenicCodes, 2022) - incomeOf(lnScenicCodes, 2021);
  const grades = lnScenic.reduce<Record<string, number>>((m, v) => ({ ...m, [v.scenic_grade!]: (m[v.scenic_grade!] ?? 0) + 1 }), {});

  // F7: all villages of the district, 2022
  const districtVillages = villages.filter((v) => under(v.code, district)).map((v) => v.code);
  const f7 = incomeOf(districtVillages, 2022);
  const n7 = BigInt(districtVillages.length);

  // F8/F9: tier summary of projects signed in 2023 Q1 per platform (cumulative thresholds)
  const tiers = (platform: string): Figures['f8'] => {
    const q1 = seed.projects.filter((p) => under(p.host_area_code, platform) && p.signed_on >= '2023-01-01' && p.signed_on <= '2023-03-31');
    return {
      yi1: q1.filter((p) => p.signed_amount >= YI).length,
      yi10: q1.filter((p) => p.signed_amount >= 10n * YI).length,
      yi50: q1.filter((p) => p.signed_amount >= 50n * YI).length,
    };
  };

  // F10: pairings
  const cm = seed.pairings.filter((p) => p.scheme === 'CITY_MOUNTAIN');
  const f10Partners = cm.filter((p) => p.lead_area_code === wkc).map((p) => areas.get(p.partner_area_code ?? '')?.name ?? '?');

  // F11: enterprises tagged 乡创
  const rural = seed.enterprises.filter((e) => e.tags.includes('乡创'));

  // distractors: the answers of queries that forget a filter
  const mountainLandedAnyYear = new Set(
    seed.project_stages.filter((s) => s.stage === 'LANDED' && inMountain(hostOf(s.project_code))).map((s) => s.project_code),
  );
  const landed2022Anywhere = new Set(landed2022.map((s) => s.project_code));
  const allFlows2022Mountain = sum(seed.fund_flows.filter((f) => year(f.occurred_on) === '2022' && inMountain(hostOf(f.project_code))).map((f) => f.amount));
  const landedFlowsMountainAnyYear = sum(seed.fund_flows.filter((f) => f.kind === 'LANDED' && inMountain(hostOf(f.project_code))).map((f) => f.amount));
  const landedFlows2022District = sum(seed.fund_flows.filter((f) => f.kind === 'LANDED' && year(f.occurred_on) === '2022').map((f) => f.amount));
  const totalIncome2022Mountain = sum(
    seed.collective_incomes
      .filter((r) => r.year === 2022 && mountainVillages.includes(r.village_code))
      .map((r) => (r.operating_income ?? 0n) + (r.subsidy_income ?? 0n) + (r.other_income ?? 0n)),
  );
  const wkcAllQuarters = seed.projects.filter((p) => p.host_area_code === wkc && p.signed_amount >= YI).length;
  const lzAllQuarters = seed.projects.filter((p) => p.host_area_code === lz && p.signed_amount >= YI).length;
  const wkcQ1All = seed.projects.filter((p) => p.host_area_code === wkc && p.signed_on >= '2023-01-01' && p.signed_on <= '2023-03-31').length;
  const wkcBands = (() => {
    const q1 = seed.projects.filter((p) => p.host_area_code === wkc && p.signed_on >= '2023-01-01' && p.signed_on <= '2023-03-31');
    const band = (lo: bigint, hi: bigint | null): number => q1.filter((p) => p.signed_amount >= lo && (hi === null || p.signed_amount < hi)).length;
    return `[1亿,10亿): ${band(YI, 10n * YI)}, [10亿,50亿): ${band(10n * YI, 50n * YI)}, ≥50亿: ${band(50n * YI, null)}`;
  })();
  const allYearsDistrict = sum(seed.collective_incomes.map((r) => r.operating_income ?? 0n));

  const byTown = mountainTowns.map((t): [string, number, bigint] => [
    areas.get(t)!.name,
    [...f1Set].filter((c) => under(hostOf(c), t)).length,
    sum(f2Flows.filter((f) => under(hostOf(f.project_code), t)).map((f) => f.amount)),
  ]);

  return {
    f1: f1Set.size,
    byTown,
    f2: sum(f2Flows.map((f) => f.amount)),
    f2Projects: f2Set.size,
    f2SameProjectsAsF1: f2Set.size === f1Set.size && [...f2Set].every((c) => f1Set.has(c)),
    f3y2022,
    f3y2021,
    f3GrowthPct: decimal((f3y2022 - f3y2021) * 100n, f3y2021, 2),
    f3AllVillagesBothYears: mountainVillages.every((c) => hasYear(c, 2021) && hasYear(c, 2022)),
    f4: lnWorkshops.length,
    f5Jobs: jobs,
    f5GainWeighted: decimal(gainTimesJobs, BigInt(jobs), 2),
    f6,
    f6Villages: `${lnScenic.length} (${Object.entries(grades)
      .sort()
      .map(([g, n]) => `${g}×${n}`)
      .join(', ')})`,
    f7,
    f7Villages: districtVillages.length,
    f7AllHave2022And2021: districtVillages.every((c) => hasYear(c, 2021) && hasYear(c, 2022)),
    f7AvgYuan: decimal(f7, n7, 1),
    f7AvgWan: divRound(f7, n7 * 10_000n),
    f8: tiers(wkc),
    f9: tiers(lz),
    f10: cm.filter((p) => p.lead_area_code === wkc).length,
    f10Partners: f10Partners.join('、'),
    f10SoeTown: seed.pairings.filter((p) => p.scheme === 'SOE_TOWN').length,
    f10EnterpriseVillage: seed.pairings.filter((p) => p.scheme === 'ENTERPRISE_VILLAGE').length,
    f11: rural.length,
    f11Names: rural.map((e) => e.name),
    distractors: {
      'F1 without the year filter (mountain, landed any year)': String(mountainLandedAnyYear.size),
      'F1 without the area filter (landed 2022 anywhere)': String(landed2022Anywhere.size),
      'F2 with commitments too (all 2022 flows, mountain)': allFlows2022Mountain.toString(),
      'F2 without the year filter (landed, any year, mountain)': landedFlowsMountainAnyYear.toString(),
      'F2 without the area filter (landed 2022, district)': landedFlows2022District.toString(),
      'F3 summing subsidies/other income too (2022)': totalIncome2022Mountain.toString(),
      'F7 without the year filter (all years, district)': allYearsDistrict.toString(),
      'F8 without the quarter filter (WKC ≥1亿, any date)': String(wkcAllQuarters),
      'F8 without the amount filter (WKC, Q1, any amount)': String(wkcQ1All),
      'F8 non-cumulative bands': wkcBands,
      'F9 without the quarter filter (LZ ≥1亿, any date)': String(lzAllQuarters),
    },
  };
}

/** Throws unless every figure matches the acceptance table. */
export function assertFigures(f: Figures): void {
  const want: [string, unknown, unknown][] = [
    ['F1 projects landed 2022 in the mountain towns', f.f1, 54],
    ['F2 landed funds 2022 in the mountain towns', f.f2, 710_000_000n],
    ['F2 projects with landed funds 2022 there', f.f2Projects, 54],
    ['F2 projects are F1 projects', f.f2SameProjectsAsF1, true],
    ['F3 mountain villages operating income 2022', f.f3y2022, 130_000_000n],
    ['F3 mountain villages operating income 2021', f.f3y2021, 115_000_000n],
    ['F3 growth %', f.f3GrowthPct, '13.04'],
    ['F3 every mountain village has 2021 and 2022', f.f3AllVillagesBothYears, true],
    ['F4 workshops in 鸬鸟镇', f.f4, 7],
    ['F5 jobs created', f.f5Jobs, 1256],
    ['F5 income gain per person (jobs-weighted)', f.f5GainWeighted, '15000.00'],
    ['F6 鸬鸟 scenic villages growth 2022', f.f6, 4_500_000n],
    ['F6 鸬鸟 scenic villages', f.f6Villages, '6 (GRADE_2A×3, GRADE_3A×3)'],
    ['F7 district villages operating income 2022', f.f7, 944_000_000n],
    ['F7 villages', f.f7Villages, 143],
    ['F7 every village has 2021 and 2022', f.f7AllHave2022And2021, true],
    ['F7 average per village (万, rounded)', f.f7AvgWan, 660n],
    ['F8 未来科技城 2023Q1 ≥1亿', f.f8.yi1, 25],
    ['F8 未来科技城 2023Q1 ≥10亿', f.f8.yi10, 5],
    ['F8 未来科技城 2023Q1 ≥50亿', f.f8.yi50, 1],
    ['F9 良渚新城 2023Q1 ≥1亿', f.f9.yi1, 60],
    ['F10 1+5 pairings of 未来科技城', f.f10, 5],
    ['F10 1+5 partners', f.f10Partners.split('、').sort().join('、'), ['径山镇', '瓶窑镇', '鸬鸟镇', '百丈镇', '黄湖镇'].sort().join('、')],
    ['F10 5+5 pairings', f.f10SoeTown, 5],
    ['F11 乡创 enterprises', f.f11, 15],
    ['F11 includes 未来村庄集团 and 小咖资本', ['未来村庄集团', '小咖资本'].every((n) => f.f11Names.includes(n)), true],
  ];
  const bad = want.filter(([, got, exp]) => got !== exp);
  if (bad.length) throw new Error(`seed figures are off:\n  ${bad.map(([n, got, exp]) => `${n}: got ${String(got)}, want ${String(exp)}`).join('\n  ')}`);
}
