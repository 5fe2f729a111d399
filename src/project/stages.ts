import type { ProblemList } from '../common/errors.js';
import { Stage, STAGE_ORDER } from './project.enums.js';
import { type StageDate, stageRules } from './project.rules.js';

export type { StageDate };

/** The stage a project is at now: cancelled wins, otherwise the furthest stage reached. */
export function currentStage(stages: readonly StageDate[]): Stage | null {
  if (stages.some((s) => s.stage === Stage.CANCELLED)) return Stage.CANCELLED;
  let current: Stage | null = null;
  for (const s of stages) if (current === null || STAGE_ORDER.indexOf(s.stage) > STAGE_ORDER.indexOf(current)) current = s.stage;
  return current;
}

/** Records the problems of {@link stageRules} on `field` (a full input path, e.g. `input.stages`). */
export function checkStages(p: ProblemList, field: string, stages: readonly StageDate[], signedOn: string | undefined): void {
  p.addAll(stageRules(stages, signedOn, field), '');
}
