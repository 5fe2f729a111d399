import type { AreaKind } from '../area/area.enums.js';
import type { Ownership } from '../enterprise/enterprise.enums.js';
import type { Stage } from '../project/project.enums.js';
import type { ParsedSheet, SheetRow } from './parse/rows.js';
import type { ProblemLog } from './problems.js';
import { type CheckContext, columnOfField, type RefKind, type SheetSpec } from './sheet-spec.js';
import { kindOf, KINDS } from './sheets.js';
import type { Sql } from './write/sql.js';

/** What the database already holds for the natural keys a file refers to. */
export interface Existing {
  areas: Map<string, { name: string; kind: AreaKind; mountain: boolean; children: number }>;
  enterprises: Map<string, { name: string; ownership: Ownership }>;
  pairings: Set<string>;
  projects: Map<string, { signedOn: string }>;
  /** Stages already recorded, by project code. */
  stages: Map<string, { stage: Stage; reachedOn: string }[]>;
  /** Programme codes already in the registry. */
  programmes?: Set<string>;
  /** Indicators already in the registry, by code. */
  indicators?: Map<string, { unit: string; measure: string; parent: string | null }>;
}

/** How a reference that names nothing is reported. */
const NOUN: Record<RefKind, { what: string; sheet: string }> = {
  area: { what: 'area has code', sheet: 'areas' },
  enterprise: { what: 'enterprise has credit code', sheet: 'enterprises' },
  pairing: { what: 'pairing has code', sheet: 'pairings' },
  project: { what: 'project has code', sheet: 'projects' },
  programme: { what: 'programme has code', sheet: 'programmes' },
  indicator: { what: 'indicator has code', sheet: 'indicators' },
};

/** The codes a row's column holds (one, or a list). */
function codesOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((c): c is string => typeof c === 'string' && c !== '');
  return typeof value === 'string' && value ? [value] : [];
}

/** Natural keys a file refers to (or defines), by kind, for looking up what already exists. */
export function referencedKeys(sheets: ParsedSheet[]): Record<RefKind, Set<string>> {
  const keys = {
    area: new Set<string>(),
    enterprise: new Set<string>(),
    pairing: new Set<string>(),
    project: new Set<string>(),
    programme: new Set<string>(),
    indicator: new Set<string>(),
  };
  for (const { spec, rows } of sheets) {
    const kind = kindOf(spec);
    const columns = spec.columns.filter((c) => c.ref);
    for (const { values } of rows) {
      if (kind.provides) for (const c of codesOf(values[spec.key[0]!])) keys[kind.provides].add(c);
      for (const col of columns) for (const c of codesOf(values[col.key])) keys[col.ref!].add(c);
    }
  }
  return keys;
}

/** Loads what the registry holds for the keys the file names (and the stages of the projects it touches). */
export async function loadExisting(sql: Sql, sheets: ParsedSheet[]): Promise<Existing> {
  const keys = referencedKeys(sheets);
  const rowsOf = (name: string) => sheets.find((s) => s.spec.name === name)?.rows ?? [];
  const stageProjects = [
    ...new Set([
      ...rowsOf('project_stages').map((r) => String(r.values.project_code)),
      ...rowsOf('fund_flows')
        .filter((r) => r.values.kind === 'LANDED')
        .map((r) => String(r.values.project_code)),
    ]),
  ];
  const areas = await sql.query(
    'select a.code, a.name, a.kind, a.mountain, (select count(*) from area c where c.parent_id = a.id)::int as children from area a where a.code = any($1)',
    [[...keys.area]],
  );
  const enterprises = await sql.query('select credit_code, name, ownership from enterprise where credit_code = any($1)', [[...keys.enterprise]]);
  const pairings = await sql.query('select code from pairing where code = any($1)', [[...keys.pairing]]);
  const projects = await sql.query('select code, signed_on from project where code = any($1)', [[...keys.project]]);
  const stages = await sql.query('select p.code, s.stage, s.reached_on from project_stage s join project p on p.id = s.project_id where p.code = any($1)', [
    stageProjects,
  ]);
  const programmes = await sql.query('select code from programme');
  const indicators = await sql.query('select i.code, i.unit, i.measure, p.code as parent from indicator i left join indicator p on p.id = i.parent_id');
  const stageMap = new Map<string, { stage: Stage; reachedOn: string }[]>();
  for (const s of stages) stageMap.set(s.code, [...(stageMap.get(s.code) ?? []), { stage: s.stage, reachedOn: s.reached_on }]);
  return {
    areas: new Map(areas.map((a) => [a.code, { name: a.name, kind: a.kind, mountain: a.mountain, children: Number(a.children) }])),
    enterprises: new Map(enterprises.map((e) => [e.credit_code, { name: e.name, ownership: e.ownership }])),
    pairings: new Set(pairings.map((p) => p.code)),
    projects: new Map(projects.map((p) => [p.code, { signedOn: p.signed_on }])),
    stages: stageMap,
    programmes: new Set(programmes.map((p) => String(p.code))),
    indicators: new Map(
      indicators.map((i) => [String(i.code), { unit: String(i.unit), measure: String(i.measure), parent: i.parent === null ? null : String(i.parent) }]),
    ),
  };
}

/** A problem with one row: marks it invalid and logs it, located. */
export type Fail = (row: SheetRow, key: string | null, value: unknown, rule: string) => void;

/** The Fail that logs to `log`, showing the value as the cell held it. */
export function failer(log: ProblemLog): Fail {
  return (row, key, value, rule) => {
    row.invalid = true;
    // The value as the cell held it (7.1亿, 2023/3/15, a lower-case code), not as it was converted.
    const shown = key && value === row.values[key] ? row.raw?.[key] : undefined;
    log.add({
      severity: 'error',
      file: row.file,
      sheet: row.sheet,
      row: row.row,
      column: key ? (row.headers[key] ?? key) : null,
      value: shown ?? (value === null || value === undefined ? null : String(value)),
      rule,
    });
  };
}

/** Reports a kind's rule problems on a row, each on the column that feeds its field. */
function reportOn(spec: SheetSpec, fail: Fail, row: SheetRow, problems: readonly { field: string; rule: string; value?: unknown }[]): void {
  for (const p of problems) {
    const column = columnOfField(spec, p.field);
    fail(row, column?.key ?? null, p.value ?? (column ? row.values[column.key] : null), p.rule);
  }
}

/** How a reference to a record that is neither in the file nor in the registry is worded (in memory and in SQL). */
export function missingReferenceRule(ref: RefKind, code: string): string {
  return `no ${NOUN[ref].what} ${code} (not in the ${NOUN[ref].sheet} sheet or the registry)`;
}

/**
 * What a staged kind's `check(row, ctx)` may look up while its rows are read: nothing in the file
 * or the registry yet. The lookups listed here answer "unknown", and the rules that need them are
 * done over the staging tables in SQL instead (src/import/write/staged-checks.ts: the host area's
 * kind, references, stage order); any other lookup throws, so a rule added to a staged kind's check
 * that needs another record cannot be skipped silently.
 */
const STAGED_LOOKUPS: Record<string, readonly (keyof CheckContext)[]> = {
  projects: ['area'],
  project_stages: [],
  fund_flows: [],
};

function rowOnlyContext(kind: string): CheckContext {
  const lookup = (name: keyof CheckContext) => () => {
    if (STAGED_LOOKUPS[kind]?.includes(name)) return undefined;
    throw new Error(
      `the check of staged kind ${kind} looks up ${name}: check that rule in SQL (src/import/write/staged-checks.ts) and list it in STAGED_LOOKUPS`,
    );
  };
  return {
    area: lookup('area'),
    enterprise: lookup('enterprise'),
    registeredArea: lookup('registeredArea'),
    project: lookup('project'),
    registeredStages: () => lookup('registeredStages')() ?? [],
    indicator: lookup('indicator'),
  } as CheckContext;
}

/**
 * Row rules of the kinds that are staged (src/import/write/staging.ts), applied as each row is
 * read: the kind's own `check(row, ctx)` (src/<kind>/<kind>.sheet.ts, the rules the API calls),
 * with a context that knows no other record. Their rules across records are in staged-checks.ts.
 */
export const STAGED_ROW_RULES: Record<string, (row: SheetRow, fail: Fail) => void> = Object.fromEntries(
  Object.keys(STAGED_LOOKUPS).map((name) => {
    const kind = KINDS.find((k) => k.spec.name === name)!;
    const ctx = rowOnlyContext(name);
    return [name, (row: SheetRow, fail: Fail) => reportOn(kind.spec, fail, row, kind.check(row, ctx))];
  }),
);

/**
 * Checks what spans cells, rows, sheets and the database for the kinds held in memory (the staged
 * kinds' are in src/import/write/staged-checks.ts): duplicate keys, references (to rows in this
 * file, earlier or later, or to the registry) and every registered kind's own rules (the same
 * functions the GraphQL mutations call). Marks broken rows invalid and logs each problem.
 */
export function checkSheets(sheets: ParsedSheet[], existing: Existing, log: ProblemLog): void {
  const fail = failer(log);

  // Duplicate natural keys within the file.
  const fileRows = new Map<string, Map<string, SheetRow>>();
  for (const { spec, rows } of sheets) {
    const seen = new Map<string, SheetRow>();
    for (const row of rows) {
      if (spec.key.some((k) => row.values[k] === null || row.values[k] === undefined)) continue;
      const key = spec.key.map((k) => String(row.values[k])).join('|');
      const first = seen.get(key);
      if (first) fail(row, spec.key[spec.key.length - 1]!, key.replace(/\|/g, ' / '), `duplicate key: already in ${first.sheet} row ${first.row}`);
      else seen.set(key, row);
    }
    fileRows.set(spec.name, seen);
  }
  const inFile = (ref: RefKind, code: string) => fileRows.get(NOUN[ref].sheet)?.get(code);
  const known: Record<RefKind, (code: string) => boolean> = {
    area: (c) => Boolean(inFile('area', c) ?? existing.areas.has(c)),
    enterprise: (c) => Boolean(inFile('enterprise', c) ?? existing.enterprises.has(c)),
    pairing: (c) => Boolean(inFile('pairing', c) ?? existing.pairings.has(c)),
    project: (c) => Boolean(inFile('project', c) ?? existing.projects.has(c)),
    programme: (c) => Boolean(inFile('programme', c) ?? existing.programmes?.has(c)),
    indicator: (c) => Boolean(inFile('indicator', c) ?? existing.indicators?.has(c)),
  };
  const ctx: CheckContext = {
    area(code) {
      const row = inFile('area', code);
      const db = existing.areas.get(code);
      if (!row) return db && { code, name: db.name, kind: db.kind, mountain: db.mountain };
      const v = row.values;
      return { code, name: String(v.name ?? db?.name ?? ''), kind: (v.kind ?? db?.kind) as AreaKind, mountain: Boolean(v.mountain ?? db?.mountain) };
    },
    enterprise(code) {
      const row = inFile('enterprise', code);
      const db = existing.enterprises.get(code);
      if (!row) return db && { code, ...db };
      return { code, name: String(row.values.name ?? db?.name ?? ''), ownership: (row.values.ownership ?? db?.ownership) as Ownership };
    },
    registeredArea: (code) => existing.areas.get(code),
    project(code) {
      const row = inFile('project', code);
      return row ? { signedOn: row.values.signed_on as string } : existing.projects.get(code);
    },
    registeredStages: (code) => existing.stages.get(code) ?? [],
    indicator(code) {
      const row = inFile('indicator', code);
      if (row) return { unit: String(row.values.unit), measure: String(row.values.measure), parent: (row.values.parent_code as string | null) ?? null };
      return existing.indicators?.get(code);
    },
  };

  for (const { spec, rows } of sheets) {
    const kind = kindOf(spec);
    const refs = spec.columns.filter((c) => c.ref);
    const report = (row: SheetRow, problems: readonly { field: string; rule: string; value?: unknown }[]) => reportOn(spec, fail, row, problems);
    for (const row of rows) {
      for (const col of refs) {
        for (const code of codesOf(row.values[col.key])) {
          if (!known[col.ref!](code)) fail(row, col.key, Array.isArray(row.values[col.key]) ? code : row.values[col.key], missingReferenceRule(col.ref!, code));
        }
      }
      report(row, kind.check(row, ctx));
    }
    if (kind.checkAll) for (const p of kind.checkAll(rows, ctx)) report(p.row as SheetRow, [p]);
  }
}
