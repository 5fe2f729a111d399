import type { Knex } from '@mikro-orm/postgresql';
import type { RequestContext } from '../common/context.js';

/**
 * A raw SQL statement under construction. `v()` turns a value into a quoted literal with the
 * platform's escaping (the same MikroORM applies to bound parameters before sending), so pieces
 * can be built in any order and no client text is ever spliced into the SQL unquoted.
 */
export class Sql {
  constructor(private readonly ctx: RequestContext) {}

  /** One value as a SQL literal. */
  v(value: string | number | boolean): string {
    return this.ctx.em.getPlatform().quoteValue(value);
  }

  /** A non-empty list of values, e.g. for `in (…)`. */
  list(values: readonly (string | number | boolean)[]): string {
    return values.map((value) => this.v(value)).join(', ');
  }

  /** A PostgreSQL integer array, e.g. for `= any(…)`. */
  ints(values: readonly number[]): string {
    return `${this.v(`{${values.map((n) => Math.trunc(n)).join(',')}}`)}::int[]`;
  }

  /** A knex query (e.g. a list's filter) as SQL text with its values quoted in, to embed as a subquery. */
  sub(qb: Knex.QueryBuilder): string {
    const { sql, bindings } = qb.toSQL();
    return this.ctx.em.getPlatform().formatQuery(sql, [...bindings]);
  }

  /** A condition with `?` placeholders (e.g. of an area scope) with its values quoted in. */
  cond(c: { sql: string; bindings: readonly (string | number | boolean)[] }): string {
    return this.ctx.em.getPlatform().formatQuery(c.sql, [...c.bindings]);
  }

  run<T>(text: string): Promise<T[]> {
    return this.ctx.em.execute<T[]>(text);
  }
}

/** Kinds of area that count as the village level (行政村 and 社区). */
export const VILLAGE_KINDS = `('VILLAGE', 'COMMUNITY')`;

/**
 * `area_levels(id, platform_id, town_id, village_id, mountain, top_id)`: for every area, its ancestor
 * (itself included) of kind PLATFORM, of kind TOWN and at the village level (VILLAGE or COMMUNITY),
 * null where it has none, whether it lies in a mountain town, and its ancestor (itself included)
 * directly under the root (the town or platform; null for the root itself). One walk down the tree
 * from the root. Use inside `with recursive`.
 */
export const AREA_LEVELS_CTE = `area_levels(id, platform_id, town_id, village_id, mountain, top_id) as (
    select a.id,
      case when a.kind = 'PLATFORM' then a.id end,
      case when a.kind = 'TOWN' then a.id end,
      case when a.kind in ${VILLAGE_KINDS} then a.id end,
      a.mountain,
      null::int
    from area a where a.parent_id is null
    union all
    select a.id,
      case when a.kind = 'PLATFORM' then a.id else l.platform_id end,
      case when a.kind = 'TOWN' then a.id else l.town_id end,
      case when a.kind in ${VILLAGE_KINDS} then a.id else l.village_id end,
      l.mountain or a.mountain,
      coalesce(l.top_id, a.id)
    from area a join area_levels l on a.parent_id = l.id
  )`;

/** The level columns of an `area_levels` row `al`, as the facts of every aggregate name them. */
export const LEVEL_COLUMNS =
  'al.platform_id as _platform, al.town_id as _town, al.village_id as _village, coalesce(al.mountain, false) as _mountain, al.top_id as _top';

/** `<name>(id)`: the areas with these codes and everything under them. Use inside `with recursive`. */
export function subtreeByCodes(sql: Sql, name: string, codes: readonly string[]): string {
  return `${name}(id) as (
    select id from area where code in (${sql.list(codes)})
    union
    select a.id from area a join ${name} s on a.parent_id = s.id
  )`;
}

/** `area_subtree(root, id)`: each of these areas paired with itself and every area under it. Use inside `with recursive`. */
export function subtreesOf(sql: Sql, rootIds: readonly number[]): string {
  return `area_subtree(root, id) as (
    select id, id from area where id = any(${sql.ints(rootIds)})
    union all
    select s.root, a.id from area a join area_subtree s on a.parent_id = s.id
  )`;
}

/** `col >= from and col <= to` for the given ends of an inclusive date range (`true` when both are open). */
export function dateWithin(sql: Sql, column: string, bounds: { from: string | null; to: string | null }): string {
  const terms: string[] = [];
  if (bounds.from) terms.push(`${column} >= ${sql.v(bounds.from)}::date`);
  if (bounds.to) terms.push(`${column} <= ${sql.v(bounds.to)}::date`);
  return terms.length ? terms.join(' and ') : 'true';
}
