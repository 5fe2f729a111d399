import { columnOfRefusal, kindOfTable, pgRefusal, refusalRule, sheetColumnOf, varcharLength } from '../db/refusals.js';
import type { ParsedSheet, SheetRow } from './parse/rows.js';
import type { Problem } from './problems.js';

/** Values of a "Failing row contains (…)" or "Key (…)=(…)" detail, as comparable texts. */
function detailValues(detail: string | undefined): Set<string> {
  const m = /(?:Failing row contains|=)\s*\((.*)\)/s.exec(detail ?? '');
  return new Set((m?.[1] ?? '').split(', ').map(comparable));
}

/** A value as text that compares across "100", "100.00" and 100. */
function comparable(v: unknown): string {
  const s = String(v);
  return /^-?\d+(\.\d+)?$/.test(s) ? String(Number(s)) : s;
}

/**
 * The row of a sheet the refused database row came from: the one with the most of its plain values
 * in the detail (a trigger may have changed one); the only row when the detail names none (a key id).
 */
function rowOfDetail(rows: readonly SheetRow[], values: Set<string>, plain: string[]): SheetRow | undefined {
  let best: SheetRow | undefined;
  let most = 0;
  for (const row of rows) {
    const n = plain.map((k) => row.values[k]).filter((v) => v !== null && v !== undefined && !Array.isArray(v) && typeof v !== 'boolean' && values.has(comparable(v))).length;
    if (n > most) [best, most] = [row, n];
  }
  return best ?? (rows.length === 1 ? rows[0] : undefined);
}

/**
 * Turns a database refusal during the write into a problem located as the user sees the file:
 * the file, sheet, row, column and value it came from, and what the database refused. Undefined
 * for an error that is not a refusal (SQLSTATE class 22 or 23).
 */
export function locateRefusal(err: unknown, sheets: readonly ParsedSheet[], varchar: readonly { table: string; column: string }[] = []): Problem | undefined {
  const r = pgRefusal(err);
  if (!r) return undefined;
  const rule = refusalRule(r);
  if (r.code === '22001') {
    // "value too long for type character varying(64)" names neither table nor column: the first cell
    // longer than that in a column stored with that length (`varchar`: see varcharColumns).
    const max = varcharLength(r);
    for (const { table, column } of varchar) {
      const kind = kindOfTable(table);
      const col = kind && sheetColumnOf(kind, column);
      const rows = sheets.find((s) => s.spec.name === kind?.spec.name)?.rows ?? [];
      const row = col && rows.find((x) => typeof x.values[col.key] === 'string' && [...(x.values[col.key] as string)].length > max);
      if (row && col) return located(row, col.key, rule);
    }
  }
  const kind = kindOfTable(r.table);
  const sheet = kind && sheets.find((s) => s.spec.name === kind.spec.name);
  const column = columnOfRefusal(r, kind);
  if (!kind || !sheet) return { severity: 'error', file: '', sheet: '', row: null, column: null, value: null, rule };
  const plain = sheet.spec.columns.filter((c) => sheetColumnOf(kind, c.key) === c && !c.ref && c.type !== 'text').map((c) => c.key);
  const row = rowOfDetail(sheet.rows, detailValues(r.detail), plain);
  if (row) return located(row, column?.key ?? null, rule);
  const first = sheet.rows[0];
  return { severity: 'error', file: first?.file ?? '', sheet: first?.sheet ?? sheet.spec.name, row: null, column: column ? (first?.headers[column.key] ?? column.zh) : null, value: null, rule };
}

function located(row: SheetRow, key: string | null, rule: string): Problem {
  const value = key ? (row.raw?.[key] ?? row.values[key]) : null;
  return { severity: 'error', file: row.file, sheet: row.sheet, row: row.row, column: key ? (row.headers[key] ?? key) : null, value: value === null || value === undefined ? null : String(value), rule };
}
