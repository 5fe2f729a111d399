import type { EntityManager } from '@mikro-orm/postgresql';
import { ProblemList } from '../common/errors.js';
import { createRecord, deleteRecord, updateRecord, type RecordKind, type WriteContext } from '../common/mutation.js';
import { assignDefined, required, requiredText, type Mode } from '../common/validate.js';
import { AreaKind, ScenicGrade } from './area.enums.js';
import { Area } from './area.entity.js';
import type { AreaInput } from './area.inputs.js';

/** Which parent kinds each kind may hang under. */
const PARENT_KINDS: Record<AreaKind, AreaKind[]> = {
  DISTRICT: [],
  PLATFORM: [AreaKind.DISTRICT],
  TOWN: [AreaKind.DISTRICT],
  VILLAGE: [AreaKind.TOWN, AreaKind.PLATFORM],
  COMMUNITY: [AreaKind.TOWN, AreaKind.PLATFORM],
};

export const AREA_CODE_RULE = { max: 12, pattern: /^\d{6,12}$/, rule: 'must be a division code of 6 to 12 digits' };

/** Finds an area by code inside a mutation, recording a problem on `field` when there is none. */
export async function areaByCode(tx: EntityManager, p: ProblemList, field: string, code: string): Promise<Area | undefined> {
  const area = await tx.findOne(Area, { code: code.trim() });
  if (!area) p.add(field, `no area has code ${code}`, code);
  return area ?? undefined;
}

async function applyAreaInput(tx: EntityManager, area: Area, input: AreaInput, mode: Mode): Promise<void> {
  const p = new ProblemList();
  const code = requiredText(p, 'input.code', input.code, mode, AREA_CODE_RULE);
  const name = requiredText(p, 'input.name', input.name, mode);
  const kind = required(p, 'input.kind', input.kind, mode);
  const source = requiredText(p, 'input.source', input.source, mode, { max: 500 });
  let parent: Area | null | undefined;
  if (input.parentCode === null) parent = null;
  else if (input.parentCode !== undefined) parent = await areaByCode(tx, p, 'input.parentCode', input.parentCode);

  const finalKind = kind ?? area.kind;
  const finalParent = parent === undefined ? area.parent : parent;
  if (finalKind) {
    const allowed = PARENT_KINDS[finalKind];
    if (allowed.length === 0) p.check(!finalParent, 'input.parentCode', 'the district has no parent');
    else if (parent !== undefined || mode === 'create' || kind) {
      if (!finalParent) p.add('input.parentCode', `is required for kind ${finalKind}`);
      else p.check(allowed.includes(finalParent.kind), 'input.parentCode', `a ${finalKind} must be under a ${allowed.join(' or ')}, not a ${finalParent.kind}`, input.parentCode);
    }
    const mountain = input.mountain ?? (mode === 'create' ? false : area.mountain);
    p.check(!mountain || finalKind === AreaKind.TOWN, 'input.mountain', 'only a TOWN can be a mountain town');
    const grade = input.scenicGrade ?? (mode === 'create' ? ScenicGrade.NONE : area.scenicGrade);
    p.check(grade === ScenicGrade.NONE || finalKind === AreaKind.VILLAGE || finalKind === AreaKind.COMMUNITY, 'input.scenicGrade', 'only a village or community has a scenic grade');
  }
  if (mode === 'update' && kind && kind !== area.kind) {
    const children = await tx.count(Area, { parent: area });
    p.check(children === 0, 'input.kind', 'cannot change the kind of an area that has areas under it');
  }
  if (code && code !== area.code) p.conflict((await tx.count(Area, { code })) === 0, 'input.code', `an area with code ${code} already exists`, code);
  p.throwIfAny();
  assignDefined(area, { code, name, kind, source, parent, mountain: input.mountain ?? undefined, scenicGrade: input.scenicGrade ?? undefined });
}

const AREA: RecordKind<Area, string, AreaInput> = {
  name: 'Area',
  keyArg: 'code',
  keyText: (code) => code,
  make: () => new Area(),
  find: (tx, code) => tx.findOne(Area, { code }),
  apply: applyAreaInput,
  label: (area, code) => `area ${area.code ?? code}`,
  // Note: an area credential writes the areas below its own area; its own row's place in the tree
  // belongs to the level above, so the scope is the parent (the district for towns and platforms).
  access: { noun: 'areas', area: true, partner: false },
  target: (_tx, area) => ({ areaIds: area.parent ? [area.parent.id] : [], enterpriseIds: [] }),
};

export function createArea(ctx: WriteContext, input: AreaInput): Promise<Area> {
  return createRecord(ctx, AREA, input);
}

export function updateArea(ctx: WriteContext, code: string, input: AreaInput): Promise<Area> {
  return updateRecord(ctx, AREA, code, input);
}

/** Deletes an area; returns its global ID. */
export function deleteArea(ctx: WriteContext, code: string): Promise<string> {
  return deleteRecord(ctx, AREA, code);
}
