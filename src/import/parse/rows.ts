import path from 'node:path';
import type { RawSheet } from '../read/cells.js';
import type { ProblemLog } from '../problems.js';
import { SHEETS, type SheetSpec } from '../sheets.js';
import { README_SHEET } from '../template.js';
import { matchHeaders, normalizeHeader } from './headers.js';
import { isBlank, parseCell } from './values.js';

/** A parsed row: its values by column key, and where it came from. */
export interface SheetRow {
  file: string;
  sheet: string;
  row: number;
  values: Record<string, unknown>;
  /** Column keys the sheet has (so an update only touches what the file gives); shared by the sheet's rows. */
  given: ReadonlySet<string>;
  /** The header the user wrote for each column key, for messages; shared by the sheet's rows. */
  headers: Readonly<Record<string, string>>;
  /** Set when any cell of the row broke its rule: the row is not checked further. */
  invalid: boolean;
}

export interface ParsedSheet {
  spec: SheetSpec;
  rows: SheetRow[];
}

/** Finds the sheet spec for a sheet name, by English or Chinese name. */
export function sheetSpecFor(name: string): SheetSpec | undefined {
  const n = normalizeHeader(name);
  return SHEETS.find((s) => normalizeHeader(s.name) === n || normalizeHeader(s.zh) === n);
}

/** Reads headers and cells of every sheet by the format's rules, logging every problem. */
export function parseSheets(raw: RawSheet[], log: ProblemLog): ParsedSheet[] {
  const bySpec = new Map<SheetSpec, SheetRow[]>();
  for (const sheet of raw) {
    const file = path.basename(sheet.file);
    const spec = sheetSpecFor(sheet.name);
    if (!spec && sheet.name === README_SHEET) continue;
    if (!spec) {
      if (sheet.rows.length > 0 || sheet.headers.some(Boolean)) {
        log.add({ severity: 'warning', file, sheet: sheet.name, row: null, column: null, value: null, rule: `unknown sheet, ignored (expected one of ${SHEETS.map((s) => s.name).join(', ')})` });
      }
      continue;
    }
    const match = matchHeaders(spec, sheet.headers);
    for (const u of match.unknown) log.add({ severity: 'warning', file, sheet: sheet.name, row: sheet.headerRowNumber, column: u.header, value: null, rule: 'unknown column, ignored' });
    for (const d of match.duplicate) log.add({ severity: 'error', file, sheet: sheet.name, row: sheet.headerRowNumber, column: d.header, value: null, rule: 'the same column appears twice' });
    for (const m of match.missing) log.add({ severity: 'error', file, sheet: sheet.name, row: sheet.headerRowNumber, column: m.zh, value: null, rule: `required column is missing (${m.zh} or ${m.key})` });
    if (match.missing.length > 0 || match.duplicate.length > 0) continue;
    const rows = bySpec.get(spec) ?? [];
    bySpec.set(spec, rows);
    const given = new Set(match.columns.map((c) => c.spec.key));
    const headers = Object.fromEntries(match.columns.map((c) => [c.spec.key, c.header]));
    for (const raw of sheet.rows) {
      const row: SheetRow = { file, sheet: sheet.name, row: raw.rowNumber, values: {}, given, headers, invalid: false };
      for (const col of match.columns) {
        const cell = raw.cells[col.index];
        if (isBlank(cell)) {
          row.values[col.spec.key] = null;
          if (col.spec.required) {
            log.add({ severity: 'error', file, sheet: sheet.name, row: raw.rowNumber, column: col.header, value: '', rule: 'is required' });
            row.invalid = true;
          }
          continue;
        }
        const result = parseCell(col.spec, cell!, col.unit);
        if (result.ok) row.values[col.spec.key] = result.value;
        else {
          row.invalid = true;
          log.add({ severity: 'error', file, sheet: sheet.name, row: raw.rowNumber, column: col.header, value: cell!.text, rule: result.rule });
        }
      }
      rows.push(row);
    }
  }
  return SHEETS.filter((s) => bySpec.has(s)).map((spec) => ({ spec, rows: bySpec.get(spec)! }));
}
