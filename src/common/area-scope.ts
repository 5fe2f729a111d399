import type { Knex } from '@mikro-orm/postgresql';
import { Field, InputType } from 'type-graphql';
import type { KnownCodes } from './known-codes.js';

/**
 * The one shape of area scope on every list and aggregate: `area: { within: [codes], mountain }`.
 * What "in" means depends on the record: a project is where its host area is, a fund flow where its
 * project is, a workshop or a collective-income figure where its village is, an area where it is
 * itself, a pairing where either of its party areas is.
 */
@InputType('AreaScopeInput', {
  description:
    '区域范围 Where the records are, the same on every list and aggregate: in any of the areas `within` (or anywhere under them), ' +
    'and in a mountain town or not. A project is where its host area is; a fund flow where its project is; a workshop, a ' +
    'collective-income figure or a village where its village is; an area where it is itself; a pairing where either party area is. ' +
    'All given conditions must hold.',
})
export class AreaScopeInput {
  @Field(() => [String], {
    nullable: true,
    description:
      '范围 In any of these areas or anywhere under them (division codes, e.g. "330110111" for 鸬鸟镇 or "330110" for the whole district); ' +
      'an empty list matches nothing. A name or an unknown code is refused (BAD_USER_INPUT) with the code to use where a name matches.',
  })
  within?: string[] | null;

  @Field(() => Boolean, {
    nullable: true,
    description: '山区镇 In one of the mountain towns or anywhere under one, the town itself included (true), or not (false).',
  })
  mountain?: boolean | null;
}

/** An area scope with the deprecated spellings folded in: every condition must hold. */
export interface AreaScope {
  /** each entry: in any of these codes' subtrees (an empty list: nothing); `single` for a one-code field */
  within: { field: string; codes: string[]; single?: boolean }[];
  /** each entry: in a mountain town (true) or not (false) */
  mountain: boolean[];
}

/** A deprecated spelling of `within` (a single code or a list) under its own field name. */
export interface LegacyWithin {
  field: string;
  codes: string | readonly string[] | null | undefined;
}

/**
 * Reads `area` (under `field`, e.g. `filter.area`) and the deprecated fields that meant the same
 * (`within`, `hostAreaCodes`, `areaCodes`, a top-level `mountain` that meant "in a mountain town").
 */
export function areaScope(field: string, area: AreaScopeInput | null | undefined, legacy: LegacyWithin[] = [], legacyMountain?: boolean | null): AreaScope {
  const scope: AreaScope = { within: [], mountain: [] };
  if (area?.within) scope.within.push({ field: `${field}.within`, codes: area.within.map((c) => c.trim()) });
  for (const l of legacy) {
    if (l.codes === null || l.codes === undefined) continue;
    const single = typeof l.codes === 'string';
    scope.within.push({ field: l.field, codes: (single ? [l.codes as string] : (l.codes as string[])).map((c) => c.trim()), single });
  }
  if (area?.mountain !== null && area?.mountain !== undefined) scope.mountain.push(area.mountain);
  if (legacyMountain !== null && legacyMountain !== undefined) scope.mountain.push(legacyMountain);
  return scope;
}

/** The existence checks of a scope's codes (see checkKnownCodes). */
export function areaScopeCodes(scope: AreaScope): KnownCodes[] {
  return scope.within.map((w) => ({ field: w.field, table: 'area', column: 'code', codes: w.codes, single: w.single }));
}

/**
 * SQL of the ids of the areas with these codes and everything under them (`?` placeholders, one per
 * code): the areas whose materialised path (area_ancestry, kept by triggers) contains one of them,
 * a GIN index lookup instead of a walk down the tree.
 */
export function subtreeIds(codes: readonly string[]): string {
  return `select x.area_id from area_ancestry x where x.path && array(select id from area where code in (${codes.map(() => '?').join(', ')}))`;
}

/** SQL of the ids of the mountain towns and everything under them (materialised in area_ancestry). */
export const MOUNTAIN_AREA_IDS = 'select x.area_id from area_ancestry x where x.mountain';

/** A boolean SQL condition that is never null, with `?` placeholders and their values. */
export interface Condition {
  sql: string;
  bindings: string[];
}

/**
 * The conditions of a scope on records located by one or more area-id columns (a pairing: lead or
 * partner area): a condition holds when any of the columns meets it; null columns never do.
 */
export function areaScopeConditions(scope: AreaScope, columns: readonly string[]): Condition[] {
  const any = (test: (column: string) => string) => `(${columns.map((c) => `coalesce(${test(c)}, false)`).join(' or ')})`;
  const out: Condition[] = [];
  for (const w of scope.within) {
    if (w.codes.length === 0) out.push({ sql: 'false', bindings: [] });
    else out.push({ sql: any((c) => `${c} in (${subtreeIds(w.codes)})`), bindings: columns.flatMap(() => w.codes) });
  }
  for (const m of scope.mountain) {
    const inMountain = any((c) => `${c} in (${MOUNTAIN_AREA_IDS})`);
    out.push({ sql: m ? inMountain : `not ${inMountain}`, bindings: [] });
  }
  return out;
}

/** Adds a scope's conditions to a list query (see areaScopeConditions). */
export function whereAreaScope(qb: Knex.QueryBuilder, scope: AreaScope, ...columns: string[]): void {
  for (const c of areaScopeConditions(scope, columns)) qb.whereRaw(c.sql, c.bindings);
}
