import { AreaKind } from '../../area/area.enums.js';
import { landedFlowWarning } from '../../fund-flow/fund-flow.rules.js';
import { Stage } from '../../project/project.enums.js';
import { HOST_KINDS, projectHostRule } from '../../project/project.rules.js';
import { projectStageSheet } from '../../project/project.sheet.js';
import { missingReferenceRule } from '../check.js';
import type { ParsedSheet } from '../parse/rows.js';
import type { ProblemLog } from '../problems.js';
import type { CheckContext, RefKind, RowView } from '../sheet-spec.js';
import { SHEETS } from '../sheets.js';
import type { Sql } from './sql.js';
import { type Staging, stagingTable } from './staging.js';

const P = stagingTable('projects');
const S = stagingTable('project_stages');
const F = stagingTable('fund_flows');
const STAGE_GIVEN: ReadonlySet<string> = new Set(['project_code', 'stage', 'reached_on']);
const ord = (kind: string) => SHEETS.findIndex((s) => s.name === kind);

/** Stages that mean a project has landed (a project starts and operates only after landing). */
const LANDED_OR_LATER = [Stage.LANDED, Stage.STARTED, Stage.OPERATING];

/**
 * The natural keys of the kinds held in memory that staged rows refer to (areas with their kind,
 * enterprises, pairings, programmes), so SQL sees them beside the registry's: the first row of a
 * key counts, whether its other cells are valid or not (as for the in-memory checks).
 */
async function fileKeys(sql: Sql, sheets: ParsedSheet[]): Promise<void> {
  await sql.query('create temp table import_key (kind text, code text, area_kind text, primary key (kind, code)) on commit drop');
  const keys: { kind: string; code: string; areaKind: string | null }[] = [];
  const add = (name: string, key: string) => {
    for (const r of sheets.find((s) => s.spec.name === name)?.rows ?? []) {
      const code = r.values[key];
      if (typeof code === 'string' && code) keys.push({ kind: name, code, areaKind: name === 'areas' ? ((r.values.kind as string | null) ?? null) : null });
    }
  };
  add('areas', 'code');
  add('enterprises', 'credit_code');
  add('pairings', 'code');
  add('programmes', 'code');
  for (let i = 0; i < keys.length; i += 20_000) {
    const batch = keys.slice(i, i + 20_000);
    await sql.query('insert into import_key (kind, code, area_kind) select * from unnest($1::text[], $2::text[], $3::text[]) on conflict do nothing', [
      batch.map((k) => k.kind),
      batch.map((k) => k.code),
      batch.map((k) => k.areaKind),
    ]);
  }
}

/** `insert into import_problem` of a select giving (seq, src, row, key, value, rule) per problem row. */
const problems = (sheetOrd: number, order: number, select: string, warning = false) =>
  `insert into import_problem (sheet_ord, seq, ord, src, row, key, value, rule, warning) select ${sheetOrd}, q.seq, ${order}, q.src, q.row, q.key, q.value, q.rule, ${warning} from (${select}) q`;

/** A row whose natural key an earlier row of the file already has: "duplicate key: already in projects row 2". */
function duplicates(kind: string): string {
  const spec = SHEETS.find((s) => s.name === kind)!;
  const keys = spec.key.map((k) => `"${k}"`);
  const last = spec.key[spec.key.length - 1];
  const value = spec.key.length === 1 ? `coalesce(d.raw->>'${last}', d."${last}")` : `concat_ws(' / ', ${keys.map((k) => `d.${k}`).join(', ')})`;
  return problems(
    ord(kind),
    0,
    `select d.seq, d.src, d.row, '${last}' as key, ${value} as value, 'duplicate key: already in ' || so.sheet || ' row ' || f.row as rule
     from (select seq, src, row, raw, ${keys.join(', ')}, first_value(seq) over (partition by ${keys.join(', ')} order by seq) as first
           from ${stagingTable(kind)} where ${keys.map((k) => `${k} is not null`).join(' and ')}) d
     join ${stagingTable(kind)} f on f.seq = d.first join import_source so on so.src = f.src
     where d.seq <> d.first`,
  );
}

/** A reference from a staged column to a kind held in memory (or the registry's table), with its message. */
function reference(kind: string, order: number, column: string, keyKind: string, table: string, tableColumn: string, rule: string): string {
  return problems(
    ord(kind),
    order,
    `select s.seq, s.src, s.row, '${column}' as key, coalesce(s.raw->>'${column}', s."${column}") as value, ${rule} as rule
     from ${stagingTable(kind)} s
     where s."${column}" is not null
       and not exists (select 1 from import_key k where k.kind = '${keyKind}' and k.code = s."${column}")
       and not exists (select 1 from ${table} t where t.${tableColumn} = s."${column}")`,
  );
}

/** The in-memory check's wording of a reference that names nothing (missingReferenceRule), as an SQL expression over `code`. */
function missing(ref: RefKind, code: string): string {
  const [before, after] = missingReferenceRule(ref, '\u0000').split('\u0000') as [string, string];
  const quote = (t: string) => `'${t.replace(/'/g, "''")}'`;
  return `(${quote(before)} || ${code} || ${quote(after)})`;
}

/** Marks the staged rows that have a problem invalid (they are then left out of later checks, as in memory). */
async function markInvalid(sql: Sql): Promise<void> {
  for (const t of [P, S, F]) await sql.query(`update ${t} s set invalid = true from import_problem p where p.seq = s.seq and not p.warning and not s.invalid`);
}

/**
 * Checks the rules of the staged kinds (projects, their stages, fund flows) that span rows,
 * sheets and the registry, set-based in SQL over the staging tables: duplicate keys within the
 * file (naming the first row), references to areas, pairings, enterprises, programmes and projects
 * in the file or the registry, each project's stage order (the kind's own checkAll, src/project/project.sheet.ts, calling stageRules),
 * and the warnings about landed money on a project that has not landed or was cancelled. Every
 * problem is logged with its file, sheet, row, column and value; rows with errors are marked invalid.
 */
export async function checkStaged(sql: Sql, staging: Staging, sheets: ParsedSheet[], log: ProblemLog): Promise<void> {
  if (staging.rows === 0) return;
  await sql.query(
    `create temp table import_problem (id bigserial primary key, sheet_ord int, seq bigint, ord int, src int, row int, key text, value text, rule text, warning boolean) on commit drop`,
  );
  await fileKeys(sql, sheets);
  // The signing date of every project the staged rows name: the file's first row of it, else the registry's.
  await sql.query(
    `create temp table import_signed on commit drop as select distinct on (code) code, signed_on from ${P} where code is not null order by code, seq`,
  );
  await sql.query(
    `insert into import_signed (code, signed_on)
     select p.code, p.signed_on::text from project p
     where p.code in (select project_code from ${S} union select project_code from ${F}) and not exists (select 1 from import_signed x where x.code = p.code)`,
  );
  await sql.query('create index on import_signed (code)');
  await sql.query('analyze import_signed');

  for (const kind of ['projects', 'project_stages', 'fund_flows']) await sql.query(duplicates(kind));
  // The host area's kind, worded by the API's rule (projectHostRule): one message per kind of area.
  const hostRules = Object.fromEntries(Object.values(AreaKind).map((k) => [k, projectHostRule(k)[0]?.rule ?? null]));
  const hostKinds = HOST_KINDS.map((k) => `'${k}'`).join(', ');
  await sql.query(
    problems(
      ord('projects'),
      1,
      `select s.seq, s.src, s.row, 'host_area_code' as key, coalesce(s.raw->>'host_area_code', s.host_area_code) as value,
         case when k.code is null and a.id is null then ${missing('area', 's.host_area_code')}
              else $1::jsonb->>coalesce(k.area_kind, a.kind) end as rule
       from ${P} s
       left join import_key k on k.kind = 'areas' and k.code = s.host_area_code
       left join area a on a.code = s.host_area_code
       where s.host_area_code is not null and ((k.code is null and a.id is null) or coalesce(k.area_kind, a.kind) not in (${hostKinds}))`,
    ),
    [JSON.stringify(hostRules)],
  );
  await sql.query(reference('projects', 2, 'pairing_code', 'pairings', 'pairing', 'code', missing('pairing', 's.pairing_code')));
  await sql.query(
    problems(
      ord('projects'),
      3,
      `select s.seq, s.src, s.row, 'investor_credit_codes' as key, c.code as value,
         ${missing('enterprise', 'c.code')} as rule
       from ${P} s cross join lateral jsonb_array_elements_text(coalesce(s.investor_credit_codes, '[]'::jsonb)) as c(code)
       where not exists (select 1 from import_key k where k.kind = 'enterprises' and k.code = c.code)
         and not exists (select 1 from enterprise e where e.credit_code = c.code)`,
    ),
  );
  await sql.query(reference('projects', 4, 'programme_code', 'programmes', 'programme', 'code', missing('programme', 's.programme_code')));
  for (const [kind, t] of [
    ['project_stages', S],
    ['fund_flows', F],
  ] as const) {
    await sql.query(
      problems(
        ord(kind),
        1,
        `select s.seq, s.src, s.row, 'project_code' as key, coalesce(s.raw->>'project_code', s.project_code, '') as value, ${missing('project', "coalesce(s.project_code, '')")} as rule
         from ${t} s left join import_signed p on p.code = s.project_code
         where p.signed_on is null`,
      ),
    );
  }
  await markInvalid(sql);
  await checkStageOrder(sql);
  await markInvalid(sql);
  await warnLandedFlows(sql);
  await logProblems(sql, staging, log);
}

/**
 * Each project's stages (the registry's, with this file's valid rows over them, and SIGNED on the
 * signing date) checked by the kind's own checkAll (projectStageSheet, calling the API's stageRules); a problem goes on the project's last stage row.
 * Projects are read a page at a time.
 */
async function checkStageOrder(sql: Sql): Promise<void> {
  let after = '';
  for (;;) {
    const groups = await sql.query(
      `select s.project_code as code, p.signed_on,
         json_agg(json_build_object('seq', s.seq, 'src', s.src, 'row', s.row, 'stage', s.stage, 'reachedOn', s.reached_on, 'invalid', s.invalid) order by s.seq) as rows,
         (select coalesce(json_agg(json_build_object('stage', x.stage, 'reachedOn', x.reached_on::text)), '[]') from project_stage x join project q on q.id = x.project_id where q.code = s.project_code) as existing
       from ${S} s join import_signed p on p.code = s.project_code and p.signed_on is not null
       where s.project_code > $1
       group by s.project_code, p.signed_on order by s.project_code limit 2000`,
      [after],
    );
    if (groups.length === 0) return;
    // The kind's own check across its rows (projectStageSheet.checkAll: stageRules over the registry's
    // stages with this page's valid rows over them), with a context that answers for this page's projects.
    type StageRow = { seq: number; src: number; row: number; stage: Stage; reachedOn: string; invalid: boolean };
    const signed = new Map<string, string>();
    const registered = new Map<string, { stage: Stage; reachedOn: string }[]>();
    const views: (RowView & { at: StageRow })[] = [];
    for (const g of groups) {
      signed.set(String(g.code), String(g.signed_on));
      registered.set(String(g.code), g.existing as { stage: Stage; reachedOn: string }[]);
      for (const r of g.rows as StageRow[])
        if (!r.invalid) views.push({ values: { project_code: g.code, stage: r.stage, reached_on: r.reachedOn }, given: STAGE_GIVEN, at: r });
    }
    const ctx = {
      project: (code: string) => (signed.has(code) ? { signedOn: signed.get(code)! } : undefined),
      registeredStages: (code: string) => registered.get(code) ?? [],
    } as CheckContext;
    const found = projectStageSheet.checkAll!(views, ctx).map((p) => {
      const at = (p.row as (typeof views)[number]).at;
      return { seq: at.seq, src: at.src, row: at.row, rule: p.rule };
    });
    if (found.length > 0) {
      await sql.query(
        problems(
          ord('project_stages'),
          2,
          `select seq, src, row, 'reached_on' as key, null as value, rule from unnest($1::bigint[], $2::int[], $3::int[], $4::text[]) as u(seq, src, row, rule)`,
        ),
        [found.map((f) => f.seq), found.map((f) => f.src), found.map((f) => f.row), found.map((f) => f.rule)],
      );
    }
    after = String(groups[groups.length - 1]!.code);
  }
}

/**
 * Warns (never blocks) about landed money on a project that has not landed or was cancelled, by
 * the API's own rule (landedFlowWarning in src/fund-flow/fund-flow.rules.ts), with the stages in
 * the registry and this import's valid stage rows over them. SQL picks the valid landed flows that
 * may warn (their project has no landing, or a cancellation on or before the flow); the rule words
 * the warning. Read a page at a time.
 */
async function warnLandedFlows(sql: Sql): Promise<void> {
  const landed = LANDED_OR_LATER.map((s) => `'${s}'`).join(', ');
  // Note: the candidates are computed once (a grouped query joined under a LIMIT would be re-run per row).
  await sql.query(
    `create temp table import_landed on commit drop as
     with st as (
       select q.code, x.stage, x.reached_on::text as reached_on from project_stage x join project q on q.id = x.project_id
       where q.code in (select project_code from ${F} where kind = '${Stage.LANDED}' and not invalid)
         and not exists (select 1 from ${S} s where s.project_code = q.code and s.stage = x.stage and not s.invalid)
       union all
       select project_code, stage, reached_on from ${S} where not invalid
     ), agg as (
       select code, bool_or(stage in (${landed})) as landed, max(reached_on) filter (where stage = '${Stage.CANCELLED}') as cancelled,
         json_agg(json_build_object('stage', stage, 'reachedOn', reached_on)) as stages
       from st group by code
     )
     select f.seq, f.src, f.row, f.project_code, f.kind, f.occurred_on, coalesce(f.raw->>'kind', f.kind) as shown, coalesce(a.stages, '[]') as stages
     from ${F} f left join agg a on a.code = f.project_code
     where f.kind = '${Stage.LANDED}' and not f.invalid and (not coalesce(a.landed, false) or (a.cancelled is not null and f.occurred_on >= a.cancelled))`,
  );
  await sql.query('create index on import_landed (seq)');
  let after = 0;
  for (;;) {
    const page = await sql.query('select * from import_landed where seq > $1 order by seq limit 5000', [after]);
    if (page.length === 0) return;
    const found = page.flatMap((f) => {
      const rule = landedFlowWarning(
        { kind: String(f.kind), occurredOn: String(f.occurred_on) },
        String(f.project_code),
        f.stages as { stage: string; reachedOn: string }[],
      );
      return rule ? [{ seq: Number(f.seq), src: Number(f.src), row: Number(f.row), value: String(f.shown), rule }] : [];
    });
    if (found.length > 0) {
      await sql.query(
        problems(
          ord('fund_flows'),
          3,
          `select seq, src, row, 'kind' as key, value, rule from unnest($1::bigint[], $2::int[], $3::int[], $4::text[], $5::text[]) as u(seq, src, row, value, rule)`,
          true,
        ),
        [found.map((f) => f.seq), found.map((f) => f.src), found.map((f) => f.row), found.map((f) => f.value), found.map((f) => f.rule)],
      );
    }
    after = Number(page[page.length - 1]!.seq);
  }
}

/** Copies the problems found in SQL to the log, in sheet and row order, a page at a time (all are counted). */
async function logProblems(sql: Sql, staging: Staging, log: ProblemLog): Promise<void> {
  let after = [-1, -1, -1];
  for (;;) {
    const page = await sql.query(
      `select id, sheet_ord, seq, src, row, key, value, rule, warning from import_problem
       where (sheet_ord, seq, id) > ($1, $2, $3) order by sheet_ord, seq, id limit 5000`,
      after,
    );
    if (page.length === 0) return;
    for (const p of page) {
      const source = staging.sources[Number(p.src)]!;
      log.add({
        severity: p.warning ? 'warning' : 'error',
        file: source.file,
        sheet: source.sheet,
        row: Number(p.row),
        column: source.headers[p.key] ?? p.key,
        value: p.value ?? null,
        rule: p.rule,
      });
    }
    const last = page[page.length - 1]!;
    after = [Number(last.sheet_ord), Number(last.seq), Number(last.id)];
  }
}

/** Rows of each staged kind that have a problem, for the summary. */
export async function stagedRejected(sql: Sql, staging: Staging): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const kind of staging.counts.keys()) {
    const [{ n }] = await sql.query(`select count(*)::int as n from ${stagingTable(kind)} where invalid`);
    out.set(kind, Number(n));
  }
  return out;
}
