import path from 'node:path';
import type { RawRow } from '../read/cells.js';
import type { ProblemLog } from '../problems.js';
import { README_SHEET, SHEETS, type SheetSpec } from '../sheets.js';
import { matchHeaders, normalizeHeader, type MatchedColumn } from './headers.js';
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

interface OpenSheet {
  spec: SheetSpec | undefined;
  columns: MatchedColumn[] | null;
  given: ReadonlySet<string>;
  headers: Record<string, string>;
}

/**
 * Turns raw rows into checked values as they are read (a file is never held raw in memory):
 * the first row of each sheet is matched to the format's columns, every later row parsed by
 * its columns' rules. Every problem goes to the log.
 */
export class SheetParser {
  private readonly open = new Map<string, OpenSheet>();
  private readonly rows = new Map<SheetSpec, SheetRow[]>();

  constructor(private readonly log: ProblemLog) {}

  /** A RowSink: call with every row of every sheet, header first. */
  readonly accept = (file: string, sheet: string, raw: RawRow): void => {
    const key = `${file}\u0000${sheet}`;
    const current = this.open.get(key);
    if (!current) this.open.set(key, this.header(path.basename(file), sheet, raw));
    else if (current.spec && current.columns) this.row(path.basename(file), sheet, current, raw);
  };

  private header(file: string, sheet: string, raw: RawRow): OpenSheet {
    const spec = sheetSpecFor(sheet);
    const none: OpenSheet = { spec, columns: null, given: new Set(), headers: {} };
    if (!spec) {
      if (sheet !== README_SHEET) {
        this.log.add({ severity: 'warning', file, sheet, row: null, column: null, value: null, rule: `unknown sheet, ignored (expected one of ${SHEETS.map((s) => s.name).join(', ')})` });
      }
      return none;
    }
    const match = matchHeaders(spec, Array.from(raw.cells, (c) => c?.text ?? ''));
    const problem = (severity: 'error' | 'warning', column: string, rule: string) => this.log.add({ severity, file, sheet, row: raw.rowNumber, column, value: null, rule });
    for (const u of match.unknown) problem('warning', u.header, 'unknown column, ignored');
    for (const d of match.duplicate) problem('error', d.header, 'the same column appears twice');
    for (const m of match.missing) problem('error', m.zh, `required column is missing (${m.zh} or ${m.key})`);
    if (match.missing.length > 0 || match.duplicate.length > 0) return none;
    if (!this.rows.has(spec)) this.rows.set(spec, []);
    return {
      spec,
      columns: match.columns,
      given: new Set(match.columns.map((c) => c.spec.key)),
      headers: Object.fromEntries(match.columns.map((c) => [c.spec.key, c.header])),
    };
  }

  private row(file: string, sheet: string, open: OpenSheet, raw: RawRow): void {
    const row: SheetRow = { file, sheet, row: raw.rowNumber, values: {}, given: open.given, headers: open.headers, invalid: false };
    for (const col of open.columns!) {
      const cell = raw.cells[col.index];
      if (isBlank(cell)) {
        row.values[col.spec.key] = null;
        if (col.spec.required) {
          this.log.add({ severity: 'error', file, sheet, row: raw.rowNumber, column: col.header, value: '', rule: 'is required' });
          row.invalid = true;
        }
        continue;
      }
      const result = parseCell(col.spec, cell!, col.unit);
      if (result.ok) row.values[col.spec.key] = result.value;
      else {
        row.invalid = true;
        this.log.add({ severity: 'error', file, sheet, row: raw.rowNumber, column: col.header, value: cell!.text.slice(0, 200), rule: result.rule });
      }
    }
    this.rows.get(open.spec!)!.push(row);
  }

  /** The parsed sheets, in the format's order. */
  sheets(): ParsedSheet[] {
    return SHEETS.filter((s) => this.rows.has(s)).map((spec) => ({ spec, rows: this.rows.get(spec)! }));
  }
}
