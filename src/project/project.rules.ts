/** The rules of projects and their stages (plain functions over plain values), for the mutations and the importer. */
import { AreaKind } from '../area/area.enums.js';
import { areaKindRule } from '../area/area.rules.js';
import type { KindAccess } from '../auth/scope.js';
import { amount, NAME_MAX, type Problem, problem, SOURCE_MAX, text } from '../common/rules.js';
import { Stage, STAGE_ORDER } from './project.enums.js';

/** Areas that may host a project. */
export const HOST_KINDS: readonly AreaKind[] = [AreaKind.PLATFORM, AreaKind.TOWN, AreaKind.VILLAGE, AreaKind.COMMUNITY];
export const SECTOR_MAX = 100;

/** Fields of a project that are given. */
export function projectFieldRules(v: { name?: string | null; sector?: string | null; source?: string | null; signedAmount?: string | null }): Problem[] {
  const out: Problem[] = [];
  if (typeof v.name === 'string') text(out, 'name', v.name, NAME_MAX);
  if (typeof v.sector === 'string') text(out, 'sector', v.sector, SECTOR_MAX);
  if (typeof v.source === 'string') text(out, 'source', v.source, SOURCE_MAX);
  if (typeof v.signedAmount === 'string') amount(out, 'signedAmount', v.signedAmount, 'nonnegative');
  return out;
}

/** The host area's kind. */
export function projectHostRule(kind: AreaKind): Problem[] {
  return areaKindRule('hostAreaCode', kind, HOST_KINDS, 'a PLATFORM, TOWN, VILLAGE or COMMUNITY');
}

export interface StageDate {
  stage: Stage;
  reachedOn: string;
}

/**
 * A project's stage list (its state transitions): each stage once, SIGNED on the signing date,
 * later stages on or after earlier ones, cancellation not before signing. Problems are on `stages`.
 */
export function stageRules(stages: readonly StageDate[], signedOn: string | undefined, field = 'stages'): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<Stage>();
  stages.forEach((s, i) => {
    if (seen.has(s.stage)) out.push(problem(`${field}[${i}].stage`, 'DUPLICATE', `stage ${s.stage} is listed twice`, s.stage));
    seen.add(s.stage);
  });
  const dated = [...stages].filter((s) => s.stage !== Stage.CANCELLED).sort((a, b) => STAGE_ORDER.indexOf(a.stage) - STAGE_ORDER.indexOf(b.stage));
  for (let i = 1; i < dated.length; i++) {
    if (dated[i]!.reachedOn < dated[i - 1]!.reachedOn) {
      out.push(problem(field, 'ORDER', `${dated[i]!.stage} (${dated[i]!.reachedOn}) cannot be before ${dated[i - 1]!.stage} (${dated[i - 1]!.reachedOn})`));
    }
  }
  const signed = stages.find((s) => s.stage === Stage.SIGNED);
  if (signed && signedOn && signed.reachedOn !== signedOn)
    out.push(problem(field, 'ORDER', `SIGNED must be on the signing date ${signedOn}, got ${signed.reachedOn}`));
  const cancelled = stages.find((s) => s.stage === Stage.CANCELLED);
  if (cancelled && signedOn && cancelled.reachedOn < signedOn)
    out.push(problem(field, 'ORDER', `CANCELLED (${cancelled.reachedOn}) cannot be before signing (${signedOn})`));
  return out;
}

/** Who may write projects through the API (src/auth/scope.ts). */
export const PROJECT_ACCESS: KindAccess = { noun: 'projects', area: true, partner: false };
/** A partner may record the stages of the projects it invests in (and their fund flows), nothing else of them. */
export const STAGE_ACCESS: KindAccess = { noun: 'project stages', area: true, partner: true };
