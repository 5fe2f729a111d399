import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { type ImportLimits, UnreadableFileError } from './limits.js';
import type { RowSink } from './read/cells.js';
import { csvKind, readCsv, type TextFormat } from './read/csv.js';
import { readXlsx } from './read/xlsx.js';
import { SHEETS } from './sheets.js';

/** The files an import reads: the given files, and the .xlsx/.csv files directly in given folders. */
export async function expandPaths(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    let info;
    try {
      info = await stat(p);
    } catch {
      throw new UnreadableFileError(p, 'no such file or folder');
    }
    if (info.isDirectory()) {
      const names = (await readdir(p)).filter((n) => /\.(xlsx|csv)$/i.test(n) && !n.startsWith('~$')).sort();
      if (names.length === 0) throw new UnreadableFileError(p, 'the folder has no .xlsx or .csv files');
      files.push(...names.map((n) => path.join(p, n)));
    } else files.push(p);
  }
  return files;
}

/**
 * Reads one file by its extension, handing its rows to `sink`; refuses what it cannot read, with
 * the reason. Returns how a text file was read (encoding, separator); nothing for a workbook.
 */
export async function readFileRows(
  file: string,
  limits: ImportLimits,
  rowBudget: { left: number },
  sink: RowSink,
  onBytes?: (n: number) => void,
): Promise<TextFormat | undefined> {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.xlsx' || ext === '.xlsm') {
    await readXlsx(file, limits, rowBudget, sink, onBytes);
    return undefined;
  }
  if (ext === '.csv' || ext === '.txt') {
    const kind = csvKind(file, SHEETS);
    if (!kind)
      throw new UnreadableFileError(
        file,
        `cannot tell which records this CSV holds: put one of ${SHEETS.map((s) => s.name).join(', ')} (or its Chinese name) in the file name`,
      );
    return readCsv(file, kind, limits, rowBudget, sink, onBytes);
  }
  if (ext === '.xls')
    throw new UnreadableFileError(file, 'old Excel 97–2003 (.xls) files are not supported; save it as .xlsx (Excel Workbook) and import that');
  throw new UnreadableFileError(file, `unsupported file type "${ext || '(none)'}"; import .xlsx workbooks or .csv files`);
}
