import { validateCreditCode } from '../enterprise/credit-code.js';
import { checkStages } from '../project/stages.js';
import { Stage } from '../project/project.enums.js';
import { ProblemList } from '../common/errors.js';
import { addYuan, compareYuan } from '../common/decimal.js';
import type { ParsedSheet, SheetRow } from './parse/rows.js';
import type { ProblemLog } from './problems.js';
import { checkIndicatorSheets } from './check-indicators.js';
import { amountProblem, referenceProblem } from '../fund-flow/fund-flow.rules.js';
import { partyRuleProblem, type PartyFacts } from '../pairing/pairing.rules.js';

/** What the database already holds for the natural keys a file refers to. */
export interface Existing {
  areas: Map<string, { kind: string; mountain: boolean }>;
  enterprises: Map<string, { ownership: string }>;
  pairings: Set<string>;
  projects: Map<string, { signedOn: string }>;
  /** Stages already recorded, by project code. */
  stages: Map<string, { stage: Stage; reachedOn: string }[]>;
  /** Programme codes already in the registry (src/import/check-indicators.ts). */
  programmes?: Set<string>;
  /** Indicators already in the registry, by code. */
  indicators?: Map<string, { unit: string; measure: string; parent: string | null }>;
}

/** Natural keys a file refers to, by kind, for looking up what already exists. */
export function referencedKeys(sheets: ParsedSheet[]): { areas: Set<string>; enterprises: Set<string>; pairings: Set<string>; projects: Set<string> } {
  const keys = { areas: new Set<string>(), enterprises: new Set<string>(), pairings: new Set<string>(), projects: new Set<string>() };
  const add = (set: Set<string>, v: unknown) => {
    if (typeof v === 'string' && v) set.add(v);
  };
  for (const { spec, rows } of sheets) {
    for (const { values: v } of rows) {
      for (const k of ['code', 'parent_code', 'lead_area_code', 'partner_area_code', 'host_area_code', 'village_code', 'area_code']) if ((spec.name === 'areas' || k !== 'code') && (k !== 'parent_code' || spec.name === 'areas')) add(keys.areas, v[k]);
      for (const k of ['credit_code', 'lead_credit_code', 'partner_credit_code', 'host_credit_code']) add(keys.enterprises, v[k]);
      for (const c of (v.investor_credit_codes as string[] | null) ?? []) add(keys.enterprises, c);
      add(keys.pairings, spec.name === 'pairings' ? v.code : v.pairing_code);
      add(keys.projects, spec.name === 'projects' ? v.code : v.project_code);
    }
  }
  return keys;
}

const PARENT_KINDS: Record<string, string[]> = { DISTRICT: [], PLATFORM: ['DISTRICT'], TOWN: ['DISTRICT'], VILLAGE: ['TOWN', 'PLATFORM'], COMMUNITY: ['TOWN', 'PLATFORM'] };
const HOST_KINDS = ['PLATFORM', 'TOWN', 'VILLAGE', 'COMMUNITY'];
const VILLAGE_KINDS = ['VILLAGE', 'COMMUNITY'];

/**
 * Checks rules that span cells, rows, sheets and the database: duplicate keys, references
 * (to rows in this file, earlier or later, or to the database) and the domain rules.
 * Marks broken rows invalid and logs each problem.
 */
export function checkSheets(sheets: ParsedSheet[], existing: Existing, log: ProblemLog): void {
  const sheet = (name: string) => sheets.find((s) => s.spec.name === name)?.rows ?? [];
  const fail = (row: SheetRow, key: string | null, value: unknown, rule: string) => {
    row.invalid = true;
    // The value as the cell held it (7.1亿, 2023/3/15, a lower-case code), not as it was converted.
    const shown = key && value === row.values[key] ? row.raw?.[key] : undefined;
    log.add({ severity: 'error', file: row.file, sheet: row.sheet, row: row.row, column: key ? (row.headers[key] ?? key) : null, value: shown ?? (value === null || value === undefined ? null : String(value)), rule });
  };

  // Duplicate natural keys within the file.
  const fileRows = new Map<string, Map<string, SheetRow>>();
  for (const { spec, rows } of sheets) {
    const seen = new Map<string, SheetRow>();
    for (const row of rows) {
      if (spec.key.some((k) => row.values[k] === null || row.values[k] === undefined)) continue;
      const key = spec.key.map((k) => String(row.values[k])).join('|');
      const first = seen.get(key);
      if (first) fail(row, spec.key[spec.key.length - 1], key.replace(/\|/g, ' / '), `duplicate key: already in ${first.sheet} row ${first.row}`);
      else seen.set(key, row);
    }
    fileRows.set(spec.name, seen);
  }
  const inFile = (name: string, key: string) => fileRows.get(name)?.get(key);
  const area = (code: string) => {
    const row = inFile('areas', code);
    if (row) return { kind: String(row.values.kind ?? existing.areas.get(code)?.kind), mountain: Boolean(row.values.mountain ?? existing.areas.get(code)?.mountain) };
    return existing.areas.get(code);
  };
  const enterprise = (code: string) => {
    const row = inFile('enterprises', code);
    return row ? { ownership: String(row.values.ownership ?? existing.enterprises.get(code)?.ownership) } : existing.enterprises.get(code);
  };
  const refArea = (row: SheetRow, key: string, kinds?: string[]) => {
    const code = row.values[key] as string | null;
    if (!code) return undefined;
    const a = area(code);
    if (!a) fail(row, key, code, `no area has code ${code} (not in the areas sheet or the registry)`);
    else if (kinds && !kinds.includes(a.kind)) fail(row, key, code, `must be a ${kinds.join(' or ')}, but area ${code} is a ${a.kind}`);
    return a;
  };
  const refEnterprise = (row: SheetRow, key: string, code: string | null = row.values[key] as string | null) => {
    if (!code) return undefined;
    const e = enterprise(code);
    if (!e) fail(row, key, code, `no enterprise has credit code ${code} (not in the enterprises sheet or the registry)`);
    return e;
  };

  for (const row of sheet('areas')) {
    const v = row.values;
    if (!/^\d{6,12}$/.test(String(v.code ?? ''))) fail(row, 'code', v.code, 'must be a division code of 6 to 12 digits');
    const kind = v.kind as string;
    if (!kind) continue;
    if (v.parent_code) {
      const parent = refArea(row, 'parent_code');
      if (parent && !PARENT_KINDS[kind].includes(parent.kind)) fail(row, 'parent_code', v.parent_code, PARENT_KINDS[kind].length ? `a ${kind} must be under a ${PARENT_KINDS[kind].join(' or ')}, not a ${parent.kind}` : 'the district has no parent');
    } else if (kind !== 'DISTRICT') fail(row, 'parent_code', null, `is required for a ${kind}`);
    if (v.mountain === true && kind !== 'TOWN') fail(row, 'mountain', '是', 'only a town can be a mountain town');
    if (v.scenic_grade && v.scenic_grade !== 'NONE' && !VILLAGE_KINDS.includes(kind)) fail(row, 'scenic_grade', v.scenic_grade, 'only a village or community has a scenic grade');
  }

  for (const row of sheet('enterprises')) {
    const rule = validateCreditCode(String(row.values.credit_code ?? ''));
    if (rule) fail(row, 'credit_code', row.values.credit_code, `credit code ${rule}`);
    for (const tag of (row.values.tags as string[] | null) ?? []) if (tag.length > 50) fail(row, 'tags', tag, 'a tag has at most 50 characters');
    if (((row.values.tags as string[] | null) ?? []).length > 20) fail(row, 'tags', null, 'at most 20 tags');
  }

  for (const row of sheet('pairings')) {
    const v = row.values;
    const sides = (side: 'lead' | 'partner') => {
      const a = v[`${side}_area_code`];
      const e = v[`${side}_credit_code`];
      if (a && e) fail(row, `${side}_credit_code`, e, `give either ${side}_area_code or ${side}_credit_code, not both`);
      if (!a && !e) fail(row, `${side}_area_code`, null, `the ${side} party is required (an area code or a credit code)`);
      return { area: a ? refArea(row, `${side}_area_code`) : undefined, enterprise: e ? refEnterprise(row, `${side}_credit_code`) : undefined };
    };
    const lead = sides('lead');
    const partner = sides('partner');
    if (v.lead_area_code && v.lead_area_code === v.partner_area_code) fail(row, 'partner_area_code', v.partner_area_code, 'lead and partner must differ');
    if (v.lead_credit_code && v.lead_credit_code === v.partner_credit_code) fail(row, 'partner_credit_code', v.partner_credit_code, 'lead and partner must differ');
    // Who may take part under the scheme: the API's rule (src/pairing/pairing.rules.ts), on the column that names the party.
    for (const [name, side] of [['lead', lead], ['partner', partner]] as const) {
      const areaCode = v[`${name}_area_code`] as string | null;
      const creditCode = v[`${name}_credit_code`] as string | null;
      const facts: PartyFacts | undefined = side.area && areaCode
        ? { type: 'area', code: areaCode, kind: side.area.kind, mountain: side.area.mountain }
        : side.enterprise && creditCode
          ? { type: 'enterprise', creditCode, ownership: side.enterprise.ownership }
          : undefined;
      const problem = facts && v.scheme ? partyRuleProblem(String(v.scheme), name, facts) : null;
      if (problem) fail(row, facts!.type === 'area' ? `${name}_area_code` : `${name}_credit_code`, facts!.type === 'area' ? areaCode : creditCode, problem);
    }
    if (v.start_date && v.end_date && String(v.end_date) < String(v.start_date)) fail(row, 'end_date', v.end_date, `must not be before the start date ${v.start_date}`);
  }

  for (const row of sheet('projects')) {
    const v = row.values;
    refArea(row, 'host_area_code', HOST_KINDS);
    if (v.pairing_code && !inFile('pairings', String(v.pairing_code)) && !existing.pairings.has(String(v.pairing_code))) {
      fail(row, 'pairing_code', v.pairing_code, `no pairing has code ${v.pairing_code}`);
    }
    for (const code of (v.investor_credit_codes as string[] | null) ?? []) refEnterprise(row, 'investor_credit_codes', code);
    if (typeof v.signed_amount === 'string' && compareYuan(v.signed_amount, '0') < 0) fail(row, 'signed_amount', v.signed_amount, 'must not be negative');
  }

  const projectSignedOn = (code: string) => {
    const row = inFile('projects', code);
    return row ? (row.values.signed_on as string) : existing.projects.get(code)?.signedOn;
  };
  const stagesByProject = new Map<string, SheetRow[]>();
  for (const row of sheet('project_stages')) {
    const code = String(row.values.project_code ?? '');
    if (!projectSignedOn(code)) fail(row, 'project_code', code, `no project has code ${code}`);
    else stagesByProject.set(code, [...(stagesByProject.get(code) ?? []), row]);
  }
  for (const [code, rows] of stagesByProject) {
    const merged = new Map((existing.stages.get(code) ?? []).map((s) => [s.stage, s.reachedOn]));
    for (const r of rows) if (!r.invalid) merged.set(r.values.stage as Stage, r.values.reached_on as string);
    const signedOn = projectSignedOn(code)!;
    merged.set(Stage.SIGNED, merged.has(Stage.SIGNED) && rows.some((r) => r.values.stage === Stage.SIGNED) ? merged.get(Stage.SIGNED)! : signedOn);
    const p = new ProblemList();
    checkStages(p, 'stages', [...merged].map(([stage, reachedOn]) => ({ stage, reachedOn })), signedOn);
    for (const problem of p.problems) fail(rows[rows.length - 1], 'reached_on', null, `project ${code}: ${problem.rule}`);
  }

  for (const row of sheet('fund_flows')) {
    const code = String(row.values.project_code ?? '');
    if (!projectSignedOn(code)) fail(row, 'project_code', code, `no project has code ${code}`);
    const amount = typeof row.values.amount === 'string' ? amountProblem(row.values.amount) : null;
    if (amount) fail(row, 'amount', row.values.amount, amount);
    const reference = typeof row.values.reference === 'string' ? referenceProblem(row.values.reference) : null;
    if (reference) fail(row, 'reference', row.values.reference, reference);
  }

  for (const row of sheet('collective_incomes')) {
    const v = row.values;
    refArea(row, 'village_code', VILLAGE_KINDS);
    const year = v.year as number | null;
    if (year !== null && (year < 1949 || year > 2100)) fail(row, 'year', year, 'must be a year between 1949 and 2100');
    for (const k of ['operating_income', 'business_income', 'contracting_income', 'subsidy_income', 'other_income']) {
      if (typeof v[k] === 'string' && compareYuan(v[k] as string, '0') < 0) fail(row, k, v[k], 'must not be negative');
    }
    const parts = [v.business_income, v.contracting_income, v.investment_income];
    if (parts.every((x) => typeof x === 'string')) {
      const sum = (parts as string[]).reduce(addYuan);
      if (v.operating_income === null || v.operating_income === undefined) v.operating_income = sum;
      else if (compareYuan(v.operating_income as string, sum) !== 0) fail(row, 'operating_income', v.operating_income, `must equal 经营收入 + 发包及上交收入 + 投资收益 = ${sum}`);
    } else if (v.operating_income === null || v.operating_income === undefined) fail(row, 'operating_income', null, 'is required unless all three parts (经营收入, 发包及上交收入, 投资收益) are given');
  }

  for (const row of sheet('workshops')) {
    const v = row.values;
    refArea(row, 'village_code', VILLAGE_KINDS);
    refEnterprise(row, 'host_credit_code');
    const jobs = (v.jobs_created as number | null) ?? 0;
    const low = (v.low_income_jobs as number | null) ?? 0;
    if (jobs < 0) fail(row, 'jobs_created', jobs, 'must not be negative');
    if (low < 0) fail(row, 'low_income_jobs', low, 'must not be negative');
    if (low > jobs) fail(row, 'low_income_jobs', low, `must not exceed jobs created (${jobs})`);
    if (typeof v.income_gain_per_person === 'string' && compareYuan(v.income_gain_per_person, '0') < 0) fail(row, 'income_gain_per_person', v.income_gain_per_person, 'must not be negative');
  }

  checkIndicatorSheets(sheets, existing, fail, area);
}
