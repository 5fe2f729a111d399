import type { KindAccess } from '../auth/scope.js';
import { amount, type Problem, problem, SOURCE_MAX, text } from '../common/rules.js';
import { Stage } from '../project/project.enums.js';

/**
 * Rules of a fund flow as plain functions over plain values, called by the GraphQL service and by
 * the importer's checks alike (the database backs the reference rule with `fund_flow_reference_check`
 * and `fund_flow_project_reference_unique`).
 */

/** Longest reference (凭证号), in characters. */
export const REFERENCE_MAX = 64;

/** Why a reference (凭证号, already trimmed) is not acceptable, or null when it is. */
export function referenceProblem(reference: string): string | null {
  if (reference.length === 0) return 'must not be empty';
  if (reference.length > REFERENCE_MAX) return `must be at most ${REFERENCE_MAX} characters`;
  // Note: control characters (a pasted tab or line break) would make two references look the same.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this rule looks for
  if (/[\u0000-\u001f\u007f]/.test(reference)) return 'must not contain tabs, line breaks or other control characters';
  return null;
}

/**
 * The reference given to a flow recorded without one: its kind and date, e.g. `LANDED-2022-06-30`.
 * Deterministic, so re-entering the same flow finds it again; the migration that introduced
 * references gave every existing flow this reference, and the database does the same for a row
 * inserted without one (trigger `fund_flow_default_reference`).
 */
export function generatedReference(kind: string, occurredOn: string): string {
  return `${kind}-${occurredOn}`;
}

/** Stages that mean a project has landed (a project starts and operates only after landing). */
const LANDED_OR_LATER = new Set<string>([Stage.LANDED, Stage.STARTED, Stage.OPERATING]);

/**
 * The warning for landed money (资金类型 落地) on a project that has not landed (no 落地, 开工 or 投产
 * stage) or dated on or after the project was cancelled (取消), or null. A warning, never a refusal:
 * the money may be real and the stage not recorded yet, but a planner reading 落地资金 should know.
 * Both paths give it: the import report lists it, and `FundFlow.warnings` answers it on the API.
 */
export function landedFlowWarning(
  flow: { kind: string; occurredOn: string },
  projectCode: string,
  stages: readonly { stage: string; reachedOn: string }[],
): string | null {
  if (flow.kind !== 'LANDED') return null;
  if (!stages.some((s) => LANDED_OR_LATER.has(s.stage))) {
    return `landed money on project ${projectCode}, which has not landed (no 落地 stage recorded): record its 落地 stage, or enter the flow as 承诺 if the money is only committed`;
  }
  const cancelledOn = stages.find((s) => s.stage === Stage.CANCELLED)?.reachedOn;
  if (cancelledOn !== undefined && flow.occurredOn >= cancelledOn) {
    return `landed money dated ${flow.occurredOn}, on or after project ${projectCode} was cancelled (取消 ${cancelledOn})`;
  }
  return null;
}

/** Fields of a fund flow that are given: the amount is more than 0, the reference (凭证号) as {@link referenceProblem} says. */
export function fundFlowFieldRules(v: { amount?: string | null; source?: string | null; reference?: string | null }): Problem[] {
  const out: Problem[] = [];
  if (typeof v.amount === 'string') amount(out, 'amount', v.amount, 'positive');
  if (typeof v.source === 'string') text(out, 'source', v.source, SOURCE_MAX);
  const reference = typeof v.reference === 'string' ? referenceProblem(v.reference.trim()) : null;
  if (reference) out.push(problem('reference', 'FORMAT', reference, v.reference));
  return out;
}

/** Who may write fund flows through the API (src/auth/scope.ts). */
export const FUND_FLOW_ACCESS: KindAccess = { noun: 'fund flows', area: true, partner: true };
