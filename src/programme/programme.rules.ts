/** The rules of programmes and their documents and events (plain functions over plain values), for the mutations and the importer. */
import type { KindAccess } from '../auth/scope.js';
import { NAME_MAX, type Problem, SOURCE_MAX, text } from '../common/rules.js';

export const TITLE_MAX = 300;

/** Text fields of a programme that are given. */
export function programmeFieldRules(v: { nameZh?: string | null; nameEn?: string | null; leadBody?: string | null; source?: string | null }): Problem[] {
  const out: Problem[] = [];
  if (typeof v.nameZh === 'string') text(out, 'nameZh', v.nameZh, NAME_MAX);
  if (typeof v.nameEn === 'string') text(out, 'nameEn', v.nameEn, NAME_MAX);
  if (typeof v.leadBody === 'string' && v.leadBody.trim() !== '') text(out, 'leadBody', v.leadBody, NAME_MAX);
  if (typeof v.source === 'string') text(out, 'source', v.source, SOURCE_MAX);
  return out;
}

/** A document's or an event's title and source (`at`: `documents[0].` in the API, empty in a sheet row). */
export function titledFieldRules(at: string, v: { title?: string | null; source?: string | null }): Problem[] {
  const out: Problem[] = [];
  if (typeof v.title === 'string') text(out, `${at}title`, v.title, TITLE_MAX);
  if (typeof v.source === 'string') text(out, `${at}source`, v.source, SOURCE_MAX);
  return out;
}

/** Who may write programmes through the API (src/auth/scope.ts). */
export const PROGRAMME_ACCESS: KindAccess = { noun: 'programmes', area: false, partner: false };
