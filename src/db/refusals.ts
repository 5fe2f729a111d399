/**
 * Database refusals (SQLSTATE class 22 and 23: a value too long or out of range, a check, unique,
 * foreign-key or not-null constraint, the area tree's trigger) located on the record's columns, so
 * the importer can name the sheet, row and column and the API the input path. The rules of each
 * kind make these unreachable in normal use; this is what a user sees when one slips through.
 */
import { type ColumnSpec, fieldOf, type SheetKind } from '../import/sheet-spec.js';
import { KINDS } from '../import/sheets.js';

/** What node-postgres tells about a refusal. */
export interface PgRefusal {
  code: string;
  message: string;
  table?: string;
  column?: string;
  constraint?: string;
  detail?: string;
}

/** The first error in the chain (MikroORM wraps node-postgres's) that carries a class 22/23 SQLSTATE. */
export function pgRefusal(err: unknown): PgRefusal | undefined {
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (typeof e === 'object' && e !== null && !seen.has(e)) {
    seen.add(e);
    const r = e as Record<string, unknown>;
    if (typeof r.code === 'string' && /^2[23]/.test(r.code) && typeof r.message === 'string') {
      const s = (k: string) => (typeof r[k] === 'string' ? (r[k] as string) : undefined);
      return { code: r.code, message: r.message, table: s('table'), column: s('column'), constraint: s('constraint'), detail: s('detail') };
    }
    e = r.cause ?? r.previous ?? r.originalError;
  }
  return undefined;
}

/** What each refusal means, in words, by SQLSTATE. */
const KIND_OF: Record<string, string> = {
  '22001': 'value too long',
  '22003': 'number out of range',
  '23502': 'a value is required',
  '23503': 'refers to a record that does not exist (or is still referred to)',
  '23505': 'a record with this key already exists',
  '23514': 'breaks a rule of the database',
};

/** Foreign-key columns whose sheet column is not named after them. */
const FK_COLUMNS: Record<string, string> = {
  lead_enterprise_id: 'lead_credit_code',
  partner_enterprise_id: 'partner_credit_code',
  host_enterprise_id: 'host_credit_code',
  host_id: 'host_area_code',
};

/** Check constraints whose name does not say their column: the column a user corrects. */
const CONSTRAINT_COLUMNS: Record<string, string> = {
  collective_income_parts_sum: 'operating_income',
  collective_income_nonnegative: 'operating_income',
  pairing_one_lead: 'lead_area_id',
  pairing_one_partner: 'partner_area_id',
  pairing_dates_ordered: 'end_date',
  workshop_low_income_within_jobs: 'low_income_jobs',
  workshop_income_gain_nonnegative: 'income_gain_per_person',
  workshop_jobs_nonnegative: 'jobs_created',
  area_parent_required: 'parent_id',
  area_scenic_is_village: 'scenic_grade',
  area_mountain_is_town: 'mountain',
  area_code_digits: 'code',
  enterprise_credit_code_format: 'credit_code',
  project_signed_amount_nonnegative: 'signed_amount',
  fund_flow_amount_positive: 'amount',
  collective_income_year_range: 'year',
};

/** The sheet column that feeds a table column (`village_id` → `village_code`). */
export function sheetColumnOf(kind: SheetKind, dbColumn: string): ColumnSpec | undefined {
  const cols = kind.spec.columns;
  const direct = cols.find((c) => c.key === (FK_COLUMNS[dbColumn] ?? dbColumn));
  if (direct) return direct;
  if (dbColumn.endsWith('_id')) {
    const stem = dbColumn.slice(0, -3);
    return cols.find((c) => c.key === `${stem}_code` || c.key === `${stem}_area_code` || c.key === `${stem}_credit_code`);
  }
  return undefined;
}

/** The registered kind writing this table. */
export function kindOfTable(table: string | undefined): SheetKind | undefined {
  return table ? KINDS.find((k) => k.table === table) : undefined;
}

/** The table column a constraint is about: the error's own column, else the longest column named inside the constraint's name. */
export function columnOfRefusal(r: PgRefusal, kind: SheetKind | undefined): ColumnSpec | undefined {
  if (!kind) return undefined;
  if (r.column) return sheetColumnOf(kind, r.column);
  const known = r.constraint && CONSTRAINT_COLUMNS[r.constraint];
  if (known) return sheetColumnOf(kind, known);
  const name = r.constraint?.startsWith(`${kind.table}_`) ? r.constraint.slice(kind.table.length + 1) : r.constraint;
  if (name) {
    // Note: the column named in a unique key's detail ("Key (village_id, year)=…") is its last part.
    const keyCols = /^Key \(([^)]*)\)/.exec(r.detail ?? '')?.[1]?.split(', ');
    if (keyCols) return sheetColumnOf(kind, keyCols[keyCols.length - 1]!) ?? kind.spec.columns.find((c) => c.key === kind.spec.key[kind.spec.key.length - 1]);
    const candidates = kind.spec.columns
      .flatMap((c) => [c.key, c.key.replace(/_(area|credit)?_?code$/, '_id'), c.key.replace(/_code$/, '_id')].map((db) => ({ c, db })))
      .filter(({ db }) => name.startsWith(db) || name.includes(`_${db}`) || name.includes(db));
    candidates.sort((a, b) => b.db.length - a.db.length);
    if (candidates[0]) return candidates[0].c;
  }
  return undefined;
}

/** One line for a user: what the database refused and why, without SQL or internal ids. */
export function refusalRule(r: PgRefusal): string {
  const what = KIND_OF[r.code] ?? 'refused by the database';
  // Note: the trigger's own message names codes, not ids; other messages may name internal ids, so only the constraint is shown.
  const why =
    r.constraint === 'area_tree_shape' ? r.message : r.code === '22001' ? r.message : r.constraint ? `rule ${r.constraint}` : r.message.replace(/\s*\(.*$/, '');
  return `the database refused the value: ${what} (${why}; SQLSTATE ${r.code})`;
}

/** The API's input field (`input.operatingIncome`) of a refused table column. */
export function inputFieldOf(r: PgRefusal, kind: SheetKind | undefined): string | undefined {
  const column = columnOfRefusal(r, kind);
  return column ? `input.${fieldOf(column)}` : undefined;
}

/** The length in "value too long for type character varying(64)". */
export function varcharLength(r: PgRefusal): number {
  return Number(/\((\d+)\)/.exec(r.message)?.[1] ?? NaN);
}

/** SQL listing the columns stored as varchar(n), for locating a 22001 (bind n as $1). */
export const VARCHAR_COLUMNS_SQL = `select table_name as "table", column_name as "column" from information_schema.columns where table_schema = current_schema() and character_maximum_length = $1`;
