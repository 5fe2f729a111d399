import { generatedReference } from '../fund-flow/fund-flow.rules.js';
import type { ParsedSheet } from './parse/rows.js';
import { SHEETS, type SheetSpec } from './sheets.js';
import type { Sql } from './write/sql.js';

/**
 * `--replace-project-flows`, for sources without references (凭证号): the fund flows of every project
 * that has a row in the file's fund_flows sheet are replaced by the file's rows, in the import's one
 * transaction (all or nothing); flows of projects not in that sheet are never touched. Rows without
 * a reference get `<KIND>-<date>` (generatedReference), numbered `-2`, `-3`, … in file order when a
 * project has several flows of one kind on one day.
 */

/** The sheet format with 凭证号 optional (replace mode) or as it is. */
export function sheetsFor(replaceProjectFlows: boolean): SheetSpec[] {
  if (!replaceProjectFlows) return SHEETS;
  return SHEETS.map((s) => (s.name === 'fund_flows' ? { ...s, columns: s.columns.map((c) => (c.key === 'reference' ? { ...c, required: false } : c)) } : s));
}

/** Gives every valid fund-flow row without a reference its generated one (before the checks, so duplicates are still found). */
export function fillReferences(sheets: ParsedSheet[]): void {
  const rows = sheets.find((s) => s.spec.name === 'fund_flows')?.rows ?? [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const v = row.values;
    if (v.reference !== null && v.reference !== undefined) continue;
    if (!v.project_code || !v.kind || !v.occurred_on) continue;
    const base = generatedReference(String(v.kind), String(v.occurred_on));
    const key = `${v.project_code}|${base}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    v.reference = n === 1 ? base : `${base}-${n}`;
  }
  // Note: the generated references count as given, so the writer keys and stores them.
  const sheet = sheets.find((s) => s.spec.name === 'fund_flows');
  if (sheet && sheet.rows.length > 0 && !sheet.rows[0]!.given.has('reference')) {
    const given = new Set([...sheet.rows[0]!.given, 'reference']);
    for (const row of sheet.rows) row.given = given;
  }
}

/** What replace mode removed. */
export interface FlowReplacement {
  /** Projects whose flows were replaced. */
  projects: number;
  /** Flows of those projects that the file no longer holds, deleted. */
  removed: number;
}

/** Deletes the flows of `projectIds` that are not among `keptIds` (the rows just written). */
export async function removeOtherFlows(sql: Sql, projectIds: number[], keptIds: number[]): Promise<FlowReplacement> {
  const projects = [...new Set(projectIds)];
  if (projects.length === 0) return { projects: 0, removed: 0 };
  const rows = await sql.query<{ n: string }>(
    'with gone as (delete from fund_flow where project_id = any($1::int[]) and id <> all($2::int[]) returning 1) select count(*) as n from gone',
    [projects, [...new Set(keptIds)]],
  );
  return { projects: projects.length, removed: Number(rows[0]?.n ?? 0) };
}
