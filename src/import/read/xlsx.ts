import { readFile, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { UnreadableFileError, type ImportLimits } from '../limits.js';
import { columnIndex, type RawCell, type RawRow, type RawSheet } from './cells.js';
import { inflateEntry, readZipDirectory, ZipError, type ZipEntry } from './zip.js';

/** Built-in Excel number formats that show dates. */
const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

function isDateFormatCode(code: string): boolean {
  const bare = code.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '');
  return /[ymd]/i.test(bare) && !/^[#0.,%\s]*$/.test(bare);
}

interface Part {
  entries: Map<string, ZipEntry>;
  buf: Buffer;
  budget: { left: number };
  file: string;
}

/** SAX-parses one part of the workbook, streaming; malformed XML or a DOCTYPE is refused. */
async function parsePart(part: Part, name: string, handlers: { open?: (tag: SaxesTagPlain) => void; close?: (tag: SaxesTagPlain) => void; text?: (t: string) => void }): Promise<void> {
  const entry = part.entries.get(name);
  if (!entry) throw new UnreadableFileError(part.file, `not a valid .xlsx workbook: part ${name} is missing`);
  const parser = new SaxesParser({ xmlns: false, position: false });
  let failure: Error | undefined;
  parser.on('error', (e) => {
    failure ??= e;
  });
  parser.on('doctype', () => {
    failure ??= new Error('DOCTYPE declarations are not allowed');
  });
  if (handlers.open) parser.on('opentag', handlers.open);
  if (handlers.close) parser.on('closetag', handlers.close);
  if (handlers.text) parser.on('text', handlers.text);
  const decoder = new StringDecoder('utf8');
  try {
    await inflateEntry(part.buf, entry, part.budget, (chunk) => {
      if (!failure) parser.write(decoder.write(chunk));
      if (failure) throw failure;
    });
    if (!failure) parser.write(decoder.end()).close();
  } catch (e) {
    if (e instanceof ZipError) throw new UnreadableFileError(part.file, e.message);
    failure ??= e as Error;
  }
  if (failure) throw new UnreadableFileError(part.file, `malformed XML in ${name}: ${failure.message.split('\n')[0].slice(0, 200)}`);
}

function resolveTarget(target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = `xl/${target}`.split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '..') out.pop();
    else if (p !== '.') out.push(p);
  }
  return out.join('/');
}

/**
 * Reads every worksheet of an .xlsx file with bounded memory: the ZIP is checked and inflated
 * under a byte budget, each XML part is parsed as a stream, and rows beyond `rowBudget` stop the read.
 */
export async function readXlsx(file: string, limits: ImportLimits, rowBudget: { left: number }): Promise<RawSheet[]> {
  const size = (await stat(file)).size;
  if (size === 0) throw new UnreadableFileError(file, 'the file is empty');
  if (size > limits.maxFileBytes) throw new UnreadableFileError(file, `the file is ${Math.round(size / 1048576)} MiB; the limit is ${limits.maxFileBytes / 1048576} MiB (IMPORT_MAX_FILE_MB)`);
  const buf = await readFile(file);
  if (buf.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) {
    throw new UnreadableFileError(file, 'this is an old Excel 97–2003 (.xls) file or another OLE document; save it as .xlsx (Excel Workbook) and import that');
  }
  if (buf.length < 4 || buf.readUInt32LE(0) !== 0x04034b50) throw new UnreadableFileError(file, 'not an .xlsx workbook (it does not start like a ZIP archive)');
  let entries: Map<string, ZipEntry>;
  try {
    entries = readZipDirectory(buf);
  } catch (e) {
    throw new UnreadableFileError(file, `not a valid .xlsx workbook: ${(e as Error).message}`);
  }
  const part: Part = { entries, buf, budget: { left: limits.maxInflatedBytes }, file };

  // Workbook: sheet names → relationship ids; 1904 date system.
  const sheetRefs: { name: string; rid: string }[] = [];
  let date1904 = false;
  await parsePart(part, 'xl/workbook.xml', {
    open: (tag) => {
      if (tag.name === 'sheet') sheetRefs.push({ name: String(tag.attributes.name ?? ''), rid: String(tag.attributes['r:id'] ?? '') });
      if (tag.name === 'workbookPr') date1904 = ['1', 'true'].includes(String(tag.attributes.date1904 ?? ''));
    },
  });
  const targets = new Map<string, string>();
  await parsePart(part, 'xl/_rels/workbook.xml.rels', {
    open: (tag) => {
      if (tag.name === 'Relationship') targets.set(String(tag.attributes.Id), resolveTarget(String(tag.attributes.Target)));
    },
  });

  // Shared strings (kept: cells refer to them by index).
  const shared: string[] = [];
  if (entries.has('xl/sharedStrings.xml')) {
    let current: string[] | null = null;
    let inT = false;
    let inRph = false;
    let chars = 0;
    await parsePart(part, 'xl/sharedStrings.xml', {
      open: (tag) => {
        if (tag.name === 'si') current = [];
        else if (tag.name === 'rPh') inRph = true;
        else if (tag.name === 't' && !inRph) inT = true;
      },
      close: (tag) => {
        if (tag.name === 'si' && current) {
          shared.push(current.join(''));
          current = null;
          chars = 0;
        } else if (tag.name === 'rPh') inRph = false;
        else if (tag.name === 't') inT = false;
      },
      text: (t) => {
        if (inT && current) {
          chars += t.length;
          if (chars > limits.maxCellChars * 4) throw new Error(`a shared string is longer than ${limits.maxCellChars} characters`);
          current.push(t);
        }
      },
    });
  }

  // Styles: which cell formats show dates.
  const dateStyles = new Set<number>();
  if (entries.has('xl/styles.xml')) {
    const customDates = new Set<number>();
    let inCellXfs = false;
    let xfIndex = 0;
    await parsePart(part, 'xl/styles.xml', {
      open: (tag) => {
        if (tag.name === 'numFmt' && isDateFormatCode(String(tag.attributes.formatCode ?? ''))) customDates.add(Number(tag.attributes.numFmtId));
        if (tag.name === 'cellXfs') inCellXfs = true;
        if (tag.name === 'xf' && inCellXfs) {
          const id = Number(tag.attributes.numFmtId ?? 0);
          if (BUILTIN_DATE_FORMATS.has(id) || customDates.has(id)) dateStyles.add(xfIndex);
          xfIndex++;
        }
      },
      close: (tag) => {
        if (tag.name === 'cellXfs') inCellXfs = false;
      },
    });
  }

  const sheets: RawSheet[] = [];
  for (const ref of sheetRefs) {
    const target = targets.get(ref.rid);
    if (!target || !entries.has(target)) throw new UnreadableFileError(file, `not a valid .xlsx workbook: sheet "${ref.name}" has no data part`);
    sheets.push(await readSheet(part, ref.name, target, shared, dateStyles, limits, rowBudget, date1904));
  }
  if (sheets.length === 0) throw new UnreadableFileError(file, 'the workbook has no sheets');
  return sheets;
}

async function readSheet(
  part: Part,
  name: string,
  target: string,
  shared: string[],
  dateStyles: Set<number>,
  limits: ImportLimits,
  rowBudget: { left: number },
  date1904: boolean,
): Promise<RawSheet> {
  const rows: RawRow[] = [];
  let row: RawRow | null = null;
  let nextRow = 1;
  let nextCol = 0;
  let cell: { col: number; t: string; s: number; v: string[]; inV: boolean; inIs: boolean; inT: boolean; formula: boolean; chars: number } | null = null;
  await parsePart(part, target, {
    open: (tag) => {
      const a = tag.attributes;
      if (tag.name === 'row') {
        const r = a.r ? Number(a.r) : nextRow;
        row = { rowNumber: r, cells: [] };
        nextRow = r + 1;
        nextCol = 0;
      } else if (tag.name === 'c' && row) {
        const col = a.r ? columnIndex(String(a.r)) : nextCol;
        nextCol = col + 1;
        if (col > 16383) throw new Error('a cell lies beyond column XFD');
        cell = { col, t: String(a.t ?? 'n'), s: Number(a.s ?? 0), v: [], inV: false, inIs: false, inT: false, formula: false, chars: 0 };
      } else if (cell) {
        if (tag.name === 'v') cell.inV = true;
        else if (tag.name === 'is') cell.inIs = true;
        else if (tag.name === 't' && cell.inIs) cell.inT = true;
        else if (tag.name === 'f') cell.formula = true;
      }
    },
    text: (t) => {
      if (cell && (cell.inV || cell.inT)) {
        cell.chars += t.length;
        if (cell.chars > limits.maxCellChars) throw new Error(`cell in row ${(row as RawRow | null)?.rowNumber} is longer than ${limits.maxCellChars} characters (IMPORT_MAX_CELL_CHARS)`);
        cell.v.push(t);
      }
    },
    close: (tag) => {
      if (tag.name === 'v' && cell) cell.inV = false;
      else if (tag.name === 't' && cell) cell.inT = false;
      else if (tag.name === 'is' && cell) cell.inIs = false;
      else if (tag.name === 'c' && cell && row) {
        const raw = toRawCell(cell, shared, dateStyles, date1904);
        if (raw) row.cells[cell.col] = raw;
        cell = null;
      } else if (tag.name === 'row' && row) {
        if (row.cells.some((c) => c && (c.text.trim() !== '' || c.uncalculated))) {
          if (--rowBudget.left < 0) throw new Error(`more than ${limits.maxRows} rows in this import (IMPORT_MAX_ROWS)`);
          rows.push(row);
        }
        row = null;
      }
    },
  }).catch((e) => {
    if (e instanceof UnreadableFileError) throw new UnreadableFileError(part.file, `sheet "${name}": ${e.message.replace(`${part.file}: `, '').replace(/^malformed XML in [^:]+: /, '')}`);
    throw e;
  });
  const [header, ...data] = rows;
  return {
    file: part.file,
    name,
    headerRowNumber: header?.rowNumber ?? 1,
    headers: header ? Array.from(header.cells, (c) => c?.text ?? '') : [],
    rows: data,
  };
}

function toRawCell(
  cell: { t: string; s: number; v: string[]; formula: boolean },
  shared: string[],
  dateStyles: Set<number>,
  date1904: boolean,
): RawCell | undefined {
  const text = cell.v.join('');
  if (cell.formula && cell.v.length === 0) return { text: '', type: 'string', uncalculated: true };
  switch (cell.t) {
    case 's': {
      const s = shared[Number(text)];
      return { text: s ?? '', type: 'string' };
    }
    case 'inlineStr':
    case 'str':
      return { text, type: 'string' };
    case 'b':
      return { text: text === '1' ? 'TRUE' : 'FALSE', type: 'boolean' };
    case 'e':
      return { text, type: 'error' };
    case 'd':
      return { text: text.slice(0, 10), type: 'string' };
    default:
      if (text === '') return undefined;
      if (dateStyles.has(cell.s)) return { text: date1904 ? String(Number(text) + 1462) : text, type: 'number', isDate: true };
      return { text, type: 'number' };
  }
}
