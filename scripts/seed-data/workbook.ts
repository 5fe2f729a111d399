/**
 * Writes a seed to an .xlsx workbook laid out by src/import/sheets.ts (Chinese headers, Chinese
 * enum words, ISO date text, integer yuan) and reads such a workbook back for verification.
 */
import ExcelJS from 'exceljs';
import { parseYuan } from '../../src/common/decimal.js';
import { type ColumnSpec, SHEETS } from '../../src/import/sheets.js';
import type { Seed, Value } from './rows.js';
import { fixZipTimestamps } from './util.js';

/** Fixed document date, so that the file is byte-identical between builds. */
export const FIXED_DATE = new Date(Date.UTC(2023, 5, 30, 0, 0, 0));

const TRUE_WORD = '是';
const FALSE_WORD = '否';
const LIST_SEPARATOR = '、';

/**
 * The enum word written for a value: the first Chinese word of its list, except that a 街道
 * (sub-district) is written 街道 rather than 镇 — both are words of TOWN.
 */
function enumWord(sheet: string, col: ColumnSpec, v: string, row: Record<string, Value>): string {
  const words = col.values?.[v];
  if (!words) throw new Error(`column ${col.key}: no words for ${v}`);
  if (sheet === 'areas' && col.key === 'kind' && v === 'TOWN' && String(row.name).endsWith('街道') && words.includes('街道')) return '街道';
  return words[0]!;
}

/** The cell written for one typed value. */
function toCell(sheet: string, col: ColumnSpec, row: Record<string, Value>): string | number | null {
  const v = row[col.key];
  if (v === null || v === undefined) return null;
  switch (col.type) {
    case 'enum':
      return enumWord(sheet, col, String(v), row);
    case 'boolean':
      if (typeof v !== 'boolean') throw new Error(`column ${col.key}: not a boolean`);
      return v ? TRUE_WORD : FALSE_WORD;
    case 'money': {
      if (typeof v !== 'bigint') throw new Error(`column ${col.key}: money must be a BigInt`);
      if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER))
        throw new Error(`column ${col.key}: ${v} is beyond the safe-integer range`);
      return Number(v);
    }
    case 'integer':
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new Error(`column ${col.key}: not an integer`);
      return v;
    case 'list':
      if (!Array.isArray(v)) throw new Error(`column ${col.key}: not a list`);
      return v.length ? v.join(LIST_SEPARATOR) : null;
    default:
      if (typeof v !== 'string') throw new Error(`column ${col.key}: not text`);
      return v;
  }
}

/** Column width in characters for a header and its cells. */
function widthOf(header: string, cells: (string | number | null)[]): number {
  const len = (s: string): number => [...s].reduce((n, c) => n + (c.charCodeAt(0) > 0xff ? 2 : 1), 0);
  return Math.min(60, Math.max(len(header), ...cells.map((c) => (c === null ? 0 : len(String(c))))) + 2);
}

/** The workbook as a deterministic .xlsx buffer. */
export async function writeWorkbook(seed: Seed): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'scripts/build-seed.ts';
  wb.lastModifiedBy = 'scripts/build-seed.ts';
  wb.title = '余杭区协作登记 种子数据 Yuhang collaboration registry seed';
  wb.created = FIXED_DATE;
  wb.modified = FIXED_DATE;
  for (const spec of SHEETS) {
    const rows = seed[spec.name as keyof Seed] as unknown as Record<string, Value>[];
    const ws = wb.addWorksheet(spec.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.addRow(spec.columns.map((c) => c.zh));
    ws.getRow(1).font = { bold: true };
    const body = rows.map((r) => spec.columns.map((c) => toCell(spec.name, c, r)));
    for (const cells of body) ws.addRow(cells);
    spec.columns.forEach((c, i) => {
      const col = ws.getColumn(i + 1);
      col.width = widthOf(
        c.zh,
        body.map((b) => b[i]!),
      );
      // codes and dates are text: keep Excel from turning them into numbers or dates on edit
      if (c.type === 'code' || c.type === 'date') col.numFmt = '@';
    });
  }
  const buf = Buffer.from(await wb.xlsx.writeBuffer());
  return fixZipTimestamps(buf, FIXED_DATE);
}

/** Reads a cell back into the typed value the generator holds. */
function fromCell(col: ColumnSpec, raw: ExcelJS.CellValue): Value {
  if (raw === null || raw === undefined || raw === '') return col.type === 'list' ? [] : null;
  if (typeof raw === 'object') throw new Error(`column ${col.key}: unexpected ${JSON.stringify(raw)}`);
  switch (col.type) {
    case 'enum': {
      const hit = Object.entries(col.values ?? {}).find(([, words]) => words.includes(String(raw)));
      if (!hit) throw new Error(`column ${col.key}: unknown word ${String(raw)}`);
      return hit[0];
    }
    case 'boolean':
      if (raw === TRUE_WORD) return true;
      if (raw === FALSE_WORD) return false;
      throw new Error(`column ${col.key}: not 是/否: ${String(raw)}`);
    case 'money': {
      if (typeof raw !== 'number') throw new Error(`column ${col.key}: money cell is not a number: ${String(raw)}`);
      const yuan = parseYuan(raw);
      if (yuan.includes('.')) throw new Error(`column ${col.key}: fractional yuan ${yuan}`);
      return BigInt(yuan);
    }
    case 'integer':
      if (typeof raw !== 'number') throw new Error(`column ${col.key}: not a number`);
      return raw;
    case 'list':
      return String(raw)
        .split(/[、;,|]/)
        .map((s) => s.trim())
        .filter(Boolean);
    case 'date':
      if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(raw)) throw new Error(`column ${col.key}: date is not ISO text: ${String(raw)}`);
      return raw;
    default:
      if (typeof raw !== 'string') throw new Error(`column ${col.key}: not a text cell: ${String(raw)}`);
      return raw;
  }
}

/** Reads a workbook written by {@link writeWorkbook}, checking the layout against the sheet specs. */
export async function readWorkbook(buf: Buffer): Promise<Seed> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const names = wb.worksheets.map((w) => w.name);
  const expected = SHEETS.map((s) => s.name);
  if (names.join(',') !== expected.join(',')) throw new Error(`sheets are ${names.join(',')}, want ${expected.join(',')}`);
  const seed: Record<string, Record<string, Value>[]> = {};
  for (const spec of SHEETS) {
    const ws = wb.getWorksheet(spec.name)!;
    const header = spec.columns.map((_, i) => ws.getRow(1).getCell(i + 1).value);
    const want = spec.columns.map((c) => c.zh);
    if (header.join(',') !== want.join(',')) throw new Error(`${spec.name}: header is ${header.join(',')}, want ${want.join(',')}`);
    if (ws.actualColumnCount !== spec.columns.length) throw new Error(`${spec.name}: ${ws.actualColumnCount} columns`);
    const rows: Record<string, Value>[] = [];
    for (let r = 2; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      const rec: Record<string, Value> = {};
      spec.columns.forEach((c, i) => (rec[c.key] = fromCell(c, row.getCell(i + 1).value)));
      rows.push(rec);
    }
    seed[spec.name] = rows;
  }
  return seed as unknown as Seed;
}

/** Canonical JSON of a seed (sheet columns in spec order, BigInt as `123n`), to compare two seeds. */
export function canonical(seed: Seed): string {
  const out = SHEETS.map((spec) => {
    const rows = seed[spec.name as keyof Seed] as unknown as Record<string, Value>[];
    return [spec.name, rows.map((r) => spec.columns.map((c) => r[c.key] ?? null))];
  });
  return JSON.stringify(out, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}
