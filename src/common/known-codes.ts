import DataLoader from 'dataloader';
import { sqlRows } from '../db/sql.js';
import type { RequestContext } from './context.js';
import { ProblemList } from './errors.js';

/** A list of natural keys a filter names, to be checked for existence. */
export interface KnownCodes {
  field: string;
  table: 'area' | 'pairing' | 'enterprise' | 'indicator' | 'programme';
  column: string;
  codes: readonly string[] | null | undefined;
  /** a further SQL condition on the table the code must meet */
  condition?: string;
  /** what the code must name, for the message (default: the table) */
  what?: string;
  /** the field holds one code, not a list: problems name `field`, not `field[i]` */
  single?: boolean;
}

/** Tables whose rows have a name a client may give by mistake instead of the code. */
const NAMED: Partial<Record<KnownCodes['table'], string>> = { area: 'name', enterprise: 'name', indicator: 'name_zh', programme: 'name_zh' };

/** Most suggestions one unknown value gets. */
const MAX_HINTS = 3;

/** One code to look up: in which table and column, under which extra condition. */
interface Lookup {
  table: KnownCodes['table'];
  column: string;
  condition?: string;
  code: string;
}

/** What the database says about one code: whether it names a record, and records whose name starts with it. */
interface Found {
  known: boolean;
  hints: { code: string; name: string }[] | null;
}

/**
 * A per-request DataLoader that looks codes up, so the code checks of all the root fields of one request
 * (which start together) cost one statement between them.
 */
function codesLoader(ctx: RequestContext): DataLoader<string, Found> {
  return ctx.loaders.get(
    'knownCodes',
    () =>
      new DataLoader<string, Found>(async (keys) => {
        const params: string[] = [];
        const parts = keys.map((key, n) => {
          const { table, column, condition, code } = JSON.parse(key) as Lookup;
          params.push(code);
          const v = `$${params.length}::text`;
          const extra = condition ? ` and ${condition}` : '';
          const exists = `exists (select 1 from ${table} where ${column} = ${v}${extra})`;
          const name = NAMED[table];
          const hints = name
            ? `case when not ${exists} then (select json_agg(json_build_object('code', h.${column}, 'name', h.${name})) from (` +
              `select ${column}, ${name} from ${table} where ${v} <> '' and starts_with(${name}, ${v})${extra} ` +
              `order by ${name} = ${v} desc, length(${name}), ${column} limit ${MAX_HINTS}) h) end`
            : 'null::json';
          return `select ${n} as n, ${exists} as known, ${hints} as hints`;
        });
        const rows = await sqlRows<Found & { n: number }>(ctx.em, parts.join(' union all '), params);
        const byN = new Map(rows.map((r) => [Number(r.n), r]));
        return keys.map((_, n) => byN.get(n) ?? { known: false, hints: null });
      }),
  );
}

/**
 * Refuses codes that name nothing (a typo, or a name where a code belongs, would otherwise read as
 * "nothing there"). The checks of one request are batched into one statement; none when no codes are
 * given. Where the value is (the start of) the name of a record, the problem says which code to use:
 * `no area has code 鸬鸟镇; did you mean 330110111 (鸬鸟镇)?`.
 */
export async function checkKnownCodes(ctx: RequestContext, lists: KnownCodes[]): Promise<void> {
  const asked: { list: KnownCodes; field: string; code: string }[] = [];
  for (const list of lists) list.codes?.forEach((code, i) => asked.push({ list, field: list.single ? list.field : `${list.field}[${i}]`, code }));
  if (asked.length === 0) return;
  const found = await codesLoader(ctx).loadMany(
    asked.map(({ list, code }) => JSON.stringify({ table: list.table, column: list.column, condition: list.condition, code } satisfies Lookup)),
  );
  const problems = new ProblemList();
  found.forEach((f, i) => {
    if (f instanceof Error) throw f;
    if (f.known) return;
    const { list, field, code } = asked[i]!;
    const hint = f.hints?.length ? `; did you mean ${f.hints.map((h) => `${h.code} (${h.name})`).join(' or ')}?` : '';
    problems.add(field, `no ${list.what ?? list.table} has code ${code}${hint}`, code);
  });
  problems.throwIfAny();
}

/** Trims each code of a list (null stays null). */
export function trimmed(codes: readonly string[] | null | undefined): string[] | null {
  return codes ? codes.map((c) => c.trim()) : null;
}
