/**
 * The rules of areas, as plain functions over plain values: used by the mutations
 * (area.service.ts) and by the importer (area.sheet.ts) alike. The database backs the tree's
 * shape up with checks and a trigger (Migration20261201092000_area_tree).
 */
import type { KindAccess } from '../auth/scope.js';
import { NAME_MAX, type Problem, problem, SOURCE_MAX, text } from '../common/rules.js';
import { AreaKind, ScenicGrade } from './area.enums.js';

/** Which parent kinds each kind may hang under. */
export const PARENT_KINDS: Record<AreaKind, AreaKind[]> = {
  DISTRICT: [],
  PLATFORM: [AreaKind.DISTRICT],
  TOWN: [AreaKind.DISTRICT],
  VILLAGE: [AreaKind.TOWN, AreaKind.PLATFORM],
  COMMUNITY: [AreaKind.TOWN, AreaKind.PLATFORM],
};

/** Kinds of area that report collective income and set up workshops. */
export const VILLAGE_KINDS: readonly AreaKind[] = [AreaKind.VILLAGE, AreaKind.COMMUNITY];

/** Text fields of an area that are given. */
export function areaFieldRules(v: { name?: string | null; source?: string | null }): Problem[] {
  const out: Problem[] = [];
  if (typeof v.name === 'string') text(out, 'name', v.name, NAME_MAX);
  if (typeof v.source === 'string') text(out, 'source', v.source, SOURCE_MAX);
  return out;
}

/** An area's place in the tree as it will be. `parentKind` undefined: the parent is not being checked. */
export interface AreaShape {
  kind: AreaKind;
  parentKind: AreaKind | null | undefined;
  mountain: boolean;
  scenicGrade: ScenicGrade;
}

/** The tree's shape: the district has no parent, every other area one of the kinds it may hang under; only towns are mountain towns, only villages and communities have a scenic grade. */
export function areaShapeRules(a: AreaShape): Problem[] {
  const out: Problem[] = [];
  const allowed = PARENT_KINDS[a.kind];
  if (allowed.length === 0) {
    if (a.parentKind) out.push(problem('parentCode', 'KIND', 'the district has no parent'));
  } else if (a.parentKind === null) out.push(problem('parentCode', 'REQUIRED', `is required for kind ${a.kind}`));
  else if (a.parentKind !== undefined && !allowed.includes(a.parentKind)) {
    out.push(problem('parentCode', 'KIND', `a ${a.kind} must be under a ${allowed.join(' or ')}, not a ${a.parentKind}`));
  }
  if (a.mountain && a.kind !== AreaKind.TOWN) out.push(problem('mountain', 'KIND', 'only a TOWN can be a mountain town'));
  if (a.scenicGrade !== ScenicGrade.NONE && !VILLAGE_KINDS.includes(a.kind))
    out.push(problem('scenicGrade', 'KIND', 'only a village or community has a scenic grade'));
  return out;
}

/** A change of kind: an area with areas under it keeps its kind (a town with villages never becomes a village). */
export function areaKindChangeRules(from: AreaKind | undefined, to: AreaKind, children: number): Problem[] {
  if (!from || from === to || children === 0) return [];
  return [problem('kind', 'TRANSITION', `cannot change the kind of an area that has areas under it (${from} → ${to}, ${children} below it)`, to)];
}

/** A reference to an area that must be of one of `kinds` (e.g. a workshop's village). */
export function areaKindRule(field: string, kind: AreaKind, kinds: readonly AreaKind[], what = `a ${kinds.join(' or ')}`): Problem[] {
  return kinds.includes(kind) ? [] : [problem(field, 'KIND', `must be ${what}, not a ${kind}`)];
}

/** Who may write areas through the API (src/auth/scope.ts). */
export const AREA_ACCESS: KindAccess = { noun: 'areas', area: true, partner: false };
