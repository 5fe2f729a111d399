import type { ProblemList } from '../common/errors.js';
import { Stage, STAGE_ORDER } from './project.enums.js';

export interface StageDate {
  stage: Stage;
  reachedOn: string;
}

/** The stage a project is at now: cancelled wins, otherwise the furthest stage reached. */
export function currentStage(stages: readonly StageDate[]): Stage | null {
  if (stages.some((s) => s.stage === Stage.CANCELLED)) return Stage.CANCELLED;
  let current: Stage | null = null;
  for (const s of stages) if (current === null || STAGE_ORDER.indexOf(s.stage) > STAGE_ORDER.indexOf(current)) current = s.stage;
  return current;
}

/**
 * Checks a project's stage list: each stage once, SIGNED on the signing date, later stages
 * on or after earlier ones, cancellation not before signing.
 */
export function checkStages(p: ProblemList, field: string, stages: readonly StageDate[], signedOn: string | undefined): void {
  const seen = new Set<Stage>();
  stages.forEach((s, i) => {
    if (seen.has(s.stage)) p.add(`${field}[${i}].stage`, `stage ${s.stage} is listed twice`, s.stage);
    seen.add(s.stage);
  });
  const dated = [...stages].filter((s) => s.stage !== Stage.CANCELLED).sort((a, b) => STAGE_ORDER.indexOf(a.stage) - STAGE_ORDER.indexOf(b.stage));
  for (let i = 1; i < dated.length; i++) {
    if (dated[i].reachedOn < dated[i - 1].reachedOn) {
      p.add(field, `${dated[i].stage} (${dated[i].reachedOn}) cannot be before ${dated[i - 1].stage} (${dated[i - 1].reachedOn})`);
    }
  }
  const signed = stages.find((s) => s.stage === Stage.SIGNED);
  if (signed && signedOn && signed.reachedOn !== signedOn) p.add(field, `SIGNED must be on the signing date ${signedOn}, got ${signed.reachedOn}`);
  const cancelled = stages.find((s) => s.stage === Stage.CANCELLED);
  if (cancelled && signedOn && cancelled.reachedOn < signedOn) p.add(field, `CANCELLED (${cancelled.reachedOn}) cannot be before signing (${signedOn})`);
}
