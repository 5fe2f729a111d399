import { ArgsType, Field, Int, ObjectType, registerEnumType, type ClassType } from 'type-graphql';
import { ProblemList } from './errors.js';

/** Relay page information. */
@ObjectType({ description: '分页信息 Page information of a cursor connection (Relay).' })
export class PageInfo {
  @Field({ description: '有下一页 Whether more items follow this page.' })
  hasNextPage!: boolean;

  @Field({ description: '有上一页 Whether items precede this page.' })
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
  totalCount: number;
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

export function encodeCursor(index: number): string {
  return Buffer.from(`offset:${index}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, field: string, problems: ProblemList): number | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^offset:(\d{1,9})$/.exec(text);
  if (!m) {
    problems.add(field, 'is not a cursor returned by this API', cursor);
    return undefined;
  }
  return Number(m[1]);
}

/** A validated page request: items [start, end) of the ordered list, with `end` still to be capped by the total. */
export interface PageWindow {
  /** index of the first item wanted (0-based) */
  after: number;
  /** exclusive end index requested by `before`, or null for "to the end" */
  before: number | null;
  first: number | null;
  last: number | null;
}

/** Checks page arguments (size 1–100, one direction, valid cursors) and returns the window they ask for. */
export function pageWindow(args: ConnectionArgs): PageWindow {
  const problems = new ProblemList();
  const size = (name: 'first' | 'last') => {
    const v = args[name];
    if (v === undefined || v === null) return null;
    problems.check(v >= 1 && v <= MAX_PAGE_SIZE, name, `must be between 1 and ${MAX_PAGE_SIZE}`, v);
    return v;
  };
  let first = size('first');
  const last = size('last');
  problems.check(!(first !== null && last !== null), 'last', 'use either first or last, not both');
  const afterIdx = args.after ? decodeCursor(args.after, 'after', problems) : undefined;
  const beforeIdx = args.before ? decodeCursor(args.before, 'before', problems) : undefined;
  problems.throwIfAny();
  if (first === null && last === null) first = DEFAULT_PAGE_SIZE;
  return { after: afterIdx === undefined ? 0 : afterIdx + 1, before: beforeIdx ?? null, first, last };
}

/** Resolves a window against a known total: the [start, end) slice to fetch. */
export function sliceFor(w: PageWindow, total: number): { start: number; end: number } {
  let start = Math.min(w.after, total);
  let end = Math.max(start, Math.min(w.before ?? total, total));
  if (w.first !== null) end = Math.min(end, start + w.first);
  if (w.last !== null) start = Math.max(start, end - w.last);
  return { start, end };
}

/** Builds the connection for the items of slice [start, …) out of `total`. */
export function toConnection<T>(nodes: T[], start: number, total: number): ConnectionResult<T> {
  const edges = nodes.map((node, i) => ({ cursor: encodeCursor(start + i), node }));
  return {
    edges,
    nodes,
    totalCount: total,
    pageInfo: {
      hasPreviousPage: start > 0,
      hasNextPage: start + nodes.length < total,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/** Declares `<Name>Connection` and `<Name>Edge` GraphQL types for a node type. */
export function ConnectionType<T extends object>(nodeType: ClassType<T>, name: string, term: string) {
  @ObjectType(`${name}Edge`, { description: `${term}边 An edge of a ${name} connection: one item and its cursor.` })
  class Edge {
    @Field({ description: '游标 Opaque cursor of this item, for `after`/`before`.' })
    cursor!: string;

    @Field(() => nodeType, { description: `${term} The item.` })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description: `${term}列表 A page of ${name} items (Relay cursor connection).` })
  class Connection {
    @Field(() => [Edge], { description: '边 The items of this page with their cursors.' })
    edges!: Edge[];

    @Field(() => [nodeType], { description: '节点 The items of this page (shortcut for edges.node).' })
    nodes!: T[];

    @Field(() => PageInfo, { description: '分页信息 Page information.' })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: '总数 Number of items matching the filter, over all pages.' })
    totalCount!: number;
  }
  return Connection;
}
