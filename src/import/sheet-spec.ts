/**
 * What a record kind gives the importer: its sheet (columns, Chinese headers and units, notes,
 * drop-downs) and the check of one row by the kind's own rules. Each kind's folder has one
 * (`src/<kind>/<kind>.sheet.ts`); src/import/sheets.ts registers them.
 */
import type { AreaKind } from '../area/area.enums.js';
import type { KindAccess } from '../auth/scope.js';
import type { Identifier } from '../common/identifiers.js';
import type { Problem } from '../common/rules.js';
import type { Ownership } from '../enterprise/enterprise.enums.js';
import type { Stage } from '../project/project.enums.js';

/** How a cell is read. */
export type ColumnType =
  | 'text'
  | 'code' // an identifier: normalised and checked by the column's `id` (as the GraphQL scalar does)
  | 'money' // exact decimal yuan; unit from the header or the cell (万, 亿)
  | 'date' // ISO, 2023/3/15, 2023年3月15日, or an Excel date cell
  | 'integer'
  | 'boolean' // 是/否, Y/N, true/false, 1/0
  | 'enum'
  | 'list'; // several values separated by 、 , ; or | (codes when the column has an `id`)

/** Kinds of record a code column may refer to. */
export type RefKind = 'area' | 'enterprise' | 'pairing' | 'project' | 'programme' | 'indicator';

export interface ColumnSpec {
  /** Column key, also the English header. */
  key: string;
  /** Chinese header. */
  zh: string;
  type: ColumnType;
  required?: boolean;
  /** Allowed values and the words (Chinese or English) that mean them. */
  values?: Record<string, string[]>;
  /** What the column means, with unit and an example: shown as the header's note in the template. */
  note: string;
  /** The code kind of a `code` column (or of a `list` of codes): the same rule as the API's scalar. */
  id?: Identifier;
  /** The field of the record's rules this column feeds (default: the key in camelCase, `jobs_created` → `jobsCreated`). */
  field?: string;
  /** The column names a record of this kind, which must be in the file or the registry. */
  ref?: RefKind;
}

export interface SheetSpec {
  /** Sheet name and CSV file-name keyword. */
  name: string;
  zh: string;
  /** Natural key columns. */
  key: string[];
  columns: ColumnSpec[];
}

export const SOURCE: ColumnSpec = {
  key: 'source',
  zh: '来源',
  type: 'text',
  required: true,
  note: '来源 Provenance, e.g. 余杭区委宣传部, 2023, or illustrative',
};

/** An area as the checks see it: from the file (as it will be) or the registry. */
export interface AreaFacts {
  code: string;
  name: string;
  kind: AreaKind;
  mountain: boolean;
}

/** What the checks of one row may ask about other records (rows of the file first, then the registry). */
export interface CheckContext {
  area(code: string): AreaFacts | undefined;
  enterprise(code: string): { code: string; name: string; ownership: Ownership } | undefined;
  /** The area as the registry holds it before the import, with the number of areas under it. */
  registeredArea(code: string): { kind: AreaKind; children: number } | undefined;
  project(code: string): { signedOn: string } | undefined;
  /** Stages the registry holds for a project. */
  registeredStages(code: string): { stage: Stage; reachedOn: string }[];
  indicator(code: string): { unit: string; measure: string; parent: string | null } | undefined;
}

/** A parsed row as a kind's check sees it. */
export interface RowView {
  values: Record<string, unknown>;
  /** Column keys the sheet has. */
  given: ReadonlySet<string>;
}

/** One problem of a sheet-wide check, on one row. */
export interface RowProblem extends Problem {
  row: RowView;
}

/** A record kind as the importer sees it; every part is required (test/registration.test.ts checks). */
export interface SheetKind {
  spec: SheetSpec;
  /** The kind of record the first key column names, when other sheets may refer to it. */
  provides?: RefKind;
  /** The record's rules over one row (src/<kind>/<kind>.rules.ts); a row may be completed (a derived value). */
  check(row: RowView, ctx: CheckContext): Problem[];
  /** Rules across the rows of the sheet (state transitions, one-level breakdowns …). */
  checkAll?(rows: readonly RowView[], ctx: CheckContext): RowProblem[];
  /** The table the writer fills (src/import/write/), so a registered sheet is never parsed and not written. */
  table: string;
  /** Who may write this kind through the API (src/auth/scope.ts); the importer is an operator's command. */
  access: KindAccess;
}

/** camelCase of a column key: the field of the rules it feeds. */
export function fieldOf(column: ColumnSpec): string {
  return column.field ?? column.key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The column that feeds a rule's field (`stages[1].stage` → the column of `stages`). */
export function columnOfField(spec: SheetSpec, field: string): ColumnSpec | undefined {
  const base = field.replace(/[[.].*$/, '');
  return spec.columns.find((c) => fieldOf(c) === base) ?? spec.columns.find((c) => c.key === base);
}
