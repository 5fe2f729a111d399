import type { ParsedSheet, SheetRow } from '../parse/rows.js';
import type { Sql } from './sql.js';
import { cols, type Incoming, type TableSpec, upsert, type UpsertResult } from './upsert.js';
import { programmeColumn, writeIndicatorSheets, writeProgrammeSheets } from './write-indicators.js';

/** Counts per sheet after writing. */
export interface SheetSummary {
  sheet: string;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** --replace-project-flows: projects whose flows were replaced, and their flows the file no longer holds (deleted). */
  replacedProjects?: number;
  removed?: number;
}

/** Natural key → id, per kind, for rows in the database (loaded on demand). */
class Ids {
  private readonly maps = new Map<string, Map<string, number>>();

  constructor(private readonly sql: Sql) {}

  /** Ids of these keys, from rows just written or already in the database. */
  async load(table: string, column: string, keys: Iterable<string>): Promise<Map<string, number>> {
    const map = this.maps.get(table) ?? new Map<string, number>();
    this.maps.set(table, map);
    const missing = [...new Set(keys)].filter((k) => k && !map.has(k));
    for (let i = 0; i < missing.length; i += 10_000) {
      const rows = await this.sql.query(`select id, ${column} as k from ${table} where ${column} = any($1)`, [missing.slice(i, i + 10_000)]);
      for (const r of rows) map.set(String(r.k), Number(r.id));
    }
    return map;
  }

  remember(table: string, ids: Map<string, number>): void {
    const map = this.maps.get(table) ?? new Map<string, number>();
    for (const [k, v] of ids) map.set(k, v);
    this.maps.set(table, map);
  }
}

const AREA_LEVEL: Record<string, number> = { DISTRICT: 0, PLATFORM: 1, TOWN: 1, VILLAGE: 2, COMMUNITY: 2 };

/**
 * Writes every valid row of the kinds held in memory, sheet by sheet in reference order, inside
 * the caller's transaction (the staged kinds follow: write-staged.ts). Rows with problems are
 * never here: the import refuses the whole file first.
 */
export async function writeSheets(sql: Sql, sheets: ParsedSheet[], progress: (n: number) => void): Promise<SheetSummary[]> {
  const ids = new Ids(sql);
  const rowsOf = (name: string) => sheets.find((s) => s.spec.name === name)?.rows ?? [];
  // Note: a sheet's rows are let go once written, so a large import never holds two copies of everything.
  const release = (...names: string[]) => {
    for (const s of sheets) if (names.includes(s.spec.name)) s.rows = [];
  };
  const summaries: SheetSummary[] = [];
  const record = (sheet: string, r: Pick<UpsertResult, 'created' | 'updated' | 'unchanged'>) => {
    if (rowsOf(sheet).length > 0) summaries.push({ sheet, created: r.created, updated: r.updated, unchanged: r.unchanged, rejected: 0 });
  };
  const run = async (spec: TableSpec, rows: Incoming[]) => upsert(sql, spec, rows, progress);
  const idOf = (map: Map<string, number>, key: unknown) => (key ? (map.get(String(key)) ?? null) : null);

  // Areas, level by level so parents exist before their children.
  const areaRows = rowsOf('areas');
  const areaTotal = { created: 0, updated: 0, unchanged: 0 };
  for (const level of [0, 1, 2]) {
    const rows = areaRows.filter((r) => AREA_LEVEL[String(r.values.kind)] === level);
    const parents = await ids.load(
      'area',
      'code',
      rows.map((r) => String(r.values.parent_code ?? '')),
    );
    const res = await run(
      { table: 'area', keyCols: ['code'], timestamps: true },
      rows.map((r) => ({
        key: String(r.values.code),
        cols: {
          ...cols(
            r,
            { code: 'code', name: 'name', kind: 'kind', mountain: 'mountain', scenic_grade: 'scenic_grade', source: 'source' },
            { mountain: false, scenic_grade: 'NONE' },
          ),
          ...(r.given.has('parent_code') ? { parent_id: idOf(parents, r.values.parent_code) } : {}),
        },
      })),
    );
    ids.remember('area', res.ids);
    areaTotal.created += res.created;
    areaTotal.updated += res.updated;
    areaTotal.unchanged += res.unchanged;
  }
  record('areas', areaTotal);
  release('areas');

  const enterprises = await run(
    { table: 'enterprise', keyCols: ['credit_code'], timestamps: true },
    rowsOf('enterprises').map((r) => ({
      key: String(r.values.credit_code),
      cols: cols(r, { credit_code: 'credit_code', name: 'name', ownership: 'ownership', tags: 'tags', source: 'source' }, { tags: [] }),
    })),
  );
  ids.remember('enterprise', enterprises.ids);
  record('enterprises', enterprises);
  release('enterprises');
  await writeProgrammeSheets(sql, sheets, progress, record);
  release('programmes', 'programme_documents', 'programme_events');

  const pairingRows = rowsOf('pairings');
  const pAreas = await ids.load(
    'area',
    'code',
    pairingRows.flatMap((r) => [r.values.lead_area_code, r.values.partner_area_code].map((v) => String(v ?? ''))),
  );
  const pEnts = await ids.load(
    'enterprise',
    'credit_code',
    pairingRows.flatMap((r) => [r.values.lead_credit_code, r.values.partner_credit_code].map((v) => String(v ?? ''))),
  );
  const pProgramme = await programmeColumn(sql, pairingRows);
  const side = (r: SheetRow, s: 'lead' | 'partner') =>
    r.given.has(`${s}_area_code`) || r.given.has(`${s}_credit_code`)
      ? { [`${s}_area_id`]: idOf(pAreas, r.values[`${s}_area_code`]), [`${s}_enterprise_id`]: idOf(pEnts, r.values[`${s}_credit_code`]) }
      : {};
  const pairings = await run(
    { table: 'pairing', keyCols: ['code'], timestamps: true },
    pairingRows.map((r) => ({
      key: String(r.values.code),
      cols: {
        ...cols(r, { code: 'code', scheme: 'scheme', start_date: 'start_date', end_date: 'end_date', note: 'note', source: 'source' }),
        ...side(r, 'lead'),
        ...side(r, 'partner'),
        ...pProgramme(r),
      },
    })),
  );
  ids.remember('pairing', pairings.ids);
  record('pairings', pairings);
  release('pairings');

  const incomeRows = rowsOf('collective_incomes');
  const incomeVillages = await ids.load(
    'area',
    'code',
    incomeRows.map((r) => String(r.values.village_code)),
  );
  const money = ['operating_income', 'business_income', 'contracting_income', 'investment_income', 'subsidy_income', 'other_income'];
  const incomes = await run(
    { table: 'collective_income', keyCols: ['village_id', 'year'], decimalCols: money, timestamps: true },
    incomeRows.map((r) => {
      const villageId = idOf(incomeVillages, r.values.village_code);
      const c = cols(r, Object.fromEntries([...money, 'year', 'source'].map((k) => [k, k])));
      // Note: operating income may have been computed from its parts during the checks.
      c.operating_income = r.values.operating_income;
      return { key: `${villageId}|${r.values.year}`, cols: { village_id: villageId, ...c } };
    }),
  );
  record('collective_incomes', incomes);
  release('collective_incomes');

  const shopRows = rowsOf('workshops');
  const shopVillages = await ids.load(
    'area',
    'code',
    shopRows.map((r) => String(r.values.village_code)),
  );
  const shopHosts = await ids.load(
    'enterprise',
    'credit_code',
    shopRows.map((r) => String(r.values.host_credit_code ?? '')),
  );
  const shopProgramme = await programmeColumn(sql, shopRows);
  const workshops = await run(
    { table: 'workshop', keyCols: ['village_id', 'name'], decimalCols: ['income_gain_per_person'], timestamps: true },
    shopRows.map((r) => {
      const villageId = idOf(shopVillages, r.values.village_code);
      return {
        key: `${villageId}|${r.values.name}`,
        cols: {
          village_id: villageId,
          ...cols(
            r,
            {
              name: 'name',
              type: 'type',
              opened_on: 'opened_on',
              jobs_created: 'jobs_created',
              low_income_jobs: 'low_income_jobs',
              income_gain_per_person: 'income_gain_per_person',
              source: 'source',
            },
            { jobs_created: 0, low_income_jobs: 0 },
          ),
          ...(r.given.has('host_credit_code') ? { host_enterprise_id: idOf(shopHosts, r.values.host_credit_code) } : {}),
          ...shopProgramme(r),
        },
      };
    }),
  );
  record('workshops', workshops);
  release('workshops');
  await writeIndicatorSheets(sql, sheets, progress, record);
  return summaries;
}
