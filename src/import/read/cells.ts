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
  rowNumber: number;
  cells: (RawCell | undefined)[];
}

/** A sheet (or CSV file) as read: header row and data rows, all raw. */
export interface RawSheet {
  /** File the sheet came from. */
  file: string;
  /** Sheet name (for a CSV, the record kind taken from its file name). */
  name: string;
  headerRowNumber: number;
  headers: string[];
  rows: RawRow[];
}

/** Column letters for a 0-based index: 0 → A, 27 → AB. */
export function columnLetter(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

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
