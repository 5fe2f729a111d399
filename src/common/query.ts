import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { Knex } from '@mikro-orm/postgresql';
import { pageWindow, sliceFor, toConnection, type ConnectionArgs, type ConnectionResult } from './connection.js';
import type { RequestContext } from './context.js';

/** One ORDER BY term on a column of the main table (alias `t`). */
export interface OrderTerm {
  column: string;
  direction: 'asc' | 'desc';
}

export function tableOf(em: EntityManager, entity: EntityClass<object>): string {
  return em.getMetadata().get(entity.name).tableName;
}

/** Turns raw rows (snake_case columns) into managed entities, ignoring helper columns starting with `_`. */
export function mapRows<T extends object>(em: EntityManager, entity: EntityClass<T>, rows: Record<string, unknown>[]): T[] {
  return rows.map((row) => {
    const clean: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) if (!k.startsWith('_')) clean[k] = v;
    return em.map(entity, clean as never);
  });
}

function orderSql(terms: OrderTerm[], alias: string): string {
  return [...terms, { column: 'id', direction: 'asc' as const }]
    .map((o) => `${alias}.${o.column} ${o.direction}`)
    .join(', ');
}

/** Adds a list's filter conditions to a query on its main table, aliased `t`. */
export type Where = (qb: Knex.QueryBuilder, knex: Knex) => void;

/**
 * Runs a top-level list as a cursor connection: one COUNT and one page query.
 * `where` adds conditions on the main table, aliased `t`.
 */
export async function listConnection<T extends object>(
  ctx: RequestContext,
  entity: EntityClass<T>,
  where: Where,
  order: OrderTerm[],
  args: ConnectionArgs,
): Promise<ConnectionResult<T>> {
  const window = pageWindow(args);
  const knex = ctx.em.getKnex();
  const base = knex({ t: tableOf(ctx.em, entity) });
  where(base, knex);
  const [{ n }] = await ctx.em.execute<{ n: string }[]>(base.clone().count({ n: '*' }));
  const total = Number(n);
  const { start, end } = sliceFor(window, total);
  if (end <= start) return toConnection([], start, total);
  const rows = await ctx.em.execute(
    base.clone().select('t.*').orderByRaw(orderSql(order, 't')).offset(start).limit(end - start),
  );
  return toConnection(mapRows(ctx.em, entity, rows), start, total);
}

/** Loads records by primary key, batched per request. */
export function byIdLoader<T extends object>(ctx: RequestContext, entity: EntityClass<T>): DataLoader<number, T | null> {
  return ctx.loaders.get(`byId:${entity.name}`, () =>
    new DataLoader<number, T | null>(async (ids) => {
      const found = await ctx.em.find(entity, { id: { $in: [...ids] } } as never);
      const byId = new Map(found.map((e) => [(e as unknown as { id: number }).id, e]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  );
}

/**
 * Source of a nested list: selects the child table's columns (`t.*`) and the parent's id as `_parent`,
 * for the given parent ids.
 */
export type NestedSource = (knex: Knex, parentIds: readonly number[]) => Knex.QueryBuilder;

/**
 * A DataLoader that pages a nested list (e.g. a town's villages) for many parents at once:
 * one grouped COUNT and one windowed page query per batch, however many parents or rows.
 */
export function nestedConnectionLoader<T extends object>(
  ctx: RequestContext,
  name: string,
  entity: EntityClass<T>,
  source: NestedSource,
  order: OrderTerm[],
  args: ConnectionArgs,
): DataLoader<number, ConnectionResult<T>> {
  const window = pageWindow(args);
  const key = `nested:${name}:${JSON.stringify(args)}:${JSON.stringify(order)}`;
  return ctx.loaders.get(key, () =>
    new DataLoader<number, ConnectionResult<T>>(async (parentIds) => {
      const knex = ctx.em.getKnex();
      const counts = await ctx.em.execute<{ _parent: number; n: string }[]>(
        knex.from(source(knex, parentIds).as('s')).select('s._parent').count({ n: '*' }).groupBy('s._parent'),
      );
      const totals = new Map(counts.map((c) => [Number(c._parent), Number(c.n)]));
      const slices = parentIds.map((id) => ({ id, total: totals.get(id) ?? 0, ...sliceFor(window, totals.get(id) ?? 0) }));
      const wanted = slices.filter((s) => s.end > s.start);
      const rowsByParent = new Map<number, Record<string, unknown>[]>();
      if (wanted.length > 0) {
        const ranked = knex
          .from(source(knex, parentIds).as('s'))
          .select('s.*', knex.raw(`row_number() over (partition by s._parent order by ${orderSql(order, 's')}) as _rn`));
        const rows = await ctx.em.execute<Record<string, unknown>[]>(
          knex
            .from(ranked.as('x'))
            .joinRaw('join unnest(?::int[], ?::int[], ?::int[]) as r(p, lo, hi) on r.p = x._parent', [
              intArray(wanted.map((s) => s.id)),
              intArray(wanted.map((s) => s.start)),
              intArray(wanted.map((s) => s.end)),
            ])
            .whereRaw('x._rn > r.lo and x._rn <= r.hi')
            .select('x.*')
            .orderBy([{ column: 'x._parent' }, { column: 'x._rn' }]),
        );
        for (const row of rows) {
          const p = Number(row._parent);
          if (!rowsByParent.has(p)) rowsByParent.set(p, []);
          rowsByParent.get(p)!.push(row);
        }
      }
      return slices.map((s) => toConnection(mapRows(ctx.em, entity, rowsByParent.get(s.id) ?? []), s.start, s.total));
    }),
  );
}

/**
 * A DataLoader for a short, unpaged nested list (e.g. a project's investors): one query per batch.
 * `source` selects `t.*` and the parent id as `_parent`, as for nestedConnectionLoader.
 */
export function nestedListLoader<T extends object>(
  ctx: RequestContext,
  name: string,
  entity: EntityClass<T>,
  source: NestedSource,
  order: OrderTerm[],
): DataLoader<number, T[]> {
  return ctx.loaders.get(`list:${name}`, () =>
    new DataLoader<number, T[]>(async (parentIds) => {
      const knex = ctx.em.getKnex();
      const rows = await ctx.em.execute<Record<string, unknown>[]>(
        knex.from(source(knex, parentIds).as('s')).select('s.*').orderByRaw(`s._parent, ${orderSql(order, 's')}`),
      );
      const byParent = new Map<number, Record<string, unknown>[]>();
      for (const row of rows) {
        const p = Number(row._parent);
        if (!byParent.has(p)) byParent.set(p, []);
        byParent.get(p)!.push(row);
      }
      return parentIds.map((id) => mapRows(ctx.em, entity, byParent.get(id) ?? []));
    }),
  );
}

/** A PostgreSQL array literal of integers (knex would expand a JS array into a list). */
function intArray(values: number[]): string {
  return `{${values.map((v) => Math.trunc(v)).join(',')}}`;
}

/** Escapes LIKE wildcards so user text matches literally. */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Restricts `column` (an area id) to the areas with these codes and everything under them. */
export function whereInSubtree(qb: Knex.QueryBuilder, column: string, codes: readonly string[]): void {
  if (codes.length === 0) {
    qb.whereRaw('false');
    return;
  }
  // Note: the materialised ancestors (area_ancestry.path, GIN-indexed) make this one index lookup.
  qb.whereRaw(
    `${column} in (select x.area_id from area_ancestry x where x.path && array(select id from area where code in (${codes.map(() => '?').join(', ')})))`,
    [...codes],
  );
}
