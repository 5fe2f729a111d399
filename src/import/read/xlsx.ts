import { open, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { type ImportLimits, LimitError, mib, UnreadableFileError } from '../limits.js';
import { columnIndex, MAX_COLUMNS, type RawCell, type RawRow, type RowSink } from './cells.js';
import { isEncryptedOoxml, isOle } from './ole.js';
import { fileSource, inflateEntry, readZipDirectory, type ZipEntry, ZipError, type ZipSource } from './zip.js';

/** Characters of markup-free text allowed beyond the cell limit (whitespace, attributes). */
const TEXT_SLACK = 4096;

/** Built-in Excel number formats that show dates. */
const BUILTIN_DATE_FORMATS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58,
]);

function isDateFormatCode(code: string): boolean {
  const bare = code.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '');
  return /[ymd]/i.test(bare) && !/^[#0.,%\s]*$/.test(bare);
}

interface Part {
  entries: Map<string, ZipEntry>;
  /** The archive, read a piece at a time (the workbook is never held whole). */
  src: ZipSource;
  budget: { left: number };
  file: string;
  /** Told how many compressed bytes were read, as they are. */
  onBytes?: (n: number) => void;
  /** Rows handed on whose consumer is still busy: reading waits for them. */
  held: Promise<void>[];
}

/**
 * SAX-parses one part of the workbook, streaming; malformed XML or a DOCTYPE is refused, and so
 * is a run of text longer than any cell may be (the parser would otherwise gather it in memory).
 */
async function parsePart(
  part: Part,
  name: string,
  handlers: { open?: (tag: SaxesTagPlain) => void; close?: (tag: SaxesTagPlain) => void; text?: (t: string) => void },
  maxText: number,
): Promise<void> {
  const entry = part.entries.get(name);
  if (!entry) throw new UnreadableFileError(part.file, `not a valid .xlsx workbook: part ${name} is missing`);
  const parser = new SaxesParser({ xmlns: false, position: false });
  let xmlError: Error | undefined;
  parser.on('error', (e) => {
    xmlError ??= e;
  });
  parser.on('doctype', () => {
    xmlError ??= new Error('DOCTYPE declarations are not allowed');
  });
  if (handlers.open) parser.on('opentag', handlers.open);
  if (handlers.close) parser.on('closetag', handlers.close);
  if (handlers.text) parser.on('text', handlers.text);
  const decoder = new StringDecoder('utf8');
  let sinceTag = 0;
  const feed = (text: string): Promise<void> | undefined => {
    const lastTag = text.lastIndexOf('<');
    sinceTag = lastTag < 0 ? sinceTag + text.length : text.length - lastTag;
    if (sinceTag > maxText)
      throw new LimitError(
        `${name} has text longer than ${maxText - TEXT_SLACK} characters without markup: a cell over IMPORT_MAX_CELL_CHARS, or a decompression bomb`,
      );
    parser.write(text);
    if (xmlError) throw xmlError;
    if (part.held.length === 0) return undefined;
    const held = part.held.splice(0);
    return Promise.all(held).then(() => undefined);
  };
  try {
    await inflateEntry(part.src, entry, part.budget, (chunk) => feed(decoder.write(chunk)), part.onBytes);
    await feed(decoder.end());
    parser.close();
    if (xmlError) throw xmlError;
  } catch (e) {
    if (e instanceof UnreadableFileError) throw e;
    if (e instanceof ZipError || e instanceof LimitError) throw new UnreadableFileError(part.file, e.message);
    throw new UnreadableFileError(part.file, `malformed XML in ${name}: ${(e as Error).message.split('\n')[0].slice(0, 200)}`);
  }
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
 * Reads every worksheet of an .xlsx file with bounded memory and hands each row to `sink`: the
 * ZIP is checked and inflated under a byte budget, each XML part is parsed as a stream, and rows
 * beyond `rowBudget` stop the read. Returns the sheet names.
 */
export async function readXlsx(
  file: string,
  limits: ImportLimits,
  rowBudget: { left: number },
  sink: RowSink,
  onBytes?: (n: number) => void,
): Promise<string[]> {
  const size = (await stat(file)).size;
  if (size === 0) throw new UnreadableFileError(file, 'the file is empty');
  if (size > limits.maxFileBytes)
    throw new UnreadableFileError(file, `the file is ${mib(size)}; the limit is ${mib(limits.maxFileBytes)} (IMPORT_MAX_FILE_MB)`);
  const fh = await open(file, 'r');
  try {
    return await readWorkbook(file, fileSource(fh, size), limits, rowBudget, sink, onBytes);
  } finally {
    await fh.close();
  }
}

async function readWorkbook(
  file: string,
  src: ZipSource,
  limits: ImportLimits,
  rowBudget: { left: number },
  sink: RowSink,
  onBytes?: (n: number) => void,
): Promise<string[]> {
  const head = await src.read(0, 8);
  if (isOle(head)) {
    // Note: only an OLE file is read whole (it is refused either way; this says why).
    const buf = await src.read(0, src.size);
    if (isEncryptedOoxml(buf))
      throw new UnreadableFileError(
        file,
        'the workbook is encrypted (protected with a password to open); remove the password to open (Excel: File › Info › Protect Workbook › Encrypt with Password; WPS: 文件 › 文档加密), save, and import that',
      );
    throw new UnreadableFileError(file, 'this is an old Excel 97–2003 (.xls) file or another OLE document; save it as .xlsx (Excel Workbook) and import that');
  }
  if (head.length < 4 || head.readUInt32LE(0) !== 0x04034b50)
    throw new UnreadableFileError(file, 'not an .xlsx workbook (it does not start like a ZIP archive)');
  let entries: Map<string, ZipEntry>;
  try {
    entries = await readZipDirectory(src);
  } catch (e) {
    throw new UnreadableFileError(file, `not a valid .xlsx workbook: ${(e as Error).message}`);
  }
  const declared = [...entries.values()].reduce((n, e) => n + e.uncompressedSize, 0);
  if (declared > limits.maxInflatedBytes) {
    throw new UnreadableFileError(
      file,
      `inflates to ${mib(declared)}, more than the allowed ${mib(limits.maxInflatedBytes)} (IMPORT_MAX_INFLATED_MB): a decompression bomb, or a workbook too large to import`,
    );
  }
  const part: Part = { entries, src, budget: { left: limits.maxInflatedBytes }, file, onBytes, held: [] };

  // Workbook: sheet names → relationship ids; 1904 date system.
  const sheetRefs: { name: string; rid: string }[] = [];
  let date1904 = false;
  const maxText = limits.maxCellChars + TEXT_SLACK;
  await parsePart(
    part,
    'xl/workbook.xml',
    {
      open: (tag) => {
        if (tag.name === 'sheet') sheetRefs.push({ name: String(tag.attributes.name ?? ''), rid: String(tag.attributes['r:id'] ?? '') });
        if (tag.name === 'workbookPr') date1904 = ['1', 'true'].includes(String(tag.attributes.date1904 ?? ''));
      },
    },
    maxText,
  );
  const targets = new Map<string, string>();
  await parsePart(
    part,
    'xl/_rels/workbook.xml.rels',
    {
      open: (tag) => {
        if (tag.name === 'Relationship') targets.set(String(tag.attributes.Id), resolveTarget(String(tag.attributes.Target)));
      },
    },
    maxText,
  );

  // Shared strings (kept: cells refer to them by index).
  const shared: string[] = [];
  if (entries.has('xl/sharedStrings.xml')) {
    let current: string[] | null = null;
    let inT = false;
    let inRph = false;
    let chars = 0;
    await parsePart(
      part,
      'xl/sharedStrings.xml',
      {
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
            if (chars > limits.maxCellChars) throw new LimitError(`a text cell is longer than ${limits.maxCellChars} characters (IMPORT_MAX_CELL_CHARS)`);
            current.push(t);
          }
        },
      },
      maxText,
    );
  }

  // Styles: which cell formats show dates.
  const dateStyles = new Set<number>();
  if (entries.has('xl/styles.xml')) {
    const customDates = new Set<number>();
    let inCellXfs = false;
    let xfIndex = 0;
    await parsePart(
      part,
      'xl/styles.xml',
      {
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
      },
      maxText,
    );
  }

  if (sheetRefs.length === 0) throw new UnreadableFileError(file, 'the workbook has no sheets');
  for (const ref of sheetRefs) {
    const target = targets.get(ref.rid);
    if (!target || !entries.has(target)) throw new UnreadableFileError(file, `not a valid .xlsx workbook: sheet "${ref.name}" has no data part`);
    await readSheet(part, ref.name, target, { shared, dateStyles, date1904, maxText }, limits, rowBudget, sink);
  }
  return sheetRefs.map((r) => r.name);
}

interface SheetContext {
  shared: string[];
  dateStyles: Set<number>;
  date1904: boolean;
  maxText: number;
}

async function readSheet(
  part: Part,
  name: string,
  target: string,
  context: SheetContext,
  limits: ImportLimits,
  rowBudget: { left: number },
  sink: RowSink,
): Promise<void> {
  let row: RawRow | null = null;
  let seenHeader = false;
  let nextRow = 1;
  let nextCol = 0;
  let cell: { col: number; t: string; s: number; v: string[]; inV: boolean; inIs: boolean; inT: boolean; formula: boolean; chars: number } | null = null;
  try {
    await parsePart(
      part,
      target,
      {
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
            // Note: cells beyond MAX_COLUMNS are skipped, so a sheet of millions of tiny cells stays small.
            cell =
              col < MAX_COLUMNS
                ? { col, t: String(a.t ?? 'n'), s: Number(a.s ?? 0), v: [], inV: false, inIs: false, inT: false, formula: false, chars: 0 }
                : null;
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
            if (cell.chars > limits.maxCellChars)
              throw new LimitError(
                `a cell in row ${(row as RawRow | null)?.rowNumber} is longer than ${limits.maxCellChars} characters (IMPORT_MAX_CELL_CHARS)`,
              );
            cell.v.push(t);
          }
        },
        close: (tag) => {
          if (tag.name === 'v' && cell) cell.inV = false;
          else if (tag.name === 't' && cell) cell.inT = false;
          else if (tag.name === 'is' && cell) cell.inIs = false;
          else if (tag.name === 'c' && cell && row) {
            const raw = toRawCell(cell, context);
            if (raw) row.cells[cell.col] = raw;
            cell = null;
          } else if (tag.name === 'row' && row) {
            if (row.cells.some((c) => c && (c.text.trim() !== '' || c.uncalculated))) {
              if (seenHeader && --rowBudget.left < 0) throw new LimitError(`more than ${limits.maxRows} rows in this import (IMPORT_MAX_ROWS)`);
              seenHeader = true;
              const held = sink(part.file, name, row);
              if (held) part.held.push(held);
            }
            row = null;
          }
        },
      },
      context.maxText,
    );
  } catch (e) {
    if (e instanceof UnreadableFileError) throw new UnreadableFileError(part.file, `sheet "${name}": ${e.message.slice(part.file.length + 2)}`);
    throw e;
  }
}

function toRawCell(cell: { t: string; s: number; v: string[]; formula: boolean }, { shared, dateStyles, date1904 }: SheetContext): RawCell | undefined {
  const text = cell.v.join('');
  if (cell.formula && cell.v.length === 0) return { text: '', type: 'string', uncalculated: true };
  if (text === '') return undefined;
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
