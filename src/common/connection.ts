import { ArgsType, type ClassType, Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ProblemList } from './errors.js';

/** Relay page information. */
@ObjectType({ description: '分页信息 Page information of a cursor connection (Relay).', simpleResolvers: true })
export class PageInfo {
  @Field({ description: '有下一页 Whether more items follow this page (reading backwards with `last`: whether `before` was given).' })
  hasNextPage!: boolean;

  @Field({ description: '有上一页 Whether items precede this page (reading forwards: whether `after` was given, as Relay allows).' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: '起始游标 Cursor of the first item of the page; null when empty.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: '结束游标 Cursor of the last item of the page; null when empty.' })
  endCursor!: string | null;
}

/** The plain shape every connection resolver returns. */
export interface ConnectionResult<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  /** counted only when read */
  readonly totalCount: Promise<number> | number;
}

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** Cursor pagination arguments shared by every list. */
@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: `前N条 Return the first N items after \`after\` (1–${MAX_PAGE_SIZE}; default ${DEFAULT_PAGE_SIZE}).` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: '之后 Return items after this cursor.' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: `后N条 Return the last N items before \`before\` (1–${MAX_PAGE_SIZE}).` })
  last?: number | null;

  @Field(() => String, { nullable: true, description: '之前 Return items before this cursor.' })
  before?: string | null;
}

/** Sort direction. */
export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(SortDirection, {
  name: 'SortDirection',
  description: '排序方向 Sort direction.',
  valuesConfig: { ASC: { description: '升序 ascending' }, DESC: { description: '降序 descending' } },
});

/** One key of a keyset order: a column of the main table (alias `t`), its direction and where nulls go. */
export interface SortKey {
  column: string;
  direction: 'asc' | 'desc';
  /** PostgreSQL's default: nulls after every value ascending, before them descending */
  nullsFirst: boolean;
  /** SQL type the cursor's text value is cast back to */
  sqlType: string;
  nullable: boolean;
}

/** The same keys in the opposite order (for `last`/`before`). */
export function reversed(keys: readonly SortKey[]): SortKey[] {
  return keys.map((k) => ({ ...k, direction: k.direction === 'asc' ? 'desc' : 'asc', nullsFirst: !k.nullsFirst }));
}

/** Names an order, so a cursor made for one order is not used with another. */
export function orderSignature(keys: readonly SortKey[]): string {
  return keys.map((k) => `${k.column} ${k.direction}`).join(',');
}

/** A position in an ordered list: the sort-key values of one item (as text) and its id. */
export interface Cursor {
  values: (string | null)[];
  id: number;
}

/** Opaque cursor: base64url of `[order signature, …sort-key values, id]`. */
export function encodeCursor(signature: string, values: readonly (string | null)[], id: number): string {
  return Buffer.from(JSON.stringify([signature, ...values, id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, field: string, signature: string, keyCount: number, problems: ProblemList): Cursor | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const ok =
    Array.isArray(parsed) &&
    parsed.length === keyCount + 2 &&
    typeof parsed[0] === 'string' &&
    parsed.slice(1, -1).every((v) => v === null || (typeof v === 'string' && v.length <= 1000)) &&
    Number.isSafeInteger(parsed[parsed.length - 1]);
  if (!ok) {
    problems.add(field, 'is not a cursor returned by this API', cursor);
    return undefined;
  }
  const arr = parsed as [string, ...(string | null)[]];
  if (arr[0] !== signature) {
    problems.add(field, 'was returned for a different order (orderBy); ask again without it', cursor);
    return undefined;
  }
  return { values: arr.slice(1, -1) as (string | null)[], id: arr[arr.length - 1] as unknown as number };
}

/** A validated page request: how many items, in which direction, between which cursors. */
export interface PageRequest {
  /** items wanted */
  size: number;
  /** `last`: read the order backwards from `before` (or the end) */
  backward: boolean;
  after: Cursor | null;
  before: Cursor | null;
}

/** Checks page arguments (size 1–100, one direction, cursors of this order) and returns the page they ask for. */
export function pageRequest(args: ConnectionArgs, keys: readonly SortKey[]): PageRequest {
  const problems = new ProblemList();
  const size = (name: 'first' | 'last') => {
    const v = args[name];
    if (v === undefined || v === null) return null;
    problems.check(v >= 1 && v <= MAX_PAGE_SIZE, name, `must be between 1 and ${MAX_PAGE_SIZE}`, v);
    return v;
  };
  const first = size('first');
  const last = size('last');
  problems.check(!(first !== null && last !== null), 'last', 'use either first or last, not both');
  const signature = orderSignature(keys);
  const after = args.after ? decodeCursor(args.after, 'after', signature, keys.length - 1, problems) : undefined;
  const before = args.before ? decodeCursor(args.before, 'before', signature, keys.length - 1, problems) : undefined;
  problems.throwIfAny();
  return { size: last ?? first ?? DEFAULT_PAGE_SIZE, backward: last !== null, after: after ?? null, before: before ?? null };
}

/**
 * The connection of one page: `rows` as read (in reading order, up to size + 1 to tell whether more
 * follow), each with its cursor. `count` runs only if a client selects `totalCount`.
 */
export function toConnection<T>(page: PageRequest, items: { node: T; cursor: string }[], count: () => Promise<number>): ConnectionResult<T> {
  const more = items.length > page.size;
  const kept = more ? items.slice(0, page.size) : items;
  if (page.backward) kept.reverse();
  return new Connection(
    kept,
    {
      hasPreviousPage: page.backward ? more : page.after !== null,
      hasNextPage: page.backward ? page.before !== null : more,
      startCursor: kept[0]?.cursor ?? null,
      endCursor: kept[kept.length - 1]?.cursor ?? null,
    },
    count,
  );
}

/** A page of a connection; `totalCount` is counted on first use only. */
class Connection<T> implements ConnectionResult<T> {
  private counted: Promise<number> | undefined;
  readonly nodes: T[];

  constructor(
    readonly edges: { cursor: string; node: T }[],
    readonly pageInfo: PageInfo,
    private readonly count: () => Promise<number>,
  ) {
    this.nodes = edges.map((e) => e.node);
  }

  get totalCount(): Promise<number> {
    this.counted ??= this.count();
    return this.counted;
  }
}

/** Declares `<Name>Connection` and `<Name>Edge` GraphQL types for a node type. */
export function ConnectionType<T extends object>(nodeType: ClassType<T>, name: string, term: string) {
  @ObjectType(`${name}Edge`, { description: `${term}边 An edge of a ${name} connection: one item and its cursor.`, simpleResolvers: true })
  class Edge {
    @Field({ description: '游标 Opaque cursor of this item, for `after`/`before` with the same `orderBy`.' })
    cursor!: string;

    @Field(() => nodeType, { description: `${term} The item.` })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description: `${term}列表 A page of ${name} items (Relay cursor connection).`, simpleResolvers: true })
  class Connection {
    @Field(() => [Edge], { description: '边 The items of this page with their cursors.' })
    edges!: Edge[];

    @Field(() => [nodeType], { description: '节点 The items of this page (shortcut for edges.node).' })
    nodes!: T[];

    @Field(() => PageInfo, { description: '分页信息 Page information.' })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: '总数 Number of items matching the filter, over all pages (counted only when asked for).' })
    totalCount!: number;
  }
  return Connection;
}
