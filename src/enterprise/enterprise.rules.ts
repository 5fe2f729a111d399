/** The rules of enterprises (plain functions over plain values), for the mutations and the importer. */
import type { KindAccess } from '../auth/scope.js';
import { NAME_MAX, type Problem, problem, SOURCE_MAX, text } from '../common/rules.js';

/** Longest tag, in characters (after trimming). */
export const TAG_MAX_LENGTH = 50;
/** Most different tags one enterprise may have. */
export const MAX_TAGS = 20;

/** Tags as stored: trimmed, checked one by one, duplicates dropped (first wins), at most {@link MAX_TAGS}. */
export function enterpriseTags(out: Problem[], tags: readonly string[]): string[] | undefined {
  const kept: string[] = [];
  let ok = true;
  for (const [i, tag] of tags.entries()) {
    const t = text(out, `tags[${i}]`, tag, TAG_MAX_LENGTH);
    if (t === undefined) ok = false;
    else if (!kept.includes(t)) kept.push(t);
  }
  if (kept.length > MAX_TAGS) {
    out.push(problem('tags', 'TOO_LONG', `must have at most ${MAX_TAGS} different tags, got ${kept.length}`));
    ok = false;
  }
  return ok ? kept : undefined;
}

/** Text fields of an enterprise that are given. */
export function enterpriseFieldRules(v: { name?: string | null; source?: string | null }): Problem[] {
  const out: Problem[] = [];
  if (typeof v.name === 'string') text(out, 'name', v.name, NAME_MAX);
  if (typeof v.source === 'string') text(out, 'source', v.source, SOURCE_MAX);
  return out;
}

/** Who may write enterprises through the API (src/auth/scope.ts). */
export const ENTERPRISE_ACCESS: KindAccess = { noun: 'enterprises', area: false, partner: false };
