import { checkDerivation, checkItems, checkPeriod, checkQualifier, checkValue, CODE_PATTERN, CODE_RULE, type IndicatorShape, type Problem } from '../indicator/indicator.rules.js';
import type { Existing } from './check.js';
import type { Sql } from './write/sql.js';
import type { ParsedSheet, SheetRow } from './parse/rows.js';

type Fail = (row: SheetRow, key: string | null, value: unknown, rule: string) => void;

/**
 * The rules of the programme and indicator sheets (the same rules as the mutations, from
 * src/indicator/indicator.rules.ts): codes, references to programmes, indicators and areas in the
 * file or the registry, periods of the kind the indicator's measure asks for, values, qualifier words
 * and derivations. Called by checkSheets after the other kinds.
 */
export function checkIndicatorSheets(sheets: ParsedSheet[], existing: Existing, fail: Fail, area: (code: string) => { kind: string } | undefined): void {
  const sheet = (name: string) => sheets.find((s) => s.spec.name === name)?.rows ?? [];
  const programmes = new Set([...(existing.programmes ?? []), ...sheet('programmes').map((r) => String(r.values.code ?? ''))]);
  const indicators = new Map<string, IndicatorShape & { parent: string | null }>();
  for (const [code, i] of existing.indicators ?? []) indicators.set(code, { code, ...i });
  for (const r of sheet('indicators')) {
    const code = String(r.values.code ?? '');
    if (code) indicators.set(code, { code, unit: String(r.values.unit), measure: String(r.values.measure), parent: (r.values.parent_code as string | null) ?? null });
  }
  const refArea = (row: SheetRow, key: string) => {
    const code = row.values[key] as string | null;
    if (code && !area(code)) fail(row, key, code, `no area has code ${code} (not in the areas sheet or the registry)`);
  };
  const refProgramme = (row: SheetRow, key: string) => {
    const code = row.values[key] as string | null;
    if (code && !programmes.has(code)) fail(row, key, code, `no programme has code ${code} (not in the programmes sheet or the registry)`);
  };
  const report = (row: SheetRow, problems: Problem[]) => {
    for (const p of problems) fail(row, p.field, p.value ?? null, p.rule);
  };

  for (const row of sheet('programmes')) {
    if (row.values.code && !CODE_PATTERN.test(String(row.values.code))) fail(row, 'code', row.values.code, CODE_RULE);
    refArea(row, 'lead_area_code');
  }
  for (const row of [...sheet('programme_documents'), ...sheet('programme_events'), ...sheet('pairings'), ...sheet('projects'), ...sheet('workshops')]) refProgramme(row, 'programme_code');

  for (const row of sheet('indicators')) {
    const v = row.values;
    if (v.code && !CODE_PATTERN.test(String(v.code))) fail(row, 'code', v.code, CODE_RULE);
    refProgramme(row, 'programme_code');
    const parentCode = v.parent_code as string | null;
    if (!parentCode) continue;
    const parent = indicators.get(parentCode);
    if (parentCode === v.code) fail(row, 'parent_code', parentCode, 'an indicator cannot be its own part');
    else if (!parent) fail(row, 'parent_code', parentCode, `no indicator has code ${parentCode} (not in the indicators sheet or the registry)`);
    else if (parent.parent) fail(row, 'parent_code', parentCode, `indicator ${parentCode} is itself a part of another: breakdowns have one level`);
    else if (v.unit && parent.unit !== v.unit) fail(row, 'parent_code', parentCode, `a part must have its whole's unit (${parent.unit}), not ${String(v.unit)}`);
  }

  for (const row of sheet('indicator_values')) {
    const v = row.values;
    const code = v.indicator_code as string | null;
    const indicator = code ? indicators.get(code) : undefined;
    if (code && !indicator) fail(row, 'indicator_code', code, `no indicator has code ${code} (not in the indicators sheet or the registry)`);
    refArea(row, 'area_code');
    const problems: Problem[] = [];
    if (v.period) {
      const p = checkPeriod(problems, 'period', String(v.period), indicator);
      if (p) v.period = p.text;
    }
    if (typeof v.value === 'string') checkValue(problems, 'value', v.value, indicator);
    checkQualifier(problems, { qualifier: 'qualifier_word', word: 'qualifier_word' }, undefined, v.qualifier_word as string | null);
    checkDerivation(problems, { derived: 'derived', derivation: 'derivation' }, v.derived === true, (v.derivation as string | null) ?? null);
    checkItems(problems, 'items', (v.items as string[] | null) ?? []);
    report(row, problems);
  }
}

/** Programme codes and indicators already in the registry (both small tables), for the checks above. */
export async function loadIndicatorKeys(sql: Sql): Promise<Pick<Existing, 'programmes' | 'indicators'>> {
  const programmes = await sql.query('select code from programme');
  const indicators = await sql.query('select i.code, i.unit, i.measure, p.code as parent from indicator i left join indicator p on p.id = i.parent_id');
  return {
    programmes: new Set(programmes.map((p) => String(p.code))),
    indicators: new Map(indicators.map((i) => [String(i.code), { unit: String(i.unit), measure: String(i.measure), parent: i.parent === null ? null : String(i.parent) }])),
  };
}
