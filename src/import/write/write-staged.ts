import { Stage } from '../../project/project.enums.js';
import { removeOtherFlows } from '../replace-flows.js';
import type { Sql } from './sql.js';
import { type Staging, stagingTable } from './staging.js';
import type { SheetSummary } from './write-sheets.js';

/** One column a staged kind writes: its expression over the staging row `s` (and the joins), and the sheet key that gives it. */
interface WrittenColumn {
  column: string;
  expr: string;
  /** The column is written only when the sheet has this column key; unset: always. */
  given?: string;
}

/** How the rows of a staged kind become rows of its table: an upsert by natural key, set-based. */
interface StagedWrite {
  kind: string;
  table: string;
  /** The table's natural key (its unique constraint). */
  conflict: string[];
  /** The staging table `s` joined to the tables holding the ids it refers to. */
  from: string;
  columns: WrittenColumn[];
  timestamps: boolean;
}

const given = (key: string, column = key, expr = `s."${key}"`): WrittenColumn => ({ column, expr, given: key });

export const STAGED_WRITES: StagedWrite[] = [
  {
    kind: 'projects',
    table: 'project',
    conflict: ['code'],
    from: `${stagingTable('projects')} s left join area h on h.code = s.host_area_code left join pairing pr on pr.code = s.pairing_code left join programme pg on pg.code = s.programme_code`,
    columns: [
      { column: 'code', expr: 's.code' },
      given('name'),
      given('sector'),
      given('signed_amount', 'signed_amount', 's.signed_amount::numeric'),
      given('signed_on', 'signed_on', 's.signed_on::date'),
      given('source'),
      { column: 'host_id', expr: 'h.id' },
      given('pairing_code', 'pairing_id', 'pr.id'),
      given('programme_code', 'programme_id', 'pg.id'),
    ],
    timestamps: true,
  },
  {
    kind: 'project_stages',
    table: 'project_stage',
    conflict: ['project_id', 'stage'],
    from: `${stagingTable('project_stages')} s join project p on p.code = s.project_code`,
    columns: [{ column: 'project_id', expr: 'p.id' }, { column: 'stage', expr: 's.stage' }, given('reached_on', 'reached_on', 's.reached_on::date')],
    timestamps: false,
  },
  {
    kind: 'fund_flows',
    table: 'fund_flow',
    conflict: ['project_id', 'reference'],
    from: `${stagingTable('fund_flows')} s join project p on p.code = s.project_code`,
    columns: [
      { column: 'project_id', expr: 'p.id' },
      given('reference'),
      given('kind'),
      given('occurred_on', 'occurred_on', 's.occurred_on::date'),
      given('amount', 'amount', 's.amount::numeric'),
      given('source'),
    ],
    timestamps: true,
  },
];

/**
 * `insert … select … on conflict (key) do update … where (old) is distinct from (new)` for the
 * staged rows of the given sources (which give the same columns): unchanged rows are not touched
 * (their updated_at stays); the keys of created and updated rows go to `import_touched`.
 */
function upsertSql(w: StagedWrite, columns: WrittenColumn[]): string {
  const names = columns.map((c) => c.column);
  const values = columns.map((c) => c.expr);
  if (w.timestamps) {
    names.push('created_at', 'updated_at');
    values.push('now()', 'now()');
  }
  const changing = columns.filter((c) => !w.conflict.includes(c.column)).map((c) => c.column);
  const action =
    changing.length === 0
      ? 'do nothing'
      : `do update set ${[...changing.map((c) => `${c} = excluded.${c}`), ...(w.timestamps ? ['updated_at = now()'] : [])].join(', ')}
         where (${changing.map((c) => `t.${c}`).join(', ')}, null) is distinct from (${changing.map((c) => `excluded.${c}`).join(', ')}, null)`;
  return `with up as (
      insert into ${w.table} as t (${names.join(', ')})
      select ${values.join(', ')} from ${w.from} where s.src = any($1)
      on conflict (${w.conflict.join(', ')}) ${action}
      returning t.id, (t.xmax = 0) as created
    ), touched as (insert into import_touched (kind, id) select '${w.kind}', id from up)
    select count(*) filter (where created)::int as created, count(*) filter (where not created)::int as updated from up`;
}

/**
 * Writes the staged kinds from their staging tables, set-based, inside the import's transaction
 * and after the kinds held in memory (so the areas, enterprises and pairings they refer to exist):
 * projects with their investor lists, the stages (and SIGNED on the signing date of every project
 * in the file that does not give it), then the fund flows (by project and 凭证号; with
 * `replaceProjectFlows`, the other flows of their projects are deleted: replace-flows.ts). Counts
 * created / updated / unchanged.
 */
export async function writeStaged(
  sql: Sql,
  staging: Staging,
  progress: (n: number) => void,
  options: { replaceProjectFlows?: boolean } = {},
): Promise<SheetSummary[]> {
  const summaries: SheetSummary[] = [];
  if (staging.rows === 0) return summaries;
  await sql.query('create temp table import_touched (kind text, id int) on commit drop');
  for (const w of STAGED_WRITES) {
    const total = staging.counts.get(w.kind) ?? 0;
    if (total === 0) continue;
    const counts = { created: 0, updated: 0 };
    // Sources giving the same columns are written together.
    const groups = new Map<string, { columns: WrittenColumn[]; srcs: number[] }>();
    staging.sources.forEach((source, src) => {
      if (source.kind !== w.kind) return;
      const columns = w.columns.filter((c) => !c.given || source.given.has(c.given));
      const id = columns.map((c) => c.column).join(',');
      const group = groups.get(id) ?? { columns, srcs: [] };
      group.srcs.push(src);
      groups.set(id, group);
    });
    for (const { columns, srcs } of groups.values()) {
      const [r] = await sql.query(upsertSql(w, columns), [srcs]);
      counts.created += Number(r.created);
      counts.updated += Number(r.updated);
      if (w.kind === 'projects') {
        const investorSrcs = srcs.filter((src) => staging.sources[src]!.given.has('investor_credit_codes'));
        if (investorSrcs.length > 0) {
          const moved = await writeInvestors(sql, investorSrcs);
          counts.updated += moved;
        }
      }
    }
    if (w.kind === 'projects') await impliedSigned(sql);
    progress(total);
    const summary: SheetSummary = {
      sheet: w.kind,
      created: counts.created,
      updated: counts.updated,
      unchanged: total - counts.created - counts.updated,
      rejected: 0,
    };
    if (w.kind === 'fund_flows' && options.replaceProjectFlows) {
      const replaced = await removeOtherFlows(sql);
      Object.assign(summary, { replacedProjects: replaced.projects, removed: replaced.removed });
    }
    summaries.push(summary);
  }
  return summaries;
}

/**
 * Replaces the investor list of every staged project of `srcs`; a project whose only change is its
 * list is touched (updated_at) and counted updated. Returns how many such projects there were.
 */
async function writeInvestors(sql: Sql, srcs: number[]): Promise<number> {
  const P = stagingTable('projects');
  await sql.query(
    `create temp table import_investor on commit drop as
     select distinct p.id as project_id, e.id as enterprise_id from ${P} s join project p on p.code = s.code
     cross join lateral jsonb_array_elements_text(coalesce(s.investor_credit_codes, '[]'::jsonb)) as c(code) join enterprise e on e.credit_code = c.code
     where s.src = any($1)`,
    [srcs],
  );
  const [{ n }] = await sql.query(
    `with given as (select p.id from ${P} s join project p on p.code = s.code where s.src = any($1)),
     removed as (
       delete from project_investor pi using given g
       where pi.project_id = g.id and not exists (select 1 from import_investor w where w.project_id = pi.project_id and w.enterprise_id = pi.enterprise_id)
       returning pi.project_id
     ), added as (
       insert into project_investor (project_id, enterprise_id)
       select w.project_id, w.enterprise_id from import_investor w
       where not exists (select 1 from project_investor pi where pi.project_id = w.project_id and pi.enterprise_id = w.enterprise_id)
       returning project_id
     ), changed as (select project_id from removed union select project_id from added),
     bumped as (
       update project p set updated_at = now() from changed c
       where p.id = c.project_id and not exists (select 1 from import_touched t where t.kind = 'projects' and t.id = p.id)
       returning p.id
     )
     select count(*)::int as n from bumped`,
    [srcs],
  );
  await sql.query('drop table import_investor');
  return Number(n);
}

/** SIGNED on the signing date, for every project of the file whose stages sheet does not give SIGNED. */
async function impliedSigned(sql: Sql): Promise<void> {
  await sql.query(
    `insert into project_stage as t (project_id, stage, reached_on)
     select p.id, '${Stage.SIGNED}', s.signed_on::date from ${stagingTable('projects')} s join project p on p.code = s.code
     where not exists (select 1 from ${stagingTable('project_stages')} x where x.project_code = s.code and x.stage = '${Stage.SIGNED}')
     on conflict (project_id, stage) do update set reached_on = excluded.reached_on where t.reached_on is distinct from excluded.reached_on`,
  );
}
