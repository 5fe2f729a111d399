import type { EntityManager } from '@mikro-orm/postgresql';
import { projectTarget } from '../auth/scope.js';
import { BadInputError, ProblemList } from '../common/errors.js';
import { createRecord, deleteRecord, type RecordKind, updateRecord, type WriteContext } from '../common/mutation.js';
import { assignDefined, type Mode, required } from '../common/validate.js';
import { PROJECT_CODE } from '../project/project.code.js';
import { Project } from '../project/project.entity.js';
import { FundFlow } from './fund-flow.entity.js';
import type { FundFlowInput, FundFlowKeyInput } from './fund-flow.inputs.js';
import { FUND_FLOW_ACCESS, fundFlowFieldRules, generatedReference, referenceProblem } from './fund-flow.rules.js';

/**
 * Finds a fund flow by its key (project code and reference, or project code, kind and date); null
 * when there is none. Kind and date must name one flow: with several that day, the reference is needed.
 */
export async function findFundFlow(em: EntityManager, key: FundFlowKeyInput): Promise<FundFlow | null> {
  const project = { code: PROJECT_CODE.normalise(key.projectCode) };
  if (key.reference !== undefined && key.reference !== null) return em.findOne(FundFlow, { project, reference: key.reference.trim() });
  if (!key.kind || !key.occurredOn) throw new BadInputError([{ field: 'key.reference', rule: 'give the reference, or kind and occurredOn' }]);
  const found = await em.find(FundFlow, { project, kind: key.kind, occurredOn: key.occurredOn }, { limit: 2, orderBy: { id: 'asc' } });
  if (found.length > 1) {
    throw new BadInputError([
      { field: 'key.reference', rule: `project ${key.projectCode} has several ${key.kind} flows on ${key.occurredOn}: name one by its reference` },
    ]);
  }
  return found[0] ?? null;
}

/** Finds a project by code inside a mutation, recording a problem on `field` when there is none. */
async function projectByCode(tx: EntityManager, p: ProblemList, field: string, code: string): Promise<Project | undefined> {
  const project = await tx.findOne(Project, { code: PROJECT_CODE.normalise(code) });
  if (!project) p.add(field, `no project has code ${code}`, code);
  return project ?? undefined;
}

/** The reference of the input: trimmed and checked; undefined when not given or invalid. */
function referenceInput(p: ProblemList, value: string | null | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value === null) {
    p.add('input.reference', 'must not be null');
    return undefined;
  }
  const reference = value.trim();
  const problem = referenceProblem(reference);
  if (problem) p.add('input.reference', problem, value);
  return problem ? undefined : reference;
}

async function applyFundFlowInput(tx: EntityManager, flow: FundFlow, input: FundFlowInput, mode: Mode): Promise<void> {
  const p = new ProblemList();
  const kind = required(p, 'input.kind', input.kind, mode);
  const occurredOn = required(p, 'input.occurredOn', input.occurredOn, mode);
  const source = required(p, 'input.source', input.source, mode);
  const projectCode = required(p, 'input.projectCode', input.projectCode, mode);
  const project = projectCode === undefined ? undefined : await projectByCode(tx, p, 'input.projectCode', projectCode);
  const given = referenceInput(p, input.reference);
  // A flow created without a reference gets <KIND>-<date>, the same rule as the database's default;
  // one that still has its generated reference keeps it in step with its kind and date.
  let reference = given;
  if (
    mode === 'create'
      ? kind && occurredOn && input.reference === undefined
      : (kind || occurredOn) && input.reference === undefined && flow.reference === generatedReference(flow.kind, flow.occurredOn)
  ) {
    reference = generatedReference(kind ?? flow.kind, occurredOn ?? flow.occurredOn);
  }

  let amount = required(p, 'input.amount', input.amount, mode);
  const problems = fundFlowFieldRules({ amount, source });
  if (problems.some((x) => x.field === 'amount')) amount = undefined;
  p.addAll(problems);

  // The key as the row will have it: one flow per project and reference.
  const finalProject = input.projectCode === undefined ? flow.project : project;
  const finalReference = reference ?? flow.reference;
  const changed = finalProject?.id !== flow.project?.id || finalReference !== flow.reference;
  if (finalProject && finalReference && changed) {
    const taken = await tx.count(FundFlow, { project: finalProject, reference: finalReference });
    const hint = given === undefined ? ': give this flow its own reference (凭证号), or update that flow' : '';
    p.conflict(taken === 0, 'input.reference', `project ${finalProject.code} already has a fund flow with reference ${finalReference}${hint}`, finalReference);
  }
  p.throwIfAny();
  assignDefined(flow, { project, reference, kind, occurredOn, amount, source: source?.trim() });
}

const FUND_FLOW: RecordKind<FundFlow, FundFlowKeyInput, FundFlowInput> = {
  name: 'FundFlow',
  keyArg: 'key',
  keyText: (key) => (key.reference ? `${key.projectCode}/${key.reference}` : `${key.projectCode}/${key.kind}/${key.occurredOn}`),
  make: () => new FundFlow(),
  find: findFundFlow,
  apply: applyFundFlowInput,
  label: (flow, key, input) =>
    `${input?.kind ?? key?.kind ?? flow?.kind} fund flow ${input?.reference ?? key?.reference ?? flow?.reference ?? ''} of project ${input?.projectCode ?? key?.projectCode} on ${input?.occurredOn ?? key?.occurredOn ?? flow?.occurredOn}`,
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
