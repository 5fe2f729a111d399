import type { ParsedSheet, SheetRow } from '../parse/rows.js';
import { Stage } from '../../project/project.enums.js';
import type { Sql } from './sql.js';
import { cols, upsert, type Incoming, type TableSpec, type UpsertResult } from './upsert.js';
import { removeOtherFlows } from '../replace-flows.js';
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

export interface WriteOptions {
  /** Replace the fund flows of the projects in the fund_flows sheet (src/import/replace-flows.ts). */
  replaceProjectFlows?: boolean;
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

const STAGE_TYPES = { project_id: 'int', stage: 'text', reached_on: 'date' };

const AREA_LEVEL: Record<string, number> = { DISTRICT: 0, PLATFORM: 1, TOWN: 1, VILLAGE: 2, COMMUNITY: 2 };

/**
 * Writes every valid row, sheet by sheet in reference order, inside the caller's transaction.
 * Rows with problems are never here: the import refuses the whole file first.
 */
export async function writeSheets(sql: Sql, sheets: ParsedSheet[], progress: (n: number) => void, options: WriteOptions = {}): Promise<SheetSummary[]> {
  const ids = new Ids(sql);
  let replacement: { sheet: string; projects: number; removed: number } | undefined;
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
  const idOf = (map: Map<string, number>, key: unknown) => (key ? map.get(String(key)) ?? null : null);

  // Areas, level by level so parents exist before their children.
  const areaRows = rowsOf('areas');
  const areaTotal = { created: 0, updated: 0, unchanged: 0 };
  for (const level of [0, 1, 2]) {
    const rows = areaRows.filter((r) => AREA_LEVEL[String(r.values.kind)] === level);
    const parents = await ids.load('area', 'code', rows.map((r) => String(r.values.parent_code ?? '')));
    const res = await run(
      { table: 'area', keyCols: ['code'], timestamps: true },
      rows.map((r) => ({
        key: String(r.values.code),
        cols: { ...cols(r, { code: 'code', name: 'name', kind: 'kind', mountain: 'mountain', scenic_grade: 'scenic_grade', source: 'source' }, { mountain: false, scenic_grade: 'NONE' }), ...(r.given.has('parent_code') ? { parent_id: idOf(parents, r.values.parent_code) } : {}) },
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
    rowsOf('enterprises').map((r) => ({ key: String(r.values.credit_code), cols: cols(r, { credit_code: 'credit_code', name: 'name', ownership: 'ownership', tags: 'tags', source: 'source' }, { tags: [] }) })),
  );
  ids.remember('enterprise', enterprises.ids);
  record('enterprises', enterprises);
  release('enterprises');
  await writeProgrammeSheets(sql, sheets, progress, record);
  release('programmes', 'programme_documents', 'programme_events');

  const pairingRows = rowsOf('pairings');
  const pAreas = await ids.load('area', 'code', pairingRows.flatMap((r) => [r.values.lead_area_code, r.values.partner_area_code].map((v) => String(v ?? ''))));
  const pEnts = await ids.load('enterprise', 'credit_code', pairingRows.flatMap((r) => [r.values.lead_credit_code, r.values.partner_credit_code].map((v) => String(v ?? ''))));
  const pProgramme = await programmeColumn(sql, pairingRows);
  const side = (r: SheetRow, s: 'lead' | 'partner') =>
    r.given.has(`${s}_area_code`) || r.given.has(`${s}_credit_code`)
      ? { [`${s}_area_id`]: idOf(pAreas, r.values[`${s}_area_code`]), [`${s}_enterprise_id`]: idOf(pEnts, r.values[`${s}_credit_code`]) }
      : {};
  const pairings = await run(
    { table: 'pairing', keyCols: ['code'], timestamps: true },
    pairingRows.map((r) => ({
      key: String(r.values.code),
      cols: { ...cols(r, { code: 'code', scheme: 'scheme', start_date: 'start_date', end_date: 'end_date', note: 'note', source: 'source' }), ...side(r, 'lead'), ...side(r, 'partner'), ...pProgramme(r) },
    })),
  );
  ids.remember('pairing', pairings.ids);
  record('pairings', pairings);
  release('pairings');

  const projectRows = rowsOf('projects');
  const hosts = await ids.load('area', 'code', projectRows.map((r) => String(r.values.host_area_code ?? '')));
  const prPairings = await ids.load('pairing', 'code', projectRows.map((r) => String(r.values.pairing_code ?? '')));
  const prProgramme = await programmeColumn(sql, projectRows);
  const projects = await run(
    { table: 'project', keyCols: ['code'], decimalCols: ['signed_amount'], timestamps: true, columnTypes: { code: 'text', name: 'text', sector: 'text', signed_amount: 'numeric', signed_on: 'date', source: 'text', host_id: 'int', pairing_id: 'int', programme_id: 'int' } },
    projectRows.map((r) => ({
      key: String(r.values.code),
      cols: {
        ...cols(r, { code: 'code', name: 'name', sector: 'sector', signed_amount: 'signed_amount', signed_on: 'signed_on', source: 'source' }),
        host_id: idOf(hosts, r.values.host_area_code),
        ...(r.given.has('pairing_code') ? { pairing_id: idOf(prPairings, r.values.pairing_code) } : {}),
        ...prProgramme(r),
      },
    })),
  );
  ids.remember('project', projects.ids);
  await writeInvestors(sql, ids, projectRows, projects);
  record('projects', projects);

  // Stages: the rows of the sheet, plus SIGNED on the signing date of every project in the file.
  const stageRows = rowsOf('project_stages');
  const stageProjects = await ids.load('project', 'code', stageRows.map((r) => String(r.values.project_code)));
  const explicit = new Set(stageRows.filter((r) => r.values.stage === Stage.SIGNED).map((r) => String(r.values.project_code)));
  const stageIncoming: Incoming[] = stageRows.map((r) => {
    const projectId = idOf(stageProjects, r.values.project_code);
    return { key: `${projectId}|${r.values.stage}`, cols: { project_id: projectId, stage: r.values.stage, reached_on: r.values.reached_on } };
  });
  const stages = await run({ table: 'project_stage', keyCols: ['project_id', 'stage'], columnTypes: STAGE_TYPES }, stageIncoming);
  record('project_stages', stages);
  const implied = projectRows
    .filter((r) => !explicit.has(String(r.values.code)))
    .map((r) => {
      const projectId = projects.ids.get(String(r.values.code))!;
      return { key: `${projectId}|SIGNED`, cols: { project_id: projectId, stage: Stage.SIGNED, reached_on: r.values.signed_on } };
    });
  await upsert(sql, { table: 'project_stage', keyCols: ['project_id', 'stage'], columnTypes: STAGE_TYPES }, implied);
  release('projects', 'project_stages');

  const flowRows = rowsOf('fund_flows');
  const flowProjects = await ids.load('project', 'code', flowRows.map((r) => String(r.values.project_code)));
  const flows = await run(
    { table: 'fund_flow', keyCols: ['project_id', 'reference'], decimalCols: ['amount'], timestamps: true, columnTypes: { project_id: 'int', reference: 'text', kind: 'text', amount: 'numeric', occurred_on: 'date', source: 'text' } },
    flowRows.map((r) => {
      const projectId = idOf(flowProjects, r.values.project_code);
      return { key: `${projectId}|${r.values.reference}`, cols: { project_id: projectId, ...cols(r, { reference: 'reference', kind: 'kind', amount: 'amount', occurred_on: 'occurred_on', source: 'source' }) } };
    }),
  );
  if (options.replaceProjectFlows && flowRows.length > 0) {
    const replaced = await removeOtherFlows(sql, [...flowProjects.values()], [...flows.ids.values()]);
    replacement = { sheet: 'fund_flows', ...replaced };
  }
  record('fund_flows', flows);
  if (replacement) Object.assign(summaries[summaries.length - 1]!, { replacedProjects: replacement.projects, removed: replacement.removed });
  release('fund_flows');

  const incomeRows = rowsOf('collective_incomes');
  const incomeVillages = await ids.load('area', 'code', incomeRows.map((r) => String(r.values.village_code)));
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
  const shopVillages = await ids.load('area', 'code', shopRows.map((r) => String(r.values.village_code)));
  const shopHosts = await ids.load('enterprise', 'credit_code', shopRows.map((r) => String(r.values.host_credit_code ?? '')));
  const shopProgramme = await programmeColumn(sql, shopRows);
  const workshops = await run(
    { table: 'workshop', keyCols: ['village_id', 'name'], decimalCols: ['income_gain_per_person'], timestamps: true },
    shopRows.map((r) => {
      const villageId = idOf(shopVillages, r.values.village_code);
      return {
        key: `${villageId}|${r.values.name}`,
        cols: {
          village_id: villageId,
          ...cols(r, { name: 'name', type: 'type', opened_on: 'opened_on', jobs_created: 'jobs_created', low_income_jobs: 'low_income_jobs', income_gain_per_person: 'income_gain_per_person', source: 'source' }, { jobs_created: 0, low_income_jobs: 0 }),
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

/** Replaces the investor list of every project row that gives one; a changed list counts as an update. */
async function writeInvestors(sql: Sql, ids: Ids, rows: SheetRow[], result: UpsertResult): Promise<void> {
  const given = rows.filter((r) => r.given.has('investor_credit_codes'));
  if (given.length === 0) return;
  const enterprises = await ids.load('enterprise', 'credit_code', given.flatMap((r) => (r.values.investor_credit_codes as string[] | null) ?? []));
  const projectIds = given.map((r) => result.ids.get(String(r.values.code))!);
  const current = new Map<number, Set<number>>();
  for (const row of await sql.query('select project_id, enterprise_id from project_investor where project_id = any($1)', [projectIds])) {
    const set = current.get(Number(row.project_id)) ?? new Set<number>();
    set.add(Number(row.enterprise_id));
    current.set(Number(row.project_id), set);
  }
  const add: [number, number][] = [];
  const remove: [number, number][] = [];
  const touched: number[] = [];
  given.forEach((r, i) => {
    const pid = projectIds[i];
    const want = new Set(((r.values.investor_credit_codes as string[] | null) ?? []).map((c) => enterprises.get(c)!));
    const have = current.get(pid) ?? new Set<number>();
    const plus = [...want].filter((e) => !have.has(e));
    const minus = [...have].filter((e) => !want.has(e));
    plus.forEach((e) => add.push([pid, e]));
    minus.forEach((e) => remove.push([pid, e]));
    if ((plus.length || minus.length) && result.unchangedKeys.has(String(r.values.code))) touched.push(pid);
  });
  for (let i = 0; i < add.length; i += 20_000) {
    const batch = add.slice(i, i + 20_000);
    await sql.query('insert into project_investor (project_id, enterprise_id) select * from unnest($1::int[], $2::int[])', [batch.map((a) => a[0]), batch.map((a) => a[1])]);
  }
  if (remove.length > 0) {
    await sql.query('delete from project_investor where (project_id, enterprise_id) in (select * from unnest($1::int[], $2::int[]))', [remove.map((a) => a[0]), remove.map((a) => a[1])]);
  }
  // A project whose only change is its investor list was counted unchanged: it is updated.
  if (touched.length > 0) await sql.query('update project set updated_at = now() where id = any($1)', [touched]);
  result.unchanged -= touched.length;
  result.updated += touched.length;
}
