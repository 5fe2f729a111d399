import type { ColumnSpec, SheetSpec } from '../sheets.js';

/** Unit a header can carry for its money column. */
export type HeaderUnit = 'YUAN' | 'WAN' | 'YI';

/** Folds full-width characters, case, spaces, underscores and required-markers away. */
export function normalizeHeader(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-*:：]/g, '');
}

const UNIT_IN_HEADER = /[([]\s*(元|万元|万|亿元|亿|yuan|wan|yi)\s*[)\]]$|(万元|亿元)$/i;

/** Splits "签约金额(亿元)" into the name and its unit. */
export function splitHeaderUnit(header: string): { name: string; unit?: HeaderUnit } {
  const folded = header.normalize('NFKC').trim();
  const m = UNIT_IN_HEADER.exec(folded);
  if (!m) return { name: folded };
  const word = (m[1] ?? m[2]).toLowerCase();
  const unit: HeaderUnit = word.startsWith('亿') || word === 'yi' ? 'YI' : word.startsWith('万') || word === 'wan' ? 'WAN' : 'YUAN';
  return { name: folded.slice(0, m.index).trim(), unit };
}

/** A header of the file matched to a column of the sheet. */
export interface MatchedColumn {
  spec: ColumnSpec;
  /** 0-based position in the file. */
  index: number;
  /** The header as the user wrote it. */
  header: string;
  unit?: HeaderUnit;
}

export interface HeaderMatch {
  columns: MatchedColumn[];
  unknown: { index: number; header: string }[];
  missing: ColumnSpec[];
  duplicate: { index: number; header: string }[];
}

/** Matches a sheet's header row to its columns by Chinese or English name, ignoring case, spaces and width. */
export function matchHeaders(sheet: SheetSpec, headers: string[]): HeaderMatch {
  const byName = new Map<string, ColumnSpec>();
  for (const c of sheet.columns) {
    byName.set(normalizeHeader(c.key), c);
    byName.set(normalizeHeader(c.zh), c);
  }
  const result: HeaderMatch = { columns: [], unknown: [], missing: [], duplicate: [] };
  const seen = new Set<string>();
  headers.forEach((header, index) => {
    if (!header || !header.trim()) return;
    const { name, unit } = splitHeaderUnit(header);
    const spec = byName.get(normalizeHeader(name));
    if (!spec) result.unknown.push({ index, header });
    else if (seen.has(spec.key)) result.duplicate.push({ index, header });
    else {
      seen.add(spec.key);
      result.columns.push({ spec, index, header, unit: spec.type === 'money' ? unit : undefined });
    }
  });
  result.missing = sheet.columns.filter((c) => c.required && !seen.has(c.key));
  return result;
}
