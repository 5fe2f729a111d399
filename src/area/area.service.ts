import type { EntityManager } from '@mikro-orm/postgresql';
import { ProblemList } from '../common/errors.js';
import { createRecord, deleteRecord, type RecordKind, updateRecord, type WriteContext } from '../common/mutation.js';
import { assignDefined, type Mode, required } from '../common/validate.js';
import { AREA_CODE } from './area.code.js';
import { Area } from './area.entity.js';
import { AreaKind, ScenicGrade } from './area.enums.js';
import type { AreaInput } from './area.inputs.js';
import { AREA_ACCESS, areaFieldRules, areaKindChangeRules, areaShapeRules } from './area.rules.js';

/** Finds an area by code inside a mutation, recording a problem on `field` when there is none. */
export async function areaByCode(tx: EntityManager, p: ProblemList, field: string, code: string): Promise<Area | undefined> {
  const area = await tx.findOne(Area, { code: AREA_CODE.normalise(code) });
  if (!area) p.add(field, `no area has code ${code}`, code);
  return area ?? undefined;
}

async function applyAreaInput(tx: EntityManager, area: Area, input: AreaInput, mode: Mode): Promise<void> {
  const p = new ProblemList();
  const code = required(p, 'input.code', input.code, mode);
  const name = required(p, 'input.name', input.name, mode);
  const kind = required(p, 'input.kind', input.kind, mode);
  const source = required(p, 'input.source', input.source, mode);
  p.addAll(areaFieldRules({ name, source }));
  let parent: Area | null | undefined;
  if (input.parentCode === null) parent = null;
  else if (input.parentCode !== undefined) parent = await areaByCode(tx, p, 'input.parentCode', input.parentCode);

  const finalKind = kind ?? area.kind;
  if (finalKind) {
    // Note: the parent is checked when it or the kind is given; a parent left as it is gets loaded for that.
    const checkParent = parent !== undefined || mode === 'create' || kind !== undefined;
    let parentKind: AreaKind | null | undefined;
    if (parent !== undefined) parentKind = parent?.kind ?? (input.parentCode === null ? null : undefined);
    else if (checkParent) parentKind = area.parent ? (await tx.findOneOrFail(Area, { id: area.parent.id })).kind : null;
    p.addAll(
      areaShapeRules({
        kind: finalKind,
        parentKind,
        mountain: input.mountain ?? (mode === 'create' ? false : area.mountain),
        scenicGrade: input.scenicGrade ?? (mode === 'create' ? ScenicGrade.NONE : area.scenicGrade),
      }),
    );
  }
  if (mode === 'update' && kind && kind !== area.kind) p.addAll(areaKindChangeRules(area.kind, kind, await tx.count(Area, { parent: area })));
  if (code && code !== area.code) p.conflict((await tx.count(Area, { code })) === 0, 'input.code', `an area with code ${code} already exists`, code);
  p.throwIfAny();
  assignDefined(area, {
    code,
    name: name?.trim(),
    kind,
    source: source?.trim(),
    parent,
    mountain: input.mountain ?? undefined,
    scenicGrade: input.scenicGrade ?? undefined,
  });
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
  access: AREA_ACCESS,
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
