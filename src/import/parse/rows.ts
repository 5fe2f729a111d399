import path from 'node:path';
import type { ProblemLog } from '../problems.js';
import type { RawRow } from '../read/cells.js';
import { SHEETS, type SheetSpec } from '../sheets.js';
import { type HeaderMatch, type MatchedColumn, matchHeaders, normalizeHeader } from './headers.js';
import { isInstructionsSheet } from './instructions.js';
import { cellDisplay, isBlank, parseCell } from './values.js';

/** A parsed row: its values by column key, and where it came from. */
export interface SheetRow {
  file: string;
  sheet: string;
  row: number;
  values: Record<string, unknown>;
  /**
   * The cells as the file held them (a date as Excel shows it, a number as written, text as
   * typed), for messages; only the cells whose value reads differently, so most rows have none.
   */
  raw?: Record<string, string>;
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

/** How one sheet (or CSV file) of the input was read, for the summary. */
export interface SheetSource {
  file: string;
  sheet: string;
  /** The record kind it holds; undefined for a skipped sheet. */
  kind?: string;
  /** Row (as Excel numbers it) where the header was found. */
  headerRow?: number;
  /** Non-empty rows above the header, skipped as titles. */
  titleRows: number;
  /** Data rows read. */
  rows: number;
  /** Why the sheet was not read: an instructions sheet, an unknown sheet, a broken header, or a second sheet of the same kind. */
  skipped?: 'instructions' | 'unknown' | 'header' | 'duplicate';
}

/** Finds the sheet spec for a sheet name, by English or Chinese name. */
export function sheetSpecFor(name: string, specs: readonly SheetSpec[] = SHEETS): SheetSpec | undefined {
  const n = normalizeHeader(name);
  return specs.find((s) => normalizeHeader(s.name) === n || normalizeHeader(s.zh) === n);
}

/**
 * Where parsed rows of some record kinds go instead of memory (the import's staging tables):
 * `takes` says which kinds, `put` receives each row and may hold the reading with a promise.
 */
export interface RowStash {
  takes(spec: SheetSpec): boolean;
  put(spec: SheetSpec, row: SheetRow): void | Promise<void>;
}

/** Rows searched for the header: title rows above it (a report title, a date line) are skipped. */
export const HEADER_SEARCH_ROWS = 10;

interface OpenSheet {
  spec: SheetSpec | undefined;
  source: SheetSource;
  /** Rows held while the header is being looked for (at most HEADER_SEARCH_ROWS). */
  pending: RawRow[] | null;
  columns: MatchedColumn[] | null;
  /** Index after the last header cell: a delimited row with fields beyond it lost a quote. */
  width: number;
  given: ReadonlySet<string>;
  headers: Record<string, string>;
}

const headerTexts = (raw: RawRow) => Array.from(raw.cells, (c) => c?.text ?? '');

/** A row is the header when every required column is there and it names at least two columns. */
const isHeader = (m: HeaderMatch) => m.missing.length === 0 && m.columns.length >= 2;

/**
 * Turns raw rows into checked values as they are read (a file is never held raw in memory):
 * the header of each sheet is found among its first rows and matched to the format's columns,
 * every later row parsed by its columns' rules. Every problem goes to the log.
 */
export class SheetParser {
  private readonly open = new Map<string, OpenSheet>();
  private readonly rows = new Map<SheetSpec, SheetRow[]>();
  /** Per file, the sheet already read for each record kind. */
  private readonly kindsInFile = new Map<string, Map<SheetSpec, string>>();
  readonly sources: SheetSource[] = [];

  /** `specs`: the format to read (an import option may relax a column, e.g. --replace-project-flows); `stash`: where the staged kinds' rows go. */
  constructor(
    private readonly log: ProblemLog,
    private readonly specs: readonly SheetSpec[] = SHEETS,
    private readonly stash?: RowStash,
  ) {}

  /** A RowSink: call with every non-empty row of every sheet, in order. */
  readonly accept = (file: string, sheet: string, raw: RawRow): void | Promise<void> => {
    const key = `${file}\u0000${sheet}`;
    let current = this.open.get(key);
    if (!current) {
      current = this.start(file, sheet, raw);
      this.open.set(key, current);
      if (!current.spec) return;
    }
    if (current.pending) {
      current.pending.push(raw);
      if (isHeader(matchHeaders(current.spec!, headerTexts(raw)))) return this.settle(current, raw);
      else if (current.pending.length >= HEADER_SEARCH_ROWS) return this.settle(current, undefined);
      return;
    }
    if (current.columns) return this.row(current, raw);
  };

  private start(file: string, sheet: string, first: RawRow): OpenSheet {
    const spec = sheetSpecFor(sheet, this.specs);
    const source: SheetSource = { file: path.basename(file), sheet, kind: spec?.name, titleRows: 0, rows: 0 };
    this.sources.push(source);
    const open: OpenSheet = { spec, source, pending: null, columns: null, width: 0, given: new Set(), headers: {} };
    if (!spec) {
      if (isInstructionsSheet(sheet, first.cells[0]?.text)) source.skipped = 'instructions';
      else {
        source.skipped = 'unknown';
        this.log.add({
          severity: 'warning',
          file: source.file,
          sheet,
          row: null,
          column: null,
          value: null,
          rule: `unknown sheet, ignored (expected one of ${SHEETS.map((s) => s.name).join(', ')})`,
        });
      }
      return open;
    }
    const kinds = this.kindsInFile.get(file) ?? new Map<SheetSpec, string>();
    this.kindsInFile.set(file, kinds);
    const twin = kinds.get(spec);
    if (twin !== undefined) {
      source.skipped = 'duplicate';
      this.log.add({
        severity: 'error',
        file: source.file,
        sheet,
        row: null,
        column: null,
        value: null,
        rule: `sheets "${twin}" and "${sheet}" both hold ${spec.name} (${spec.zh}): merge them into one sheet or rename one`,
      });
      open.spec = undefined;
      return open;
    }
    kinds.set(spec, sheet);
    open.pending = [];
    return open;
  }

  /** The header is `header` (or, when none was found, the best candidate): report, then parse the rows held below it. */
  private settle(open: OpenSheet, header: RawRow | undefined): void | Promise<void> {
    const pending = open.pending!;
    open.pending = null;
    const spec = open.spec!;
    const chosen = header ?? bestCandidate(spec, pending);
    const at = pending.indexOf(chosen);
    open.source.headerRow = chosen.rowNumber;
    open.source.titleRows = at;
    const { file, sheet } = open.source;
    const match = matchHeaders(spec, headerTexts(chosen));
    const problem = (severity: 'error' | 'warning', column: string, rule: string) =>
      this.log.add({ severity, file, sheet, row: chosen.rowNumber, column, value: null, rule });
    for (const u of match.unknown) problem('warning', u.header, 'unknown column, ignored');
    for (const d of match.duplicate) problem('error', d.header, 'the same column appears twice');
    for (const m of match.missing) {
      const where = pending.length > 1 ? ` (looked for the header in rows ${pending[0]!.rowNumber}–${pending[pending.length - 1]!.rowNumber})` : '';
      problem('error', m.zh, `required column is missing (${m.zh} or ${m.key})${where}`);
    }
    if (match.missing.length > 0 || match.duplicate.length > 0) {
      open.source.skipped = 'header';
      return;
    }
    if (!this.rows.has(spec) && !this.stash?.takes(spec)) this.rows.set(spec, []);
    open.columns = match.columns;
    open.width = headerTexts(chosen).reduce((w, t, i) => (t.trim() ? i + 1 : w), 0);
    open.given = new Set(match.columns.map((c) => c.spec.key));
    open.headers = Object.fromEntries(match.columns.map((c) => [c.spec.key, c.header]));
    const held = pending
      .slice(at + 1)
      .map((raw) => this.row(open, raw))
      .filter((p) => p !== undefined);
    if (held.length > 0) return Promise.all(held).then(() => undefined);
  }

  private row(open: OpenSheet, raw: RawRow): void | Promise<void> {
    const { file, sheet } = open.source;
    open.source.rows++;
    const row: SheetRow = { file, sheet, row: raw.rowNumber, values: {}, given: open.given, headers: open.headers, invalid: false };
    const fail = (column: string, value: string, rule: string) => {
      row.invalid = true;
      this.log.add({ severity: 'error', file, sheet, row: raw.rowNumber, column, value, rule });
    };
    if (raw.delimiter !== undefined && open.width > 0) this.extraFields(open, raw, fail);
    for (const col of open.columns!) {
      const cell = raw.cells[col.index];
      if (isBlank(cell)) {
        row.values[col.spec.key] = null;
        if (col.spec.required) fail(col.header, '', 'is required');
        continue;
      }
      const shown = cellDisplay(cell!);
      if (cell!.text.includes('\ufffd')) {
        fail(
          col.header,
          shown.slice(0, 200),
          'holds "\ufffd" (U+FFFD): the file has bytes here that are not valid text in its encoding, or an earlier conversion lost characters; correct the text and save the file again (as UTF-8)',
        );
        continue;
      }
      const result = parseCell(col.spec, cell!, col.unit);
      if (result.ok) {
        row.values[col.spec.key] = result.value;
        if (shown !== displayOf(result.value)) (row.raw ??= {})[col.spec.key] = shown;
      } else fail(col.header, shown.slice(0, 200), result.rule);
    }
    if (this.stash?.takes(open.spec!)) return this.stash.put(open.spec!, row);
    this.rows.get(open.spec!)!.push(row);
  }

  /** A delimited row with more fields than its header: a separator inside a value that was not quoted cut the row apart. */
  private extraFields(open: OpenSheet, raw: RawRow, fail: (column: string, value: string, rule: string) => void): void {
    const last = raw.cells.reduce((w, c, i) => (c && c.text.trim() ? i + 1 : w), 0);
    if (last <= open.width) return;
    const lastHeader = open.columns!.reduce<MatchedColumn | undefined>((m, c) => (m && m.index > c.index ? m : c), undefined);
    const column = lastHeader && lastHeader.index === open.width - 1 ? lastHeader.header : `column ${open.width}`;
    const sep = raw.delimiter === '\t' ? 'a tab' : `"${raw.delimiter}"`;
    const value = raw.cells
      .slice(open.width - 1, last)
      .map((c) => c?.text ?? '')
      .join(raw.delimiter);
    fail(
      column,
      value.slice(0, 200),
      `the row has ${last} fields but the header has ${open.width}: a value holding ${sep} that is not in double quotes? Put such a value in quotes ("…") so the row is not cut apart`,
    );
  }

  /** Settles the sheets whose header is still being looked for (files shorter than the search). */
  async finish(): Promise<void> {
    for (const open of this.open.values()) if (open.pending) await this.settle(open, undefined);
  }

  /** The parsed sheets held in memory (the stash's kinds have no rows here), in the format's order. */
  sheets(): ParsedSheet[] {
    for (const open of this.open.values()) if (open.pending) void this.settle(open, undefined);
    return this.specs.filter((s) => this.rows.has(s)).map((spec) => ({ spec, rows: this.rows.get(spec)! }));
  }
}

/** When no row is a complete header: the first row naming the most columns (its missing columns are reported). */
function bestCandidate(spec: SheetSpec, rows: RawRow[]): RawRow {
  let best = rows[0]!;
  let bestCount = matchHeaders(spec, headerTexts(best)).columns.length;
  for (const r of rows.slice(1)) {
    const n = matchHeaders(spec, headerTexts(r)).columns.length;
    if (n > bestCount) {
      best = r;
      bestCount = n;
    }
  }
  return best;
}

/** A parsed value as text, to compare with what the cell showed. */
function displayOf(value: unknown): string {
  if (Array.isArray(value)) return value.join('、');
  if (value === true) return 'TRUE';
  if (value === false) return 'FALSE';
  return String(value);
}
