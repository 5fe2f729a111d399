import { DecimalError, parseYuan, withinMoneyRange } from '../../common/decimal.js';
import { parseIdentifier } from '../../common/identifiers.js';
import type { RawCell } from '../read/cells.js';
import { type ColumnSpec, SHEETS } from '../sheets.js';
import type { HeaderUnit } from './headers.js';

/** A cell value after its column's rule, or the rule it broke. */
export type CellResult = { ok: true; value: unknown } | { ok: false; rule: string };

const ok = (value: unknown): CellResult => ({ ok: true, value });
const fail = (rule: string): CellResult => ({ ok: false, rule });

/** Folds full-width digits and letters, and trims (including ideographic spaces). */
export function fold(text: string): string {
  // Note: NFKC is slow; plain ASCII needs only the trim.
  return /^[\x20-\x7e]*$/.test(text) ? text.trim() : text.normalize('NFKC').trim();
}

function wordsOf(spec: ColumnSpec): Map<string, string> {
  const map = new Map<string, string>();
  for (const [value, words] of Object.entries(spec.values ?? {})) {
    map.set(value.toLowerCase(), value);
    for (const w of words) map.set(w.normalize('NFKC').toLowerCase(), value);
  }
  return map;
}

/** Word (folded, lower case) → enum value, per enum column of the format; constant. */
const ENUM_WORDS: ReadonlyMap<ColumnSpec, ReadonlyMap<string, string>> = new Map(
  SHEETS.flatMap((s) => s.columns)
    .filter((c) => c.values)
    .map((c) => [c, wordsOf(c)]),
);

function enumWords(spec: ColumnSpec): ReadonlyMap<string, string> {
  return ENUM_WORDS.get(spec) ?? wordsOf(spec);
}

/** A number as Excel stored it, as plain decimal text ("1.5E+3" → "1500"; float noise removed). */
export function plainNumber(text: string): string {
  if (/^-?\d+(\.\d+)?$/.test(text) && text.replace(/[-.]/g, '').replace(/^0+/, '').length <= 15) return text;
  const n = Number(text);
  if (!Number.isFinite(n)) return text;
  const precise = n.toPrecision(15);
  if (!/e/i.test(precise)) return precise.includes('.') ? precise.replace(/\.?0+$/, '') : precise;
  return BigInt(Math.round(n)).toString();
}

const UNIT_SUFFIX: Record<HeaderUnit, string> = { YUAN: '', WAN: '万', YI: '亿' };
const UNIT_NAME: Record<HeaderUnit, string> = { YUAN: '元', WAN: '万元', YI: '亿元' };

/** The unit a money cell writes after its number (元, 万, 万元, 亿, 亿元), if any. */
function cellUnit(text: string): HeaderUnit | undefined {
  const m = /(万元|亿元|万|亿|元)$/.exec(text);
  if (!m) return undefined;
  return m[1]!.startsWith('亿') ? 'YI' : m[1]!.startsWith('万') ? 'WAN' : 'YUAN';
}

function parseMoneyCell(cell: RawCell, unit: HeaderUnit | undefined): CellResult {
  let text = cell.type === 'number' ? plainNumber(cell.text) : fold(cell.text);
  const own = cellUnit(text);
  // Note: a cell's unit that differs from its header's would silently scale the amount by 10^4
  // or 10^8 either way; which one was meant cannot be known, so it is a problem to correct.
  if (own && unit && own !== unit)
    return fail(
      `the cell's unit ${UNIT_NAME[own]} contradicts the header's unit ${UNIT_NAME[unit]}: write the amount in ${UNIT_NAME[unit]} without a unit, or move it to a column whose header has no unit`,
    );
  if (!own && unit) text += UNIT_SUFFIX[unit];
  try {
    const yuan = parseYuan(text);
    return withinMoneyRange(yuan) ? ok(yuan) : fail('money must be less than 10^18 yuan');
  } catch (e) {
    if (e instanceof DecimalError) return fail(`money ${e.message}; write yuan like 1234.50, or with a unit like 7.1亿 or 450万`);
    throw e;
  }
}

/** Converts an Excel date serial (1900 system) to YYYY-MM-DD. */
export function excelSerialToDate(serial: number): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2958465) return null;
  // Note: Excel counts a 1900-02-29 that never was; serials after it are one day ahead.
  const days = Math.floor(serial) - (serial > 60 ? 1 : 0);
  const date = new Date(Date.UTC(1899, 11, 31) + days * 86400000);
  return date.toISOString().slice(0, 10);
}

function validDate(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

const DATE_PATTERNS = [
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$/,
  /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?: .*)?$/,
  /^(\d{4})\.(\d{1,2})\.(\d{1,2})$/,
  /^(\d{4})年(\d{1,2})月(\d{1,2})日$/,
];

function parseDateCell(cell: RawCell): CellResult {
  if (cell.type === 'number') {
    const date = excelSerialToDate(Number(cell.text));
    return date ? ok(date) : fail('is not a date (the number is not an Excel date)');
  }
  const text = fold(cell.text);
  for (const re of DATE_PATTERNS) {
    const m = re.exec(text);
    if (m) {
      const date = validDate(Number(m[1]), Number(m[2]), Number(m[3]));
      return date ? ok(date) : fail('date does not exist');
    }
  }
  return fail('date must be like 2023-03-15, 2023/3/15 or 2023年3月15日');
}

const TRUE_WORDS = new Set(['是', '√', 'y', 'yes', 'true', '1', '有']);
const FALSE_WORDS = new Set(['否', '×', 'n', 'no', 'false', '0', '无']);

/** Reads one cell by its column's rule. Empty cells are handled by the caller. */
export function parseCell(spec: ColumnSpec, cell: RawCell, unit?: HeaderUnit): CellResult {
  if (cell.type === 'error') return fail(`cell shows the error ${cell.text}; fix the formula or the value`);
  if (cell.uncalculated) return fail('formula has no saved value; open the file in Excel or WPS and save it again');
  switch (spec.type) {
    case 'text':
      return ok(cell.text.replace(/^[\s\u3000]+|[\s\u3000]+$/g, ''));
    case 'code': {
      // The same normalisation and rule as the API's scalar of this code kind (src/common/identifiers.ts).
      const result = parseIdentifier(spec.id!, cell.type === 'number' ? plainNumber(cell.text) : cell.text);
      return result.ok ? ok(result.code) : fail(result.rule);
    }
    case 'money':
      return parseMoneyCell(cell, unit);
    case 'date':
      return parseDateCell(cell);
    case 'integer': {
      const text = cell.type === 'number' ? plainNumber(cell.text) : fold(cell.text).replace(/,(?=\d{3}(\D|$))/g, '');
      return /^-?\d{1,15}$/.test(text) ? ok(Number(text)) : fail('must be a whole number');
    }
    case 'boolean': {
      const word = fold(cell.text).toLowerCase();
      if (TRUE_WORDS.has(word)) return ok(true);
      if (FALSE_WORDS.has(word)) return ok(false);
      return fail('must be 是 or 否');
    }
    case 'enum': {
      const value = enumWords(spec).get(fold(cell.text).toLowerCase());
      if (value) return ok(value);
      const allowed = Object.values(spec.values ?? {}).map((w) => w[0]);
      return fail(`must be one of ${allowed.join(', ')}`);
    }
    case 'list': {
      const items = [
        ...new Set(
          fold(cell.text)
            .split(/[、,，;；|\n]/)
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ];
      if (!spec.id) return ok(items);
      const codes: string[] = [];
      for (const item of items) {
        const result = parseIdentifier(spec.id, item);
        if (!result.ok) return fail(`${item}: ${result.rule}`);
        if (!codes.includes(result.code)) codes.push(result.code);
      }
      return ok(codes);
    }
  }
}

/**
 * A cell as the user sees it in Excel or WPS, for messages: text as typed, a number as written
 * (without float noise), a date cell as its date, TRUE/FALSE, an error as #REF! etc.
 */
export function cellDisplay(cell: RawCell): string {
  if (cell.type === 'number') {
    if (cell.isDate) return excelSerialToDate(Number(cell.text)) ?? cell.text;
    return plainNumber(cell.text);
  }
  return cell.text;
}

/** Whether a cell counts as blank (missing). */
export function isBlank(cell: RawCell | undefined): boolean {
  return !cell || (!cell.uncalculated && (cell.text === '' || /^[\s\u3000]*$/.test(cell.text)));
}
