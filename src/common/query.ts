import type { EntityClass } from '@mikro-orm/core';
import type { Knex } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';
import { sqlRows } from '../db/sql.js';
import {
  type ConnectionArgs,
  type ConnectionResult,
  type Cursor,
  encodeCursor,
  orderSignature,
  type PageRequest,
  pageRequest,
  reversed,
  type SortKey,
  toConnection,
} from './connection.js';
import type { RequestContext } from './context.js';
import { columnOf, columnsOf, rowMapper, tableOf } from './rows.js';

export { mapRows } from './rows.js';

/** One ORDER BY term on a column of the main table (alias `t`). */
export interface OrderTerm {
  column: string;
  direction: 'asc' | 'desc';
}

/** Adds a list's filter conditions to a query on its main table, aliased `t`. */
export type Where = (qb: Knex.QueryBuilder, knex: Knex) => void;

/** A SQL fragment with `?` placeholders and its values. */
interface Fragment {
  sql: string;
  bindings: unknown[];
}

/**
 * The keyset order of a list: its terms, then the id as the tie-breaker in the direction of the last
 * term (so a single index on (column, id) serves the order both ways).
 */
export function sortKeys(ctx: RequestContext, entity: EntityClass<object>, order: readonly OrderTerm[]): SortKey[] {
  const keys: SortKey[] = order.map((o) => {
    const c = columnOf(ctx.em, entity, o.column);
    return { column: o.column, direction: o.direction, nullsFirst: o.direction === 'desc', sqlType: c.sqlType, nullable: c.nullable };
  });
  const last = order.length > 0 ? order[order.length - 1].direction : 'asc';
  keys.push({ column: 'id', direction: last, nullsFirst: last === 'desc', sqlType: 'int', nullable: false });
  return keys;
}

function orderSql(keys: readonly SortKey[], alias: string): string {
  return keys.map((k) => `${alias}.${k.column} ${k.direction} nulls ${k.nullsFirst ? 'first' : 'last'}`).join(', ');
}

/** The sort-key columns (all but the id) as text, `_k0`, `_k1`, …, for the cursors. */
function keyColumnsSql(keys: readonly SortKey[], alias: string): string {
  return keys
    .slice(0, -1)
    .map((k, i) => `, ${alias}.${k.column}::text as _k${i}`)
    .join('');
}

/**
 * Rows strictly after `cursor` in the order `keys`: a row comparison when every key is non-null and
 * in one direction (an index range), else the expanded form that places nulls as the order does.
 */
function keysetAfter(keys: readonly SortKey[], cursor: Cursor, alias: string): Fragment {
  const values = [...cursor.values, String(cursor.id)];
  const col = (k: SortKey) => `${alias}.${k.column}`;
  if (keys.every((k) => !k.nullable && k.direction === keys[0].direction) && values.every((v) => v !== null)) {
    return {
      sql: `(${keys.map(col).join(', ')}) ${keys[0].direction === 'asc' ? '>' : '<'} (${keys.map((k) => `?::${k.sqlType}`).join(', ')})`,
      bindings: values,
    };
  }
  const alternatives: string[] = [];
  const bindings: unknown[] = [];
  keys.forEach((k, i) => {
    const parts: string[] = [];
    keys.slice(0, i).forEach((e, j) => {
      if (values[j] === null) parts.push(`${col(e)} is null`);
      else {
        parts.push(`${col(e)} = ?::${e.sqlType}`);
        bindings.push(values[j]);
      }
    });
    const v = values[i];
    if (v === null) parts.push(k.nullsFirst ? `${col(k)} is not null` : 'false');
    else {
      const beyond = `${col(k)} ${k.direction === 'asc' ? '>' : '<'} ?::${k.sqlType}`;
      parts.push(k.nullable && !k.nullsFirst ? `(${beyond} or ${col(k)} is null)` : beyond);
      bindings.push(v);
    }
    alternatives.push(`(${parts.join(' and ')})`);
  });
  return { sql: `(${alternatives.join(' or ')})`, bindings };
}

/** The cursor conditions of a page on alias `alias`. */
function cursorConditions(keys: readonly SortKey[], page: PageRequest, alias: string): Fragment[] {
  const out: Fragment[] = [];
  if (page.after) out.push(keysetAfter(keys, page.after, alias));
  if (page.before) out.push(keysetAfter(reversed(keys), page.before, alias));
  return out;
}

/** Runs a knex query with bind parameters (see sqlRows). */
function run<T = Record<string, unknown>>(ctx: RequestContext, qb: Knex.QueryBuilder): Promise<T[]> {
  const { sql, bindings } = qb.toSQL().toNative();
  return sqlRows<T>(ctx.em, sql, bindings);
}

/** Edges of rows read with `keyColumnsSql`: each row mapped, with its cursor. */
function edgesOf<T>(rows: Record<string, unknown>[], keys: readonly SortKey[], map: (row: Record<string, unknown>) => T, idColumn = 'id') {
  const signature = orderSignature(keys);
  const n = keys.length - 1;
  return rows.map((row) => {
    const values: (string | null)[] = [];
    for (let i = 0; i < n; i++) values.push((row[`_k${i}`] as string | null) ?? null);
    return { node: map(row), cursor: encodeCursor(signature, values, Number(row[idColumn])) };
  });
}

/** The names of the fields a client selected on a connection's items (`nodes { … }` or `edges { node { … } }`). */
export function selectedItemFields(info: GraphQLResolveInfo | undefined): Set<string> {
  const out = new Set<string>();
  if (!info) return out;
  const walk = (set: SelectionSetNode | undefined, visit: (name: string, sub: SelectionSetNode | undefined) => void) => {
    for (const sel of set?.selections ?? []) {
      if (sel.kind === Kind.FIELD) visit(sel.name.value, sel.selectionSet);
      else if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet, visit);
      else walk(info.fragments[sel.name.value]?.selectionSet, visit);
    }
  };
  const collect = (set: SelectionSetNode | undefined) => walk(set, (name) => out.add(name));
  for (const node of info.fieldNodes) {
    walk(node.selectionSet, (name, sub) => {
      if (name === 'nodes') collect(sub);
      else if (name === 'edges') walk(sub, (n, s) => n === 'node' && collect(s));
    });
  }
  return out;
}

/** Options of a top-level list. */
export interface ListOptions {
  /** the resolver's info, to see which relations the client selected */
  info?: GraphQLResolveInfo;
  /**
   * Many-to-one relations (property names) whose GraphQL field of the same name loads the related
   * record with `byIdLoader`: when selected, they are read in the page's own statement and primed.
   */
  joins?: readonly string[];
}

/**
 * Runs a top-level list as a keyset-paginated cursor connection: one statement for the page (with the
 * selected many-to-one relations joined in); a COUNT only if `totalCount` is read.
 * `where` adds conditions on the main table, aliased `t`.
 */
export async function listConnection<T extends object>(
  ctx: RequestContext,
  entity: EntityClass<T>,
  where: Where,
  order: OrderTerm[],
  args: ConnectionArgs,
  options: ListOptions = {},
): Promise<ConnectionResult<T>> {
  const keys = sortKeys(ctx, entity, order);
  const page = pageRequest(args, keys);
  const knex = ctx.em.getKnex();
  const filtered = () => {
    const qb = knex({ t: tableOf(ctx.em, entity) });
    where(qb, knex);
    return qb;
  };
  const q = filtered().select(knex.raw(`t.*${keyColumnsSql(keys, 't')}`));
  const selected = options.joins?.length ? selectedItemFields(options.info) : new Set<string>();
  const joined: { alias: string; target: EntityClass<object>; column: string }[] = [];
  for (const relation of options.joins ?? []) {
    if (!selected.has(relation)) continue;
    const column = columnsOf(ctx.em, entity).find((c) => c.property === relation);
    if (!column?.target) throw new Error(`${entity.name}.${relation} is not a many-to-one relation`);
    const target = ctx.em.getMetadata().get(column.target).class as EntityClass<object>;
    const alias = `j${joined.length}`;
    q.leftJoin({ [alias]: tableOf(ctx.em, target) }, `${alias}.id`, `t.${column.column}`);
    q.select(columnsOf(ctx.em, target).map((c) => `${alias}.${c.column} as _${alias}_${c.column}`));
    joined.push({ alias, target, column: column.column });
  }
  for (const c of cursorConditions(keys, page, 't')) q.whereRaw(c.sql, c.bindings as never);
  q.orderByRaw(orderSql(page.backward ? reversed(keys) : keys, 't')).limit(page.size + 1);
  const rows = await run(ctx, q);
  for (const j of joined) {
    const map = rowMapper(ctx.em, j.target);
    const loader = byIdLoader(ctx, j.target);
    for (const row of rows) {
      const id = row[`_${j.alias}_id`];
      if (id !== null && id !== undefined) loader.prime(Number(id), map(row, `_${j.alias}_`));
    }
  }
  const count = async () => {
    const [{ n }] = await run<{ n: string }>(ctx, filtered().count({ n: '*' }));
    return Number(n);
  };
  return toConnection(page, edgesOf(rows, keys, rowMapper(ctx.em, entity)), count);
}

/**
 * A page of plain rows of any table ordered by `keys` (for lists that are not records, e.g. the audit
 * log): `from` with alias `t`, `where` conditions, `select` the columns to return besides the keys.
 */
export async function keysetRows<T>(
  ctx: RequestContext,
  spec: { from: string; where: Fragment[]; select: string; keys: SortKey[]; map: (row: Record<string, unknown>) => T; args: ConnectionArgs },
): Promise<ConnectionResult<T>> {
  const page = pageRequest(spec.args, spec.keys);
  const conds = [...spec.where, ...cursorConditions(spec.keys, page, 't')];
  const whereSql = conds.length ? `where ${conds.map((c) => c.sql).join(' and ')}` : '';
  const rows = await sqlRows(
    ctx.em,
    `select ${spec.select}, t.id as _id${keyColumnsSql(spec.keys, 't')} from ${spec.from} ${whereSql} order by ${orderSql(page.backward ? reversed(spec.keys) : spec.keys, 't')} limit ?`,
    [...conds.flatMap((c) => c.bindings), page.size + 1],
  );
  const filterSql = spec.where.length ? `where ${spec.where.map((c) => c.sql).join(' and ')}` : '';
  const count = async () => {
    const [{ n }] = await sqlRows<{ n: string }>(
      ctx.em,
      `select count(*) as n from ${spec.from} ${filterSql}`,
      spec.where.flatMap((c) => c.bindings),
    );
    return Number(n);
  };
  return toConnection(page, edgesOf(rows, spec.keys, spec.map, '_id'), count);
}

/** Loads records by primary key as plain rows, batched per request. */
export function byIdLoader<T extends object>(ctx: RequestContext, entity: EntityClass<T>): DataLoader<number, T | null> {
  return ctx.loaders.get(
    `byId:${entity.name}`,
    () =>
      new DataLoader<number, T | null>(async (ids) => {
        const rows = await sqlRows(ctx.em, `select t.* from ${tableOf(ctx.em, entity)} t where t.id = any(?::int[])`, [intArray(ids)]);
        const map = rowMapper(ctx.em, entity);
        const byId = new Map(rows.map((r) => [Number(r.id), map(r)]));
        return ids.map((id) => byId.get(id) ?? null);
      }),
  );
}

/** One record by the value of a unique column, as a plain row (primed for `byIdLoader`); null if none. */
export async function findOneBy<T extends object>(ctx: RequestContext, entity: EntityClass<T>, column: string, value: string): Promise<T | null> {
  columnOf(ctx.em, entity, column);
  const [row] = await sqlRows(ctx.em, `select t.* from ${tableOf(ctx.em, entity)} t where t.${column} = ?`, [value]);
  if (!row) return null;
  const found = rowMapper(ctx.em, entity)(row);
  byIdLoader(ctx, entity).prime(Number(row.id), found);
  return found;
}

/**
 * Source of a nested list: `from` names the child table as `t` (with any join it needs) and `match`
 * is the condition tying a child to its parent `p._parent`, e.g. `{ from: 'area t', match: 't.parent_id = p._parent' }`.
 */
export interface NestedSource {
  from: string;
  match: string;
}

/**
 * A DataLoader that pages a nested list (e.g. a town's villages) for many parents at once: one
 * statement per batch, a keyset page per parent (`lateral … limit`), so its cost does not grow with
 * the table; a grouped COUNT only if `totalCount` is read.
 */
export function nestedConnectionLoader<T extends object>(
  ctx: RequestContext,
  name: string,
  entity: EntityClass<T>,
  source: NestedSource,
  order: OrderTerm[],
  args: ConnectionArgs,
): DataLoader<number, ConnectionResult<T>> {
  const keys = sortKeys(ctx, entity, order);
  const page = pageRequest(args, keys);
  const key = `nested:${name}:${JSON.stringify(args)}:${JSON.stringify(order)}`;
  return ctx.loaders.get(
    key,
    () =>
      new DataLoader<number, ConnectionResult<T>>(async (parentIds) => {
        const conds = cursorConditions(keys, page, 't');
        const read = page.backward ? reversed(keys) : keys;
        const rows = await sqlRows(
          ctx.em,
          `select c.*, p._parent from unnest(?::int[]) with ordinality as p(_parent, _ord) cross join lateral (` +
            `select t.*${keyColumnsSql(keys, 't')}, row_number() over (order by ${orderSql(read, 't')}) as _rn from ${source.from} ` +
            `where ${[source.match, ...conds.map((c) => c.sql)].join(' and ')} order by ${orderSql(read, 't')} limit ?) c order by p._ord, c._rn`,
          [intArray(parentIds), ...conds.flatMap((c) => c.bindings), page.size + 1],
        );
        const byParent = groupByParent(rows);
        const counts = nestedCountLoader(ctx, name, source);
        const map = rowMapper(ctx.em, entity);
        return parentIds.map((id) => toConnection(page, edgesOf(byParent.get(id) ?? [], keys, map), () => counts.load(id)));
      }),
  );
}

/** Counts of a nested list per parent, batched; asked for only when a client reads `totalCount`. */
function nestedCountLoader(ctx: RequestContext, name: string, source: NestedSource): DataLoader<number, number> {
  return ctx.loaders.get(
    `nestedCount:${name}`,
    () =>
      new DataLoader<number, number>(async (parentIds) => {
        const rows = await sqlRows<{ _parent: number; n: string }>(
          ctx.em,
          `select p._parent, (select count(*) from ${source.from} where ${source.match}) as n from unnest(?::int[]) as p(_parent)`,
          [intArray(parentIds)],
        );
        const byParent = new Map(rows.map((r) => [Number(r._parent), Number(r.n)]));
        return parentIds.map((id) => byParent.get(id) ?? 0);
      }),
  );
}

function groupByParent(rows: Record<string, unknown>[]): Map<number, Record<string, unknown>[]> {
  const byParent = new Map<number, Record<string, unknown>[]>();
  for (const row of rows) {
    const p = Number(row._parent);
    let list = byParent.get(p);
    if (!list) byParent.set(p, (list = []));
    list.push(row);
  }
  return byParent;
}

/**
 * A DataLoader for a short, unpaged nested list (e.g. a project's investors): one query per batch.
 * `source` is as for nestedConnectionLoader.
 */
export function nestedListLoader<T extends object>(
  ctx: RequestContext,
  name: string,
  entity: EntityClass<T>,
  source: NestedSource,
  order: OrderTerm[],
): DataLoader<number, T[]> {
  const keys = sortKeys(ctx, entity, order);
  return ctx.loaders.get(
    `list:${name}`,
    () =>
      new DataLoader<number, T[]>(async (parentIds) => {
        const rows = await sqlRows(
          ctx.em,
          `select c.*, p._parent from unnest(?::int[]) with ordinality as p(_parent, _ord) cross join lateral (` +
            `select t.*, row_number() over (order by ${orderSql(keys, 't')}) as _rn from ${source.from} where ${source.match}) c order by p._ord, c._rn`,
          [intArray(parentIds)],
        );
        const byParent = groupByParent(rows);
        const map = rowMapper(ctx.em, entity);
        return parentIds.map((id) => (byParent.get(id) ?? []).map((r) => map(r)));
      }),
  );
}

/** A PostgreSQL array literal of integers, bound as one value (knex would expand a JS array into a list). */
function intArray(values: readonly number[]): string {
  return `{${values.map((v) => Math.trunc(v)).join(',')}}`;
}

/** Escapes LIKE wildcards so user text matches literally. */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
