import type { EntityManager } from '@mikro-orm/postgresql';
import type { Area } from '../area/area.entity.js';
import { areaByCode } from '../area/area.service.js';
import { checkKindAccess, checkScope, projectTarget } from '../auth/scope.js';
import { NotFoundError, ProblemList } from '../common/errors.js';
import { atomically, flushOrConflict, removeOrConflict, type WriteContext } from '../common/mutation.js';
import { assignDefined, type Mode, required } from '../common/validate.js';
import { Enterprise } from '../enterprise/enterprise.entity.js';
import { Pairing } from '../pairing/pairing.entity.js';
import { programmeRef } from '../programme/programme.ref.js';
import { PROJECT_CODE } from './project.code.js';
import { Project, ProjectInvestor, ProjectStage } from './project.entity.js';
import { Stage } from './project.enums.js';
import type { ProjectInput, ProjectStageInput } from './project.inputs.js';
import { PROJECT_ACCESS, projectFieldRules, projectHostRule, STAGE_ACCESS } from './project.rules.js';
import { checkStages } from './stages.js';

async function investorsByCode(tx: EntityManager, p: ProblemList, codes: string[]): Promise<Enterprise[]> {
  const wanted = [...new Set(codes)];
  const found = await tx.find(Enterprise, { creditCode: { $in: wanted } });
  const known = new Set(found.map((e) => e.creditCode));
  codes.forEach((c, i) => {
    if (!known.has(c)) p.add(`input.investorCreditCodes[${i}]`, `no enterprise has credit code ${c}`, c);
  });
  return found;
}

interface Resolved {
  investors?: Enterprise[];
  stages?: ProjectStageInput[];
}

async function applyProjectInput(tx: EntityManager, project: Project, input: ProjectInput, mode: Mode): Promise<Resolved> {
  const p = new ProblemList();
  const code = required(p, 'input.code', input.code, mode);
  const name = required(p, 'input.name', input.name, mode);
  const sector = required(p, 'input.sector', input.sector, mode);
  const source = required(p, 'input.source', input.source, mode);
  const signedAmount = required(p, 'input.signedAmount', input.signedAmount, mode);
  p.addAll(projectFieldRules({ name, sector, source, signedAmount }));
  const signedOn = required(p, 'input.signedOn', input.signedOn, mode);
  let host: Area | undefined;
  const hostCode = required(p, 'input.hostAreaCode', input.hostAreaCode, mode);
  if (hostCode) {
    host = await areaByCode(tx, p, 'input.hostAreaCode', hostCode);
    if (host) p.addAll(projectHostRule(host.kind).map((x) => ({ ...x, value: hostCode })));
  }
  let pairing: Pairing | null | undefined;
  if (input.pairingCode === null) pairing = null;
  else if (input.pairingCode !== undefined) {
    pairing = await tx.findOne(Pairing, { code: input.pairingCode });
    if (!pairing) p.add('input.pairingCode', `no pairing has code ${input.pairingCode}`, input.pairingCode);
  }
  const programme = await programmeRef(tx, p, 'input.programmeCode', input.programmeCode);
  const resolved: Resolved = {};
  if (input.investorCreditCodes === null) resolved.investors = [];
  else if (input.investorCreditCodes) resolved.investors = await investorsByCode(tx, p, input.investorCreditCodes);

  const finalSignedOn = signedOn ?? project.signedOn;
  if (input.stages === null) p.add('input.stages', 'must not be null (give [] to keep only SIGNED)');
  else if (input.stages) resolved.stages = input.stages;
  else if (mode === 'create') resolved.stages = [];
  if (resolved.stages && finalSignedOn && !resolved.stages.some((s) => s.stage === Stage.SIGNED)) {
    resolved.stages = [{ stage: Stage.SIGNED, reachedOn: finalSignedOn }, ...resolved.stages];
  }
  if (resolved.stages) checkStages(p, 'input.stages', resolved.stages, finalSignedOn);
  else if (signedOn && signedOn !== project.signedOn) {
    const stages = await tx.find(ProjectStage, { project });
    checkStages(
      p,
      'input.signedOn',
      stages.map((s) => (s.stage === Stage.SIGNED ? { ...s, reachedOn: signedOn } : s)),
      signedOn,
    );
  }
  if (code && code !== project.code) p.conflict((await tx.count(Project, { code })) === 0, 'input.code', `a project with code ${code} already exists`, code);
  p.throwIfAny();
  assignDefined(project, { code, name: name?.trim(), sector: sector?.trim(), source: source?.trim(), signedAmount, signedOn, host, pairing, programme });
  return resolved;
}

async function saveParts(tx: EntityManager, project: Project, resolved: Resolved): Promise<void> {
  if (resolved.investors) {
    const current = await tx.find(ProjectInvestor, { project });
    const keep = new Set(resolved.investors.map((e) => e.id));
    for (const link of current) if (!keep.has(link.enterprise.id)) tx.remove(link);
    const have = new Set(current.map((l) => l.enterprise.id));
    for (const e of resolved.investors) if (!have.has(e.id)) tx.persist(Object.assign(new ProjectInvestor(), { project, enterprise: e }));
  }
  if (resolved.stages) {
    const current = await tx.find(ProjectStage, { project });
    const byStage = new Map(current.map((s) => [s.stage, s]));
    for (const s of current) if (!resolved.stages.some((r) => r.stage === s.stage)) tx.remove(s);
    for (const r of resolved.stages) {
      const row = byStage.get(r.stage);
      if (row) row.reachedOn = r.reachedOn;
      else tx.persist(Object.assign(new ProjectStage(), { project, stage: r.stage, reachedOn: r.reachedOn }));
    }
  } else {
    const signed = await tx.findOne(ProjectStage, { project, stage: Stage.SIGNED });
    if (signed && signed.reachedOn !== project.signedOn) signed.reachedOn = project.signedOn;
  }
}

async function existingProject(tx: EntityManager, code: string): Promise<Project> {
  const project = await tx.findOne(Project, { code: PROJECT_CODE.normalise(code) });
  if (!project) throw new NotFoundError('Project', code, 'code');
  return project;
}

export function createProject(ctx: WriteContext, input: ProjectInput): Promise<Project> {
  return atomically(ctx, 'createProject', async (tx, principal) => {
    checkKindAccess(principal, PROJECT_ACCESS);
    const project = new Project();
    const resolved = await applyProjectInput(tx, project, input, 'create');
    await checkScope(tx, principal, PROJECT_ACCESS, { areaIds: [project.host.id], enterpriseIds: [] }, `project ${project.code}`);
    tx.persist(project);
    await saveParts(tx, project, resolved);
    await flushOrConflict(tx, `project ${project.code}`, input);
    return project;
  });
}

/** Changes the given fields; a change of `stages` alone is a stage record, which partners investing in the project may make. */
export function updateProject(ctx: WriteContext, code: string, input: ProjectInput): Promise<Project> {
  const stagesOnly = Object.entries(input).every(([field, value]) => field === 'stages' || value === undefined);
  const access = stagesOnly ? STAGE_ACCESS : PROJECT_ACCESS;
  return atomically(ctx, 'updateProject', async (tx, principal) => {
    checkKindAccess(principal, access);
    const project = await existingProject(tx, code);
    const before = await projectTarget(tx, project.id);
    await checkScope(tx, principal, access, before, `project ${code}`);
    const resolved = await applyProjectInput(tx, project, input, 'update');
    const after = { areaIds: [project.host.id], enterpriseIds: resolved.investors ? resolved.investors.map((e) => e.id) : before.enterpriseIds };
    await checkScope(tx, principal, access, after, `project ${project.code}`);
    await saveParts(tx, project, resolved);
    await flushOrConflict(tx, `project ${project.code}`, input);
    return project;
  });
}

/** Records (or moves) the date one stage was reached, keeping the other stages. */
export function setProjectStage(ctx: WriteContext, code: string, stage: Stage, reachedOn: string): Promise<Project> {
  return atomically(ctx, 'setProjectStage', async (tx, principal) => {
    checkKindAccess(principal, STAGE_ACCESS);
    const project = await existingProject(tx, code);
    await checkScope(tx, principal, STAGE_ACCESS, await projectTarget(tx, project.id), `project ${code}`);
    const stages = await tx.find(ProjectStage, { project });
    const next = [...stages.filter((s) => s.stage !== stage).map((s) => ({ stage: s.stage, reachedOn: s.reachedOn })), { stage, reachedOn }];
    const p = new ProblemList();
    checkStages(p, 'reachedOn', next, project.signedOn);
    p.throwIfAny();
    await saveParts(tx, project, { stages: next });
    await tx.flush();
    return project;
  });
}

/** Deletes a project with its stages and investor links; CONFLICT while fund flows refer to it. */
export function deleteProject(ctx: WriteContext, code: string): Promise<string> {
  return atomically(ctx, 'deleteProject', async (tx, principal) => {
    checkKindAccess(principal, PROJECT_ACCESS);
    const project = await existingProject(tx, code);
    await checkScope(tx, principal, PROJECT_ACCESS, await projectTarget(tx, project.id), `project ${code}`);
    const id = project.nodeId;
    await removeOrConflict(tx, project, `project ${code}`);
    return id;
  });
}
