/** The rules of pairings (plain functions over plain values), for the mutations and the importer. */
import { AreaKind } from '../area/area.enums.js';
import type { KindAccess } from '../auth/scope.js';
import { NOTE_MAX, type Problem, problem, SOURCE_MAX, text } from '../common/rules.js';
import { Ownership } from '../enterprise/enterprise.enums.js';
import { PairingScheme } from './pairing.enums.js';

/** An area or an enterprise taking part in a pairing, as the rules see it. */
export type Party =
  | { type: 'area'; id?: number; code: string; name: string; kind: AreaKind; mountain: boolean }
  | { type: 'enterprise'; id?: number; code: string; name: string; ownership: Ownership };

interface SideRule {
  ok: (party: Party) => boolean;
  want: string;
}

/** Which parties a scheme admits on each side; a scheme without an entry admits anyone. */
const SCHEME_RULES: Partial<Record<PairingScheme, { lead: SideRule; partner: SideRule }>> = {
  CITY_MOUNTAIN: {
    lead: { ok: (x) => x.type === 'area' && x.kind === AreaKind.PLATFORM, want: 'a PLATFORM area' },
    partner: { ok: (x) => x.type === 'area' && x.kind === AreaKind.TOWN && x.mountain, want: 'a mountain TOWN' },
  },
  SOE_TOWN: {
    lead: { ok: (x) => x.type === 'enterprise' && x.ownership === Ownership.STATE_OWNED, want: 'a STATE_OWNED enterprise' },
    partner: { ok: (x) => x.type === 'area' && x.kind === AreaKind.TOWN, want: 'a TOWN' },
  },
  ENTERPRISE_VILLAGE: {
    lead: { ok: (x) => x.type === 'enterprise', want: 'an enterprise' },
    partner: { ok: (x) => x.type === 'area' && (x.kind === AreaKind.VILLAGE || x.kind === AreaKind.COMMUNITY), want: 'a VILLAGE or COMMUNITY' },
  },
};

/** Names a party in messages, e.g. `TOWN area 330110109 (径山镇)` or `PRIVATE enterprise 91330110… (华立集团)`. */
export function describeParty(x: Party): string {
  if (x.type === 'enterprise') return `${x.ownership} enterprise ${x.code} (${x.name})`;
  return `${x.mountain ? 'mountain ' : ''}${x.kind} area ${x.code} (${x.name})`;
}

/** One side as the rules see it: the party it will have, and the field that names it (when given). */
export interface Side {
  party?: Party;
  /** The input field that gave it (`leadAreaCode`, `partnerEnterpriseCreditCode`); undefined when unchanged. */
  field?: string;
}

/** A side is given as an area or as an enterprise, not both (and, on create, one of them). */
export function pairingSideRules(side: 'lead' | 'partner', hasArea: boolean, hasEnterprise: boolean, required: boolean): Problem[] {
  if (hasArea && hasEnterprise)
    return [
      problem(
        `${side}AreaCode`,
        'EXCLUSIVE',
        `give the ${side} either as an area (${side}AreaCode) or as an enterprise (${side}EnterpriseCreditCode), not both`,
      ),
    ];
  if (!hasArea && !hasEnterprise && required)
    return [problem(`${side}AreaCode`, 'REQUIRED', `a ${side} is required: give ${side}AreaCode or ${side}EnterpriseCreditCode`)];
  return [];
}

/** Who may take part under the scheme, and that the two sides differ. `schemeField` names the scheme when it changed. */
export function pairingPartyRules(scheme: PairingScheme | undefined, lead: Side, partner: Side, schemeChanged: boolean): Problem[] {
  const out: Problem[] = [];
  if (lead.party && partner.party && lead.party.type === partner.party.type && lead.party.code === partner.party.code) {
    out.push(
      problem(
        partner.field ?? lead.field ?? 'partnerAreaCode',
        'DUPLICATE',
        `the partner must be a different party from the lead (${describeParty(lead.party)})`,
      ),
    );
  }
  const rules = scheme && SCHEME_RULES[scheme];
  if (!rules) return out;
  for (const [name, side] of [
    ['lead', lead],
    ['partner', partner],
  ] as const) {
    const rule = rules[name];
    if (side.party && !rule.ok(side.party)) {
      // When only the scheme changed, the problem is the scheme; otherwise it is the party given.
      const field = side.field ?? (schemeChanged ? 'scheme' : `${name}AreaCode`);
      out.push(problem(field, 'KIND', `the ${name} of a ${scheme} pairing must be ${rule.want}, not ${describeParty(side.party)}`));
    }
  }
  return out;
}

/** Dates in order; `endChanged` says which field to blame. */
export function pairingDateRules(start: string | undefined, end: string | null | undefined, endChanged: boolean): Problem[] {
  if (!start || !end || end >= start) return [];
  return endChanged
    ? [problem('endDate', 'ORDER', `must not be before the start date ${start}`, end)]
    : [problem('startDate', 'ORDER', `must not be after the end date ${end}`, start)];
}

/** Text fields of a pairing that are given. */
export function pairingFieldRules(v: { note?: string | null; source?: string | null }): Problem[] {
  const out: Problem[] = [];
  if (typeof v.note === 'string' && v.note.trim() !== '') text(out, 'note', v.note, NOTE_MAX);
  if (typeof v.source === 'string') text(out, 'source', v.source, SOURCE_MAX);
  return out;
}

/** Who may write pairings through the API (src/auth/scope.ts). */
export const PAIRING_ACCESS: KindAccess = { noun: 'pairings', area: true, partner: false };
