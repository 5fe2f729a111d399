import type { EntityManager } from '@mikro-orm/postgresql';
import type { Area } from '../area/area.entity.js';
import { areaByCode } from '../area/area.service.js';
import { ProblemList } from '../common/errors.js';
import { createRecord, deleteRecord, type RecordKind, updateRecord, type WriteContext } from '../common/mutation.js';
import { assignDefined, type Mode, required } from '../common/validate.js';
import { PROGRAMME_CODE } from './programme.code.js';
import { Programme, ProgrammeDocument, ProgrammeEvent } from './programme.entity.js';
import type { ProgrammeInput } from './programme.inputs.js';
import { PROGRAMME_ACCESS, programmeFieldRules, titledFieldRules } from './programme.rules.js';

/** Finds a programme by code; null when there is none. */
export function findProgramme(em: EntityManager, code: string): Promise<Programme | null> {
  return em.findOne(Programme, { code: PROGRAMME_CODE.normalise(code) });
}

async function applyProgrammeInput(tx: EntityManager, row: Programme, input: ProgrammeInput, mode: Mode): Promise<void> {
  const p = new ProblemList();
  const code = required(p, 'input.code', input.code, mode);
  const nameZh = required(p, 'input.nameZh', input.nameZh, mode)?.trim();
  const nameEn = required(p, 'input.nameEn', input.nameEn, mode)?.trim();
  const kind = required(p, 'input.kind', input.kind, mode);
  const source = required(p, 'input.source', input.source, mode)?.trim();
  const leadBody = input.leadBody === undefined ? undefined : input.leadBody === null || input.leadBody.trim() === '' ? null : input.leadBody.trim();
  p.addAll(programmeFieldRules({ nameZh, nameEn, leadBody, source }));
  let leadArea: Area | null | undefined;
  if (input.leadArea === null || input.leadArea?.trim() === '') leadArea = null;
  else if (input.leadArea !== undefined) leadArea = await areaByCode(tx, p, 'input.leadArea', input.leadArea);

  const documents = input.documents?.map((d, i) => {
    p.addAll(titledFieldRules(`documents[${i}].`, d));
    return { title: d.title.trim(), issuedOn: d.issuedOn ?? null, source: d.source.trim() };
  });
  documents?.forEach((d, i) => {
    if (d.title && documents.findIndex((o) => o.title === d.title) !== i) p.add(`input.documents[${i}].title`, 'is already in the list', d.title);
  });
  const events = input.events?.map((e, i) => {
    p.addAll(titledFieldRules(`events[${i}].`, e));
    return { occurredOn: e.occurredOn, title: e.title.trim(), source: e.source.trim() };
  });
  events?.forEach((e, i) => {
    if (e.title && events.findIndex((o) => o.title === e.title && o.occurredOn === e.occurredOn) !== i)
      p.add(`input.events[${i}].title`, 'is already in the list for that date', e.title);
  });
  if (input.documents === null) p.add('input.documents', 'must not be null (give [] to clear the list)');
  if (input.events === null) p.add('input.events', 'must not be null (give [] to clear the list)');
  if (code && code !== row.code) p.conflict((await tx.count(Programme, { code })) === 0, 'input.code', `a programme with code ${code} already exists`, code);
  p.throwIfAny();
  assignDefined(row, { code, nameZh, nameEn, kind, source, leadBody, leadArea, startedOn: input.startedOn });
  if (documents) {
    if (row.id) await tx.nativeDelete(ProgrammeDocument, { programme: row.id });
    for (const d of documents) tx.persist(tx.create(ProgrammeDocument, { programme: row, title: d.title!, issuedOn: d.issuedOn, source: d.source! }));
  }
  if (events) {
    if (row.id) await tx.nativeDelete(ProgrammeEvent, { programme: row.id });
    for (const e of events) tx.persist(tx.create(ProgrammeEvent, { programme: row, occurredOn: e.occurredOn, title: e.title!, source: e.source! }));
  }
}

const PROGRAMME: RecordKind<Programme, string, ProgrammeInput> = {
  name: 'Programme',
  keyArg: 'code',
  keyText: (code) => code,
  make: () => new Programme(),
  find: findProgramme,
  apply: applyProgrammeInput,
  label: (row, key, input) => `programme ${input?.code ?? key ?? row.code}`,
  access: PROGRAMME_ACCESS,
  target: () => ({ areaIds: [], enterpriseIds: [] }),
};

export const createProgramme = (ctx: WriteContext, input: ProgrammeInput) => createRecord(ctx, PROGRAMME, input);
export const updateProgramme = (ctx: WriteContext, code: string, input: ProgrammeInput) => updateRecord(ctx, PROGRAMME, code, input);
export const deleteProgramme = (ctx: WriteContext, code: string) => deleteRecord(ctx, PROGRAMME, code);
