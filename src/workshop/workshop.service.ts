import { programmeRef } from '../programme/programme.ref.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AreaKind } from '../area/area.enums.js';
import type { Area } from '../area/area.entity.js';
import { areaByCode } from '../area/area.service.js';
import { compareYuan } from '../common/decimal.js';
import { ProblemList } from '../common/errors.js';
import { createRecord, deleteRecord, updateRecord, type RecordKind, type WriteContext } from '../common/mutation.js';
import { assignDefined, checkInt, required, requiredText, type Mode } from '../common/validate.js';
import type { Enterprise } from '../enterprise/enterprise.entity.js';
import { enterpriseByCreditCode } from '../enterprise/enterprise.service.js';
import { Workshop } from './workshop.entity.js';
import type { WorkshopInput, WorkshopKeyInput } from './workshop.inputs.js';

/** Area kinds that can set up a workshop. */
const VILLAGE_KINDS: readonly AreaKind[] = [AreaKind.VILLAGE, AreaKind.COMMUNITY];

/** Upper bound for head counts (a sanity limit, far above any real workshop). */
const MAX_JOBS = 1_000_000;

/** Exclusive bound of a numeric(20,2) column in yuan. */
const MONEY_LIMIT = '1000000000000000000';

/** Finds a workshop by its natural key (village code and name); null when there is none. */
export function findWorkshop(em: EntityManager, key: WorkshopKeyInput): Promise<Workshop | null> {
  return em.findOne(Workshop, { village: { code: key.villageCode.trim() }, name: key.name.trim() });
}

async function applyWorkshopInput(tx: EntityManager, workshop: Workshop, input: WorkshopInput, mode: Mode): Promise<void> {
  const p = new ProblemList();
  const name = requiredText(p, 'input.name', input.name, mode);
  const type = required(p, 'input.type', input.type, mode);
  const source = requiredText(p, 'input.source', input.source, mode, { max: 500 });

  let village: Area | undefined;
  const villageCode = required(p, 'input.villageCode', input.villageCode, mode);
  if (villageCode !== undefined) {
    village = await areaByCode(tx, p, 'input.villageCode', villageCode);
    if (village && !VILLAGE_KINDS.includes(village.kind)) {
      p.add('input.villageCode', `must be a VILLAGE or COMMUNITY, not a ${village.kind}`, villageCode);
      village = undefined;
    }
  }

  let hostEnterprise: Enterprise | null | undefined;
  if (input.hostEnterpriseCreditCode === null || input.hostEnterpriseCreditCode?.trim() === '') hostEnterprise = null;
  else if (input.hostEnterpriseCreditCode !== undefined) {
    hostEnterprise = await enterpriseByCreditCode(tx, p, 'input.hostEnterpriseCreditCode', input.hostEnterpriseCreditCode);
  }

  const count = (field: 'jobsCreated' | 'lowIncomeJobs'): number | undefined => {
    const v = input[field];
    if (v === undefined) return undefined;
    if (v === null) {
      p.add(`input.${field}`, 'must not be null');
      return undefined;
    }
    return checkInt(p, `input.${field}`, v, 0, MAX_JOBS);
  };
  const jobsCreated = count('jobsCreated');
  const lowIncomeJobs = count('lowIncomeJobs');
  // Compare the values the record will have, so changing either side alone is checked too.
  const finalJobs = input.jobsCreated === undefined ? workshop.jobsCreated : jobsCreated;
  const finalLow = input.lowIncomeJobs === undefined ? workshop.lowIncomeJobs : lowIncomeJobs;
  if (finalJobs !== undefined && finalLow !== undefined) {
    p.check(finalLow <= finalJobs, 'input.lowIncomeJobs', `must not exceed jobsCreated (${finalJobs})`, finalLow);
  }

  const programme = await programmeRef(tx, p, 'input.programmeCode', input.programmeCode);
  const gain = input.incomeGainPerPerson;
  if (gain !== undefined && gain !== null) {
    p.check(compareYuan(gain, '0') >= 0, 'input.incomeGainPerPerson', 'must be 0 or more', gain);
    p.check(compareYuan(gain, MONEY_LIMIT) < 0, 'input.incomeGainPerPerson', 'must be less than 10^18 yuan', gain);
  }

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
    source,
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
  access: { noun: 'workshops', area: true, partner: true },
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
