/** The rules of fund flows (plain functions over plain values), for the mutations and the importer. */
import type { KindAccess } from '../auth/scope.js';
import { amount, SOURCE_MAX, text, type Problem } from '../common/rules.js';

/** Fields of a fund flow that are given: the amount is more than 0. */
export function fundFlowFieldRules(v: { amount?: string | null; source?: string | null }): Problem[] {
  const out: Problem[] = [];
  if (typeof v.amount === 'string') amount(out, 'amount', v.amount, 'positive');
  if (typeof v.source === 'string') text(out, 'source', v.source, SOURCE_MAX);
  return out;
}

/** Who may write fund flows through the API (src/auth/scope.ts). */
export const FUND_FLOW_ACCESS: KindAccess = { noun: 'fund flows', area: true, partner: true };
