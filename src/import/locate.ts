import { columnOfRefusal, kindOfTable, pgRefusal, refusalRule, sheetColumnOf, varcharLength } from '../db/refusals.js';
import type { ParsedSheet, SheetRow } from './parse/rows.js';
import type { Problem } from './problems.js';
import type { Sql } from './write/sql.js';
import { STAGED_KINDS, type Staging, stagingTable } from './write/staging.js';

/** Values of a "Failing row contains (…)" or "Key (…)=(…)" detail, as comparable texts. */
function detailValues(detail: string | undefined): Set<string> {
  const m = /(?:Failing row contains|=)\s*\((.*)\)/s.exec(detail ?? '');
  return new Set((m?.[1] ?? '').split(', ').map(comparable));
}

/** A value as text that compares across "100", "100.00" and 100. */
function comparable(v: unknown): string {
  const s = String(v);
  return /^-?\d+(\.\d+)?$/.test(s) ? String(Number(s)) : s;
}

/**
 * The row of a sheet the refused database row came from: the one with the most of its plain values
 * in the detail (a trigger may have changed one); the only row when the detail names none (a key id).
 */
function rowOfDetail(rows: readonly SheetRow[], values: Set<string>, plain: string[]): SheetRow | undefined {
  const { best } = bestOfDetail(rows, values, plain);
  return best ?? (rows.length === 1 ? rows[0] : undefined);
}

/** The row with the most plain values in the detail, and how many (`above`: only a row with more counts). */
function bestOfDetail(rows: readonly SheetRow[], values: Set<string>, plain: string[], above = 0): { best?: SheetRow; most: number } {
  let best: SheetRow | undefined;
  let most = above;
  for (const row of rows) {
    const n = plain
      .map((k) => row.values[k])
      .filter((v) => v !== null && v !== undefined && !Array.isArray(v) && typeof v !== 'boolean' && values.has(comparable(v))).length;
    if (n > most) [best, most] = [row, n];
  }
  return { best, most };
}

/**
 * Turns a database refusal during the write into a problem located as the user sees the file:
 * the file, sheet, row, column and value it came from, and what the database refused. Undefined
 * for an error that is not a refusal (SQLSTATE class 22 or 23).
 */
export function locateRefusal(err: unknown, sheets: readonly ParsedSheet[], varchar: readonly { table: string; column: string }[] = []): Problem | undefined {
  const r = pgRefusal(err);
  if (!r) return undefined;
  const rule = refusalRule(r);
  if (r.code === '22001') {
    // "value too long for type character varying(64)" names neither table nor column: the first cell
    // longer than that in a column stored with that length (`varchar`: see varcharColumns).
    const max = varcharLength(r);
    for (const { table, column } of varchar) {
      const kind = kindOfTable(table);
      const col = kind && sheetColumnOf(kind, column);
      const rows = sheets.find((s) => s.spec.name === kind?.spec.name)?.rows ?? [];
      const row = col && rows.find((x) => typeof x.values[col.key] === 'string' && [...(x.values[col.key] as string)].length > max);
      if (row && col) return located(row, col.key, rule);
    }
  }
  const kind = kindOfTable(r.table);
  const sheet = kind && sheets.find((s) => s.spec.name === kind.spec.name);
  const column = columnOfRefusal(r, kind);
  if (!kind || !sheet) return { severity: 'error', file: '', sheet: '', row: null, column: null, value: null, rule };
  const plain = sheet.spec.columns.filter((c) => sheetColumnOf(kind, c.key) === c && !c.ref && c.type !== 'text').map((c) => c.key);
  const row = rowOfDetail(sheet.rows, detailValues(r.detail), plain);
  if (row) return located(row, column?.key ?? null, rule);
  const first = sheet.rows[0];
  return {
    severity: 'error',
    file: first?.file ?? '',
    sheet: first?.sheet ?? sheet.spec.name,
    row: null,
    column: column ? (first?.headers[column.key] ?? column.zh) : null,
    value: null,
    rule,
  };
}

function located(row: SheetRow, key: string | null, rule: string): Problem {
  const value = key ? (row.raw?.[key] ?? row.values[key]) : null;
  return {
    severity: 'error',
    file: row.file,
    sheet: row.sheet,
    row: row.row,
    column: key ? (row.headers[key] ?? key) : null,
    value: value === null || value === undefined ? null : String(value),
    rule,
  };
}

/** Staging rows (src/import/write/staging.ts) as the sheet rows they were read from. */
function stagedRows(staging: Staging, kind: string, page: Record<string, unknown>[]): SheetRow[] {
  return page.map((r) => {
    const source = staging.sources[Number(r.src)]!;
    const { seq: _seq, src: _src, row, invalid, raw, ...values } = r;
    return {
      file: source.file,
      sheet: source.sheet,
      row: Number(row),
      values,
      raw: (raw as Record<string, string> | null) ?? undefined,
      given: source.given,
      headers: source.headers,
      invalid: Boolean(invalid),
    };
  });
}

/**
 * locateRefusal for the kinds that are staged rather than held in memory (projects, stages, fund
 * flows): the refused row is looked up in its staging table, which a rollback to the savepoint
 * taken before the write keeps, a page at a time. Undefined when the refusal is not on a staged kind.
 */
export async function locateStagedRefusal(
  err: unknown,
  sql: Sql,
  staging: Staging,
  varchar: readonly { table: string; column: string }[] = [],
): Promise<Problem | undefined> {
  const r = pgRefusal(err);
  if (!r) return undefined;
  const rule = refusalRule(r);
  if (r.code === '22001') {
    const max = varcharLength(r);
    for (const { table, column } of varchar) {
      const kind = kindOfTable(table);
      const col = kind && sheetColumnOf(kind, column);
      if (!kind || !col || !STAGED_KINDS.includes(kind.spec.name) || !staging.counts.has(kind.spec.name)) continue;
      const cast =
        col.type === 'list'
          ? `exists (select 1 from jsonb_array_elements_text(s."${col.key}") e(v) where char_length(e.v) > $1)`
          : `char_length(s."${col.key}") > $1`;
      const page = await sql.query(`select * from ${stagingTable(kind.spec.name)} s where ${cast} order by seq limit 1`, [max]);
      if (page.length > 0) return located(stagedRows(staging, kind.spec.name, page)[0]!, col.key, rule);
    }
    return undefined;
  }
  const kind = kindOfTable(r.table);
  if (!kind || !STAGED_KINDS.includes(kind.spec.name) || !staging.counts.has(kind.spec.name)) return undefined;
  const name = kind.spec.name;
  const column = columnOfRefusal(r, kind);
  const plain = kind.spec.columns.filter((c) => sheetColumnOf(kind, c.key) === c && !c.ref && c.type !== 'text').map((c) => c.key);
  const values = detailValues(r.detail);
  let best: SheetRow | undefined;
  let most = 0;
  let only: SheetRow | undefined;
  for (let after = 0; ;) {
    const page = await sql.query(`select * from ${stagingTable(name)} where seq > $1 order by seq limit 5000`, [after]);
    if (page.length === 0) break;
    const rows = stagedRows(staging, name, page);
    if (after === 0 && rows.length === 1) only = rows[0];
    const found = bestOfDetail(rows, values, plain, most);
    if (found.best) [best, most] = [found.best, found.most];
    after = Number(page[page.length - 1]!.seq);
  }
  const row = best ?? (staging.counts.get(name) === 1 ? only : undefined);
  if (row) return located(row, column?.key ?? null, rule);
  const source = staging.sources.find((s) => s.kind === name);
  return {
    severity: 'error',
    file: source?.file ?? '',
    sheet: source?.sheet ?? name,
    row: null,
    column: column ? (source?.headers[column.key] ?? column.zh) : null,
    value: null,
    rule,
  };
}
