import { compareYuan } from '../../common/decimal.js';
import type { SheetRow } from '../parse/rows.js';
import { batchSize, type Sql } from './sql.js';

/** A row to write: its natural key (as a string), and the columns the file gives. */
export interface Incoming {
  key: string;
  cols: Record<string, unknown>;
}

export interface TableSpec {
  table: string;
  /** Natural key columns; the key string is their values joined by '|'. */
  keyCols: string[];
  /** Columns holding decimals (compared as numbers, not text). */
  decimalCols?: string[];
  /** Whether the table has created_at/updated_at/source. */
  timestamps?: boolean;
}

export interface UpsertResult {
  created: number;
  updated: number;
  unchanged: number;
  /** Natural key → id, for every incoming row. */
  ids: Map<string, number>;
  /** Keys of the rows that were already as given. */
  unchangedKeys: Set<string>;
}

function keyOf(row: Record<string, unknown>, cols: string[]): string {
  return cols.map((c) => String(row[c])).join('|');
}

function same(a: unknown, b: unknown, decimal: boolean): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (decimal) return compareYuan(String(a), String(b)) === 0;
  if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a) === JSON.stringify(b);
  return String(a) === String(b);
}

/**
 * Creates or updates rows by natural key in a few statements: one SELECT per 10,000 keys, one
 * INSERT per batch of new rows, one UPDATE per changed row. Unchanged rows are not touched
 * (their updated_at stays).
 */
export async function upsert(sql: Sql, spec: TableSpec, rows: Incoming[], onProgress?: (n: number) => void): Promise<UpsertResult> {
  const result: UpsertResult = { created: 0, updated: 0, unchanged: 0, ids: new Map(), unchangedKeys: new Set() };
  if (rows.length === 0) return result;
  const decimals = new Set(spec.decimalCols ?? []);
  const first = spec.keyCols[0];
  const existing = new Map<string, Record<string, unknown>>();
  const firstValues = [...new Set(rows.map((r) => r.cols[first]))];
  for (let i = 0; i < firstValues.length; i += 10_000) {
    const found = await sql.query(`select * from ${spec.table} where ${first} = any($1)`, [firstValues.slice(i, i + 10_000)]);
    for (const row of found) existing.set(keyOf(row, spec.keyCols), row);
  }
  const creates: Incoming[] = [];
  for (const row of rows) {
    const old = existing.get(row.key);
    if (!old) {
      creates.push(row);
      continue;
    }
    result.ids.set(row.key, Number(old.id));
    const changed = Object.entries(row.cols).filter(([c, v]) => !same(old[c], v, decimals.has(c)));
    if (changed.length === 0) {
      result.unchanged++;
      result.unchangedKeys.add(row.key);
      continue;
    }
    const sets = changed.map(([c], i) => `${c} = $${i + 2}`);
    if (spec.timestamps) sets.push('updated_at = now()');
    await sql.query(`update ${spec.table} set ${sets.join(', ')} where id = $1`, [old.id, ...changed.map(([, v]) => v)]);
    result.updated++;
  }
  onProgress?.(rows.length - creates.length);
  const columns = [...new Set(creates.flatMap((r) => Object.keys(r.cols)))];
  const size = batchSize(columns.length);
  for (let i = 0; i < creates.length; i += size) {
    const batch = creates.slice(i, i + size);
    const params: unknown[] = [];
    const tuples = batch.map((r) => {
      const cells = columns.map((c) => {
        if (!(c in r.cols)) return 'default';
        params.push(r.cols[c]);
        return `$${params.length}`;
      });
      if (spec.timestamps) cells.push('now()', 'now()');
      return `(${cells.join(', ')})`;
    });
    const cols = spec.timestamps ? [...columns, 'created_at', 'updated_at'] : columns;
    const inserted = await sql.query(
      `insert into ${spec.table} (${cols.join(', ')}) values ${tuples.join(', ')} returning id, ${spec.keyCols.join(', ')}`,
      params,
    );
    for (const row of inserted) result.ids.set(keyOf(row, spec.keyCols), Number(row.id));
    result.created += batch.length;
    onProgress?.(batch.length);
  }
  return result;
}

/** Copies the columns the row gives, mapping sheet keys to database columns and blanks to defaults. */
export function cols(row: SheetRow, mapping: Record<string, string>, defaults: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(mapping)) {
    if (!row.given.has(key)) continue;
    const v = row.values[key];
    out[column] = v === null || v === undefined ? (defaults[column] ?? null) : v;
  }
  return out;
}
