/**
 * The rules of indicator values, as plain functions over plain values: used by the mutations
 * (src/indicator/indicator-value.service.ts) and by the importer (src/import/check.ts) alike.
 */
import type { KindAccess } from '../auth/scope.js';
import { compareYuan, DecimalError, parseYuan } from '../common/decimal.js';
import { NAME_MAX, NOTE_MAX, type Problem as RuleProblem, SOURCE_MAX, text } from '../common/rules.js';
import { parsePeriod, type Period, PERIOD_RULE } from './period.js';

export const COUNT_UNITS = ['REN', 'MING', 'JIA', 'GE'];
export const QUALIFIER_OF_WORD: Record<string, 'AT_LEAST' | 'APPROXIMATELY'> = {
  余: 'AT_LEAST',
  超: 'AT_LEAST',
  以上: 'AT_LEAST',
  突破: 'AT_LEAST',
  约: 'APPROXIMATELY',
};
/** Largest value a numeric(24,2) column holds: below 10^22. */
const VALUE_DIGITS = 22;

/** One broken rule on one field of a value (field = the input or column key). */
export interface Problem {
  field: string;
  rule: string;
  value?: unknown;
}

/** What a value is checked against: its indicator's unit and measure. */
export interface IndicatorShape {
  code: string;
  unit: string;
  measure: string;
}

/** The period of a value: parsed, and of the kind its indicator's measure asks for. */
export function checkPeriod(problems: Problem[], field: string, text: string, indicator: IndicatorShape | undefined): Period | undefined {
  const p = parsePeriod(text);
  if (!p) {
    problems.push({ field, rule: PERIOD_RULE, value: text });
    return undefined;
  }
  if (indicator?.measure === 'STOCK' && p.kind !== 'DATE') {
    problems.push({
      field,
      rule: `indicator ${indicator.code} is a stock (累计, 截至): give the as-of date, e.g. ${p.end}, not a ${p.kind.toLowerCase()}`,
      value: text,
    });
    return undefined;
  }
  if (indicator?.measure === 'FLOW' && p.kind === 'DATE') {
    problems.push({ field, rule: `indicator ${indicator.code} is a flow over a period: give a year, quarter or month, not a date`, value: text });
    return undefined;
  }
  return p;
}

/** The value: an exact decimal (万/亿 suffixes allowed), at most 2 decimals, ≥ 0 except percentages, whole for counts. */
export function checkValue(problems: Problem[], field: string, raw: string, indicator: IndicatorShape | undefined): string | undefined {
  let v: string;
  try {
    v = parseYuan(raw);
  } catch (e) {
    if (!(e instanceof DecimalError)) throw e;
    problems.push({ field, rule: `must be an exact decimal number (e.g. 340, 22.39亿, 55.77): ${e.message}`, value: raw });
    return undefined;
  }
  const before = problems.length;
  if (v.replace(/^-/, '').split('.')[0]!.length > VALUE_DIGITS) problems.push({ field, rule: 'must be less than 10^22', value: raw });
  if (indicator && indicator.unit !== 'PERCENT' && compareYuan(v, '0') < 0)
    problems.push({ field, rule: `must be 0 or more for an indicator in ${indicator.unit}`, value: raw });
  if (indicator && COUNT_UNITS.includes(indicator.unit) && v.includes('.'))
    problems.push({ field, rule: `must be a whole number: indicator ${indicator.code} counts ${indicator.unit}`, value: raw });
  return problems.length === before ? v : undefined;
}

/**
 * The qualifier and its word: the word decides the qualifier when only the word is given
 * (余, 超, 以上, 突破 → AT_LEAST; 约 → APPROXIMATELY); EXACT has no word; AT_LEAST and
 * APPROXIMATELY need theirs, so the source's wording is never lost.
 */
export function checkQualifier(
  problems: Problem[],
  fields: { qualifier: string; word: string },
  qualifier: string | null | undefined,
  word: string | null | undefined,
): { qualifier: string; word: string | null } | undefined {
  const w = word?.trim() || null;
  if (w !== null && !QUALIFIER_OF_WORD[w]) {
    problems.push({ field: fields.word, rule: 'must be one of 余, 超, 以上, 突破 (at least) or 约 (approximately)', value: w });
    return undefined;
  }
  const q = qualifier ?? (w ? QUALIFIER_OF_WORD[w]! : 'EXACT');
  if (q === 'EXACT' && w) {
    problems.push({ field: fields.word, rule: `an EXACT value has no qualifier word; ${w} means ${QUALIFIER_OF_WORD[w]}`, value: w });
    return undefined;
  }
  if (q !== 'EXACT' && !w) {
    problems.push({ field: fields.word, rule: `is required for ${q}: the source's word (${q === 'AT_LEAST' ? '余, 超, 以上 or 突破' : '约'})` });
    return undefined;
  }
  if (w && QUALIFIER_OF_WORD[w] !== q) {
    problems.push({ field: fields.word, rule: `${w} means ${QUALIFIER_OF_WORD[w]}, not ${q}`, value: w });
    return undefined;
  }
  return { qualifier: q, word: w };
}

/** A derived value says how it was derived; a reported one does not. */
export function checkDerivation(problems: Problem[], fields: { derived: string; derivation: string }, derived: boolean, derivation: string | null): void {
  if (derived && !derivation) problems.push({ field: fields.derivation, rule: 'is required when the value is derived: say how (e.g. "405 ÷ (1 + 55.77%)")' });
  if (!derived && derivation) problems.push({ field: fields.derived, rule: 'must be true when a derivation is given', value: derived });
}

/** Named items: at most 50, each 1–100 characters. */
export function checkItems(problems: Problem[], field: string, items: readonly string[]): string[] | undefined {
  const out = items.map((s) => s.trim());
  const before = problems.length;
  if (out.length > 50) problems.push({ field, rule: 'at most 50 items' });
  for (const s of out) if (s.length === 0 || s.length > 100) problems.push({ field, rule: 'each item has 1 to 100 characters', value: s });
  return problems.length === before ? out : undefined;
}

/** Text fields of an indicator that are given. */
export function indicatorFieldRules(v: { nameZh?: string | null; nameEn?: string | null; note?: string | null; source?: string | null }): RuleProblem[] {
  const out: RuleProblem[] = [];
  if (typeof v.nameZh === 'string') text(out, 'nameZh', v.nameZh, NAME_MAX);
  if (typeof v.nameEn === 'string') text(out, 'nameEn', v.nameEn, NAME_MAX);
  if (typeof v.note === 'string' && v.note.trim() !== '') text(out, 'note', v.note, NOTE_MAX);
  if (typeof v.source === 'string') text(out, 'source', v.source, SOURCE_MAX);
  return out;
}

/** Who may write indicator values through the API (src/auth/scope.ts). */
export const INDICATOR_VALUE_ACCESS: KindAccess = { noun: 'indicator values', area: true, partner: false };

/** Who may write indicators through the API (src/auth/scope.ts). */
export const INDICATOR_ACCESS: KindAccess = { noun: 'indicators', area: false, partner: false };

/** Text fields of an indicator value that are given (a derivation says in at most 500 characters how). */
export function indicatorValueFieldRules(v: { source?: string | null; derivation?: string | null }): RuleProblem[] {
  const out: RuleProblem[] = [];
  if (typeof v.source === 'string') text(out, 'source', v.source, SOURCE_MAX);
  if (typeof v.derivation === 'string' && v.derivation.trim() !== '') text(out, 'derivation', v.derivation, SOURCE_MAX);
  return out;
}
