import { landedFlowWarning } from '../fund-flow/fund-flow.rules.js';
import type { Existing } from './check.js';
import type { ParsedSheet } from './parse/rows.js';
import type { ProblemLog } from './problems.js';

/**
 * Warns (never blocks) about landed money on a project that has not landed or was cancelled
 * (landedFlowWarning in src/fund-flow/fund-flow.rules.ts, the rule the API answers too), with the
 * stages in the registry and in this import. Only valid rows are looked at.
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
    const rule = landedFlowWarning({ kind: 'LANDED', occurredOn: String(row.values.occurred_on) }, code, [...reached].map(([stage, reachedOn]) => ({ stage, reachedOn })));
    if (rule) log.add({ severity: 'warning', file: row.file, sheet: row.sheet, row: row.row, column: row.headers.kind ?? 'kind', value: row.raw?.kind ?? String(row.values.kind), rule });
  }
}
