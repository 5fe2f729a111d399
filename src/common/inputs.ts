import { type ClassType, Field, InputType } from 'type-graphql';
import { SortDirection } from './connection.js';
import { toUnit } from './decimal.js';
import type { OrderTerm } from './query.js';
import { LocalDateScalar, MoneyUnit } from './scalars.js';

/** Inclusive date range; either end may be open. */
@InputType({ description: '日期范围 Inclusive date range; leave `from` or `to` out for an open end.' })
export class DateRangeInput {
  @Field(() => LocalDateScalar, { nullable: true, description: '起 First day included.' })
  from?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '止 Last day included.' })
  to?: string | null;
}

/** Declares `<Name>Order { field, direction }` for a list's sortable fields. */
export function OrderInput<F extends string>(fieldEnum: object, name: string, term: string) {
  @InputType(`${name}Order`, { description: `${term}排序 One sort key of a ${name} list.` })
  class Order {
    @Field(() => fieldEnum, { description: '排序字段 Field to sort by.' })
    field!: F;

    @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: '排序方向 Direction.' })
    direction!: SortDirection;
  }
  return Order as ClassType<{ field: F; direction: SortDirection }>;
}

/** Maps sort keys to columns of the main table, falling back to `fallback` when none is given. */
export function orderTerms<F extends string>(
  orderBy: { field: F; direction: SortDirection }[] | null | undefined,
  columns: Record<F, string>,
  fallback: OrderTerm[],
): OrderTerm[] {
  if (!orderBy || orderBy.length === 0) return fallback;
  return orderBy.map((o) => ({ column: columns[o.field], direction: o.direction === SortDirection.DESC ? 'desc' : 'asc' }));
}

/** A stored decimal-yuan value in the unit a client asked for. */
export function inUnit(yuan: string | null | undefined, unit: MoneyUnit): string | null {
  if (yuan === null || yuan === undefined) return null;
  return toUnit(yuan, unit);
}

/** Description shared by every money field's `unit` argument. */
export const UNIT_ARG = { defaultValue: MoneyUnit.YUAN, description: '单位 Unit of the returned amount: 元 (default), 万元 or 亿元.' };
