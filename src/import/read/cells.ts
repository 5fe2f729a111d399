/** One cell as read from a file, before any column rule applies. */
export interface RawCell {
  /** The cell's text: a string's characters, or a number as written in the file (e.g. "1234.5"). */
  text: string;
  type: 'string' | 'number' | 'boolean' | 'error';
  /** A number shown with a date format in Excel (its text is then an Excel date serial). */
  isDate?: boolean;
  /** A formula whose value was never calculated and saved. */
  uncalculated?: boolean;
}

/** A data row: the row number the user sees, and its cells by 0-based column. */
export interface RawRow {
  /** The row number Excel or WPS shows (for a CSV: the record's row, a quoted line break staying in its cell). */
  rowNumber: number;
  cells: (RawCell | undefined)[];
  /** Set for a row of delimited text (CSV): its field separator. */
  delimiter?: string;
}

/**
 * Receives every non-empty row as it is read, so no file is ever held whole in memory. The first
 * row of a sheet is its header. `sheet` is the sheet name (for a CSV, the kind from its file name).
 * A sink that returns a promise (rows being written out) holds the reading until it settles.
 */
export type RowSink = (file: string, sheet: string, row: RawRow) => void | Promise<void>;

/** Cells to the right of this column are ignored (a registry sheet has about ten). */
export const MAX_COLUMNS = 256;

/** 0-based column index of a cell reference like "AB12". */
export function columnIndex(ref: string): number {
  let n = 0;
  for (const ch of ref) {
    const c = ch.charCodeAt(0);
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return n - 1;
}
