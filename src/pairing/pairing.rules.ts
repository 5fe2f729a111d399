/**
 * Who may take part in a pairing, as plain functions over plain values: the GraphQL service and the
 * importer's checks both call {@link partyRuleProblem}, so a pairing the API refuses is refused in a
 * spreadsheet too, with the same words.
 *
 * - 1+5 (CITY_MOUNTAIN): the lead is the platform (an area of kind PLATFORM), the partner a mountain town;
 * - 5+5 (SOE_TOWN): the lead is a state-owned enterprise, the partner a town;
 * - 百企百社 (ENTERPRISE_VILLAGE): the lead is an enterprise, the partner a village or community;
 * - OTHER: anyone on either side.
 */

/** What the rules need to know of a party. */
export type PartyFacts =
  | { type: 'area'; code: string; kind: string; mountain: boolean; name?: string }
  | { type: 'enterprise'; creditCode: string; ownership: string; name?: string };

interface SideRule {
  ok: (party: PartyFacts) => boolean;
  want: string;
}

const SCHEME_PARTIES: Record<string, { lead: SideRule; partner: SideRule }> = {
  CITY_MOUNTAIN: {
    lead: { ok: (x) => x.type === 'area' && x.kind === 'PLATFORM', want: 'a PLATFORM area' },
    partner: { ok: (x) => x.type === 'area' && x.kind === 'TOWN' && x.mountain, want: 'a mountain TOWN' },
  },
  SOE_TOWN: {
    lead: { ok: (x) => x.type === 'enterprise' && x.ownership === 'STATE_OWNED', want: 'a STATE_OWNED enterprise' },
    partner: { ok: (x) => x.type === 'area' && x.kind === 'TOWN', want: 'a TOWN' },
  },
  ENTERPRISE_VILLAGE: {
    lead: { ok: (x) => x.type === 'enterprise', want: 'an enterprise' },
    partner: { ok: (x) => x.type === 'area' && (x.kind === 'VILLAGE' || x.kind === 'COMMUNITY'), want: 'a VILLAGE or COMMUNITY' },
  },
};

/** Names a party in messages, e.g. `mountain TOWN area 330110109 (径山镇)` or `PRIVATE enterprise 91330110… (华立集团)`. */
export function describeParty(x: PartyFacts): string {
  const name = x.name ? ` (${x.name})` : '';
  if (x.type === 'enterprise') return `${x.ownership} enterprise ${x.creditCode}${name}`;
  return `${x.mountain ? 'mountain ' : ''}${x.kind} area ${x.code}${name}`;
}

/** Why `party` may not be the `side` of a pairing of `scheme`, or null when it may. */
export function partyRuleProblem(scheme: string, side: 'lead' | 'partner', party: PartyFacts): string | null {
  const rule = SCHEME_PARTIES[scheme]?.[side];
  if (!rule || rule.ok(party)) return null;
  return `the ${side} of a ${scheme} pairing must be ${rule.want}, not ${describeParty(party)}`;
}

/** Whether two parties are the same one (a pairing's sides must differ). */
export function sameParty(a: PartyFacts, b: PartyFacts): boolean {
  return a.type === 'area' ? b.type === 'area' && a.code === b.code : b.type === 'enterprise' && a.creditCode === b.creditCode;
}
