import type { Knex } from '@mikro-orm/postgresql';
import type { RequestContext } from '../common/context.js';
import { sqlRows } from '../db/sql.js';

type Value = string | number | boolean | null | readonly (string | number)[];

/**
 * A raw SQL statement under construction whose values travel as bind parameters: `v()` records a
 * value and returns its placeholder (`$1`, `$2`, …), so pieces can be built in any order and no client
 * value is ever part of the SQL text. `run()` sends the text as a named prepared statement (the name is
 * a hash of the text), so PostgreSQL parses it once per connection; the values never change the text
 * (lists travel as one array parameter).
 */
export class Sql {
  readonly params: Value[] = [];

  constructor(private readonly ctx: RequestContext) {}

  /** The placeholder of one value; `type` adds a cast (e.g. `date`, `int`, `numeric`). */
  v(value: Value, type?: string): string {
    this.params.push(value);
    return type ? `$${this.params.length}::${type}` : `$${this.params.length}`;
  }

  /** `column = any($n::type[])`: one array parameter whatever the list's length; `false` for an empty list. */
  any(column: string, values: readonly (string | number)[], type = 'text'): string {
    return values.length === 0 ? 'false' : `${column} = any(${this.v(values, `${type}[]`)})`;
  }

  /** A PostgreSQL integer array parameter, e.g. for `= any(…)`. */
  ints(values: readonly number[]): string {
    return this.v(
      values.map((n) => Math.trunc(n)),
      'int[]',
    );
  }

  /** A condition or knex query with `?` placeholders (an area scope, a list's filter), its values bound here. */
  cond(c: { sql: string; bindings: readonly unknown[] }): string {
    let i = 0;
    return c.sql.replace(/\?/g, () => this.v(c.bindings[i++] as Value));
  }

  /** A knex query (e.g. a list's filter) as SQL text with its values bound here, to embed as a subquery. */
  sub(qb: Knex.QueryBuilder): string {
    const { sql, bindings } = qb.toSQL();
    return this.cond({ sql, bindings });
  }

  /** Runs the statement (a named prepared statement, see sqlRows). */
  run<T>(text: string): Promise<T[]> {
    return sqlRows<T>(
      this.ctx.em,
      text,
      this.params.map((p) => (Array.isArray(p) ? [...p] : p)),
    );
  }
}

/** Kinds of area that count as the village level (行政村 and 社区). */
export const VILLAGE_KINDS = `('VILLAGE', 'COMMUNITY')`;

/**
 * The level columns of an `area_ancestry` row `al` (the materialised ancestors of an area: its
 * platform, town, village-level area, top-level area, and whether it lies in a mountain town), as the
 * facts of every aggregate name them.
 */
export const LEVEL_COLUMNS =
  'al.platform_id as _platform, al.town_id as _town, al.village_id as _village, coalesce(al.mountain, false) as _mountain, al.top_id as _top';

/** `col >= from and col <= to` for the given ends of an inclusive date range (`true` when both are open). */
export function dateWithin(sql: Sql, column: string, bounds: { from: string | null; to: string | null }): string {
  const terms: string[] = [];
  if (bounds.from) terms.push(`${column} >= ${sql.v(bounds.from, 'date')}`);
  if (bounds.to) terms.push(`${column} <= ${sql.v(bounds.to, 'date')}`);
  return terms.length ? terms.join(' and ') : 'true';
}
