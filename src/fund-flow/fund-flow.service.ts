import { PROJECT_CODE } from '../project/project.code.js';
import { FUND_FLOW_ACCESS, fundFlowFieldRules } from './fund-flow.rules.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ProblemList } from '../common/errors.js';
import { createRecord, deleteRecord, updateRecord, type RecordKind, type WriteContext } from '../common/mutation.js';
import { assignDefined, required, type Mode } from '../common/validate.js';
import { projectTarget } from '../auth/scope.js';
import { Project } from '../project/project.entity.js';
import { FundFlow } from './fund-flow.entity.js';
import type { FundFlowInput, FundFlowKeyInput } from './fund-flow.inputs.js';

/** Finds a fund flow by its natural key (project code, kind, date); null when there is none. */
export function findFundFlow(em: EntityManager, key: FundFlowKeyInput): Promise<FundFlow | null> {
  return em.findOne(FundFlow, { project: { code: PROJECT_CODE.normalise(key.projectCode) }, kind: key.kind, occurredOn: key.occurredOn });
}

/** Finds a project by code inside a mutation, recording a problem on `field` when there is none. */
async function projectByCode(tx: EntityManager, p: ProblemList, field: string, code: string): Promise<Project | undefined> {
  const project = await tx.findOne(Project, { code: PROJECT_CODE.normalise(code) });
  if (!project) p.add(field, `no project has code ${code}`, code);
  return project ?? undefined;
}

async function applyFundFlowInput(tx: EntityManager, flow: FundFlow, input: FundFlowInput, mode: Mode): Promise<void> {
  const p = new ProblemList();
  const kind = required(p, 'input.kind', input.kind, mode);
  const occurredOn = required(p, 'input.occurredOn', input.occurredOn, mode);
  const source = required(p, 'input.source', input.source, mode);
  const projectCode = required(p, 'input.projectCode', input.projectCode, mode);
  const project = projectCode === undefined ? undefined : await projectByCode(tx, p, 'input.projectCode', projectCode);
  let amount = required(p, 'input.amount', input.amount, mode);
  const problems = fundFlowFieldRules({ amount, source });
  if (problems.some((x) => x.field === 'amount')) amount = undefined;
  p.addAll(problems);

  // The natural key as the row will have it; one row per project, kind and day.
  const finalProject = input.projectCode === undefined ? flow.project : project;
  const finalKind = input.kind === undefined ? flow.kind : kind;
  const finalDate = input.occurredOn === undefined ? flow.occurredOn : occurredOn;
  const changed = finalProject?.id !== flow.project?.id || finalKind !== flow.kind || finalDate !== flow.occurredOn;
  if (finalProject && finalKind && finalDate && changed) {
    const taken = await tx.count(FundFlow, { project: finalProject, kind: finalKind, occurredOn: finalDate });
    p.conflict(taken === 0, 'input.occurredOn', `the project already has a ${finalKind} flow on ${finalDate}; update that row with the day’s total`, finalDate);
  }
  p.throwIfAny();
  assignDefined(flow, { project, kind, occurredOn, amount, source: source?.trim() });
}

const FUND_FLOW: RecordKind<FundFlow, FundFlowKeyInput, FundFlowInput> = {
  name: 'FundFlow',
  keyArg: 'key',
  keyText: (key) => `${key.projectCode}/${key.kind}/${key.occurredOn}`,
  make: () => new FundFlow(),
  find: findFundFlow,
  apply: applyFundFlowInput,
  label: (_flow, key, input) =>
    `${input?.kind ?? key?.kind} fund flow of project ${input?.projectCode ?? key?.projectCode} on ${input?.occurredOn ?? key?.occurredOn}`,
  access: FUND_FLOW_ACCESS,
  target: (tx, flow) => projectTarget(tx, flow.project.id),
};

/** Records a fund flow. */
export function createFundFlow(ctx: WriteContext, input: FundFlowInput): Promise<FundFlow> {
  return createRecord(ctx, FUND_FLOW, input);
}

/** Updates the fund flow with this key; only given fields change. */
export function updateFundFlow(ctx: WriteContext, key: FundFlowKeyInput, input: FundFlowInput): Promise<FundFlow> {
  return updateRecord(ctx, FUND_FLOW, key, input);
}

/** Deletes the fund flow with this key; returns its global ID. */
export function deleteFundFlow(ctx: WriteContext, key: FundFlowKeyInput): Promise<string> {
  return deleteRecord(ctx, FUND_FLOW, key);
}
