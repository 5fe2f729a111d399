import { generatedReference } from '../fund-flow/fund-flow.rules.js';
import { SHEETS, type SheetSpec } from './sheets.js';
import type { Sql } from './write/sql.js';
import { type Staging, stagingTable } from './write/staging.js';

/**
 * `--replace-project-flows`, for sources without references (凭证号): the fund flows of every project
 * that has a row in the file's fund_flows sheet are replaced by the file's rows, in the import's one
 * transaction (all or nothing); flows of projects not in that sheet are never touched. Rows without
 * a reference get `<KIND>-<date>` (generatedReference), numbered `-2`, `-3`, … in file order when a
 * project has several flows of one kind on one day.
 */

const F = stagingTable('fund_flows');

/** The sheet format with 凭证号 optional (replace mode) or as it is. */
export function sheetsFor(replaceProjectFlows: boolean): SheetSpec[] {
  if (!replaceProjectFlows) return SHEETS;
  return SHEETS.map((s) => (s.name === 'fund_flows' ? { ...s, columns: s.columns.map((c) => (c.key === 'reference' ? { ...c, required: false } : c)) } : s));
}

/**
 * Gives every staged fund-flow row without a reference its generated one (before the checks, so
 * duplicates are still found), in SQL over the staging table; the generated references count as
 * given, so the writer keys and stores them.
 */
export async function fillReferences(sql: Sql, staging: Staging): Promise<void> {
  // Note: generatedReference's own format, written as SQL over the staged columns.
  const generated = `'${generatedReference("' || kind || '", "' || occurred_on || '")}'`;
  await sql.query(
    `update ${F} f set reference = g.base || case when g.n = 1 then '' else '-' || g.n end
     from (select seq, ${generated} as base, row_number() over (partition by project_code, ${generated} order by seq) as n
           from ${F} where reference is null and project_code is not null and kind is not null and occurred_on is not null) g
     where f.seq = g.seq`,
  );
  for (const source of staging.sources)
    if (source.kind === 'fund_flows' && !source.given.has('reference')) source.given = new Set([...source.given, 'reference']);
}

/** What replace mode removed. */
export interface FlowReplacement {
  /** Projects whose flows were replaced. */
  projects: number;
  /** Flows of those projects that the file no longer holds, deleted. */
  removed: number;
}

/** Deletes the flows of the projects in the staged fund_flows rows that the file does not hold (by reference). */
export async function removeOtherFlows(sql: Sql): Promise<FlowReplacement> {
  const [r] = await sql.query<{ projects: number; removed: number }>(
    `with touched as (select p.id, p.code from project p where p.code in (select project_code from ${F})),
     gone as (
       delete from fund_flow f using touched t
       where f.project_id = t.id and not exists (select 1 from ${F} s where s.project_code = t.code and s.reference = f.reference)
       returning 1
     )
     select (select count(*) from touched)::int as projects, (select count(*) from gone)::int as removed`,
  );
  return { projects: Number(r!.projects), removed: Number(r!.removed) };
}
