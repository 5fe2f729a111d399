import type { EntityManager } from '@mikro-orm/postgresql';
import type { Area } from '../area/area.entity.js';
import { areaKindRule, VILLAGE_KINDS } from '../area/area.rules.js';
import { areaByCode } from '../area/area.service.js';
import { ProblemList } from '../common/errors.js';
import { createRecord, deleteRecord, type RecordKind, updateRecord, type WriteContext } from '../common/mutation.js';
import { assignDefined, type Mode, required } from '../common/validate.js';
import type { Enterprise } from '../enterprise/enterprise.entity.js';
import { enterpriseByCreditCode } from '../enterprise/enterprise.service.js';
import { programmeRef } from '../programme/programme.ref.js';
import { Workshop } from './workshop.entity.js';
import type { WorkshopInput, WorkshopKeyInput } from './workshop.inputs.js';
import { WORKSHOP_ACCESS, workshopFieldRules, workshopJobsRule } from './workshop.rules.js';

/** Finds a workshop by its natural key (village code and name); null when there is none. */
export function findWorkshop(em: EntityManager, key: WorkshopKeyInput): Promise<Workshop | null> {
  return em.findOne(Workshop, { village: { code: key.villageCode.trim() }, name: key.name.trim() });
}

async function applyWorkshopInput(tx: EntityManager, workshop: Workshop, input: WorkshopInput, mode: Mode): Promise<void> {
  const p = new ProblemList();
  const name = required(p, 'input.name', input.name, mode)?.trim();
  const type = required(p, 'input.type', input.type, mode);
  const source = required(p, 'input.source', input.source, mode);

  let village: Area | undefined;
  const villageCode = required(p, 'input.villageCode', input.villageCode, mode);
  if (villageCode !== undefined) {
    village = await areaByCode(tx, p, 'input.villageCode', villageCode);
    const wrong = village ? areaKindRule('villageCode', village.kind, VILLAGE_KINDS) : [];
    p.addAll(wrong.map((x) => ({ ...x, value: villageCode })));
    if (wrong.length > 0) village = undefined;
  }

  let hostEnterprise: Enterprise | null | undefined;
  if (input.hostEnterpriseCreditCode === null) hostEnterprise = null;
  else if (input.hostEnterpriseCreditCode !== undefined) {
    hostEnterprise = await enterpriseByCreditCode(tx, p, 'input.hostEnterpriseCreditCode', input.hostEnterpriseCreditCode);
  }

  for (const field of ['jobsCreated', 'lowIncomeJobs'] as const) if (input[field] === null) p.add(`input.${field}`, 'must not be null');
  const gain = input.incomeGainPerPerson;
  const problems = workshopFieldRules({ name, source, jobsCreated: input.jobsCreated, lowIncomeJobs: input.lowIncomeJobs, incomeGainPerPerson: gain });
  p.addAll(problems);
  const valid = (field: 'jobsCreated' | 'lowIncomeJobs') => (input[field] === null || problems.some((x) => x.field === field) ? undefined : input[field]);
  const jobsCreated = valid('jobsCreated');
  const lowIncomeJobs = valid('lowIncomeJobs');
  // Compare the values the record will have, so changing either side alone is checked too.
  const finalJobs = input.jobsCreated === undefined ? workshop.jobsCreated : jobsCreated;
  const finalLow = input.lowIncomeJobs === undefined ? workshop.lowIncomeJobs : lowIncomeJobs;
  p.addAll(workshopJobsRule(finalJobs ?? undefined, finalLow ?? undefined));
  const programme = await programmeRef(tx, p, 'input.programmeCode', input.programmeCode);

  const finalVillage = villageCode === undefined ? workshop.village : village;
  const finalName = input.name === undefined ? workshop.name : name;
  if (finalVillage && finalName && (finalVillage.id !== workshop.village?.id || finalName !== workshop.name)) {
    const taken = await tx.count(Workshop, { village: finalVillage, name: finalName });
    p.conflict(taken === 0, 'input.name', `the village already has a workshop named ${finalName}`, finalName);
  }
  p.throwIfAny();
  assignDefined(workshop, {
    name,
    type,
    source: source?.trim(),
    village,
    hostEnterprise,
    openedOn: input.openedOn,
    jobsCreated,
    lowIncomeJobs,
    incomeGainPerPerson: gain,
    programme,
  });
}

const WORKSHOP: RecordKind<Workshop, WorkshopKeyInput, WorkshopInput> = {
  name: 'Workshop',
  keyArg: 'key',
  keyText: (key) => `${key.villageCode}/${key.name}`,
  make: () => new Workshop(),
  find: findWorkshop,
  apply: applyWorkshopInput,
  label: (_workshop, key, input) => `workshop ${input?.name ?? key?.name} of village ${input?.villageCode ?? key?.villageCode}`,
  access: WORKSHOP_ACCESS,
  target: (_tx, workshop) => ({ areaIds: [workshop.village.id], enterpriseIds: workshop.hostEnterprise ? [workshop.hostEnterprise.id] : [] }),
};

/** Creates a workshop. */
export function createWorkshop(ctx: WriteContext, input: WorkshopInput): Promise<Workshop> {
  return createRecord(ctx, WORKSHOP, input);
}

/** Updates the workshop with this key; only given fields change. */
export function updateWorkshop(ctx: WriteContext, key: WorkshopKeyInput, input: WorkshopInput): Promise<Workshop> {
  return updateRecord(ctx, WORKSHOP, key, input);
}

/** Deletes the workshop with this key; returns its global ID. */
export function deleteWorkshop(ctx: WriteContext, key: WorkshopKeyInput): Promise<string> {
  return deleteRecord(ctx, WORKSHOP, key);
}
