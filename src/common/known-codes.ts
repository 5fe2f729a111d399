import type { RequestContext } from './context.js';
import { ProblemList } from './errors.js';

/** A list of natural keys a filter names, to be checked for existence. */
export interface KnownCodes {
  field: string;
  table: 'area' | 'pairing' | 'enterprise';
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
const NAMED: Partial<Record<KnownCodes['table'], string>> = { area: 'name', enterprise: 'name' };

/** Most suggestions one unknown value gets. */
const MAX_HINTS = 3;

interface Unknown {
  n: number;
  code: string;
  hints: { code: string; name: string }[] | null;
}

/**
 * Refuses codes that name nothing (a typo, or a name where a code belongs, would otherwise read as
 * "nothing there"): one statement for all the lists, none when no codes are given. Where the value is
 * (the start of) the name of a record, the problem says which code to use:
 * `no area has code 鸬鸟镇; did you mean 330110111 (鸬鸟镇)?`.
 */
export async function checkKnownCodes(ctx: RequestContext, lists: KnownCodes[]): Promise<void> {
  const platform = ctx.em.getPlatform();
  const v = (value: string) => platform.quoteValue(value);
  const parts: string[] = [];
  const asked: { list: KnownCodes; field: string }[] = [];
  for (const list of lists) {
    const extra = list.condition ? ` and ${list.condition}` : '';
    const name = NAMED[list.table];
    list.codes?.forEach((code, i) => {
      const hints = name
        ? `(select json_agg(json_build_object('code', h.${list.column}, 'name', h.${name})) from (` +
          `select ${list.column}, ${name} from ${list.table} where ${v(code)} <> '' and starts_with(${name}, ${v(code)})${extra} ` +
          `order by ${name} = ${v(code)} desc, length(${name}), ${list.column} limit ${MAX_HINTS}) h)`
        : 'null::json';
      asked.push({ list, field: list.single ? list.field : `${list.field}[${i}]` });
      parts.push(
        `select ${asked.length - 1} as n, ${v(code)}::text as code, ${hints} as hints ` +
          `where not exists (select 1 from ${list.table} where ${list.column} = ${v(code)}${extra})`,
      );
    });
  }
  if (parts.length === 0) return;
  const unknown = await ctx.em.execute<Unknown[]>(`select * from (${parts.join(' union all ')}) u order by n`);
  const problems = new ProblemList();
  for (const u of unknown) {
    const { list, field } = asked[Number(u.n)]!;
    const hint = u.hints?.length ? `; did you mean ${u.hints.map((h) => `${h.code} (${h.name})`).join(' or ')}?` : '';
    problems.add(field, `no ${list.what ?? list.table} has code ${u.code}${hint}`, u.code);
  }
  problems.throwIfAny();
}

/** Trims each code of a list (null stays null). */
export function trimmed(codes: readonly string[] | null | undefined): string[] | null {
  return codes ? codes.map((c) => c.trim()) : null;
}
