import { Stage } from '../project/project.enums.js';
import type { Existing } from './check.js';
import type { ParsedSheet } from './parse/rows.js';
import type { ProblemLog } from './problems.js';

/** Stages that mean a project has landed (a project starts and operates only after landing). */
const LANDED_OR_LATER = new Set<string>([Stage.LANDED, Stage.STARTED, Stage.OPERATING]);

/**
 * Warns (never blocks) about landed money (资金类型 落地) on a project that has not landed (no
 * 落地, 开工 or 投产 stage in the registry or in this import) or dated after the project was
 * cancelled (取消): the money may be real (a stage not recorded yet) or a slip, and a planner
 * reading 落地资金 should know. Only valid rows are looked at.
 */
export function warnLandedFlows(sheets: ParsedSheet[], existing: Existing, log: ProblemLog): void {
  const flows = sheets.find((s) => s.spec.name === 'fund_flows')?.rows.filter((r) => !r.invalid && r.values.kind === 'LANDED') ?? [];
  if (flows.length === 0) return;
  const stages = new Map<string, Map<string, string>>();
  for (const [code, list] of existing.stages) stages.set(code, new Map(list.map((s) => [s.stage, s.reachedOn])));
  for (const row of sheets.find((s) => s.spec.name === 'project_stages')?.rows ?? []) {
    if (row.invalid) continue;
    const code = String(row.values.project_code);
    const map = stages.get(code) ?? new Map<string, string>();
    map.set(String(row.values.stage), String(row.values.reached_on));
    stages.set(code, map);
  }
  for (const row of flows) {
    const code = String(row.values.project_code);
    const reached = stages.get(code) ?? new Map<string, string>();
    const cancelledOn = reached.get(Stage.CANCELLED);
    const date = String(row.values.occurred_on);
    const where = { severity: 'warning' as const, file: row.file, sheet: row.sheet, row: row.row, column: row.headers.kind ?? 'kind', value: row.raw?.kind ?? String(row.values.kind) };
    if (![...reached.keys()].some((s) => LANDED_OR_LATER.has(s))) {
      log.add({ ...where, rule: `landed money on project ${code}, which has not landed (no 落地 stage in this import or the registry): record its 落地 stage, or enter the flow as 承诺 if the money is only committed` });
    } else if (cancelledOn !== undefined && date >= cancelledOn) {
      log.add({ ...where, rule: `landed money dated ${date}, on or after project ${code} was cancelled (取消 ${cancelledOn})` });
    }
  }
}
