import { programmeRef } from '../programme/programme.ref.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Area } from '../area/area.entity.js';
import { areaByCode } from '../area/area.service.js';
import { ProblemList } from '../common/errors.js';
import { createRecord, deleteRecord, updateRecord, type RecordKind, type WriteContext } from '../common/mutation.js';
import { assignDefined, optionalText, required, requiredText, type Mode } from '../common/validate.js';
import { Enterprise } from '../enterprise/enterprise.entity.js';
import { enterpriseByCreditCode } from '../enterprise/enterprise.service.js';
import { Pairing } from './pairing.entity.js';
import { PairingScheme } from './pairing.enums.js';
import type { PairingInput } from './pairing.inputs.js';
import { describeParty, partyRuleProblem, sameParty, type PartyFacts } from './pairing.rules.js';

/** Rule of a pairing code (the natural key). */
export const PAIRING_CODE_RULE = {
  max: 64,
  pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
  rule: 'must be letters, digits, ".", "_" or "-", starting with a letter or digit',
};

/** An area or an enterprise taking part in a pairing. */
export type PartyEntity = Area | Enterprise;

/** The facts the pairing rules (pairing.rules.ts) need of a party. */
function factsOf(x: PartyEntity): PartyFacts {
  if (x instanceof Enterprise) return { type: 'enterprise', creditCode: x.creditCode, ownership: x.ownership, name: x.name };
  return { type: 'area', code: x.code, kind: x.kind, mountain: x.mountain, name: x.name };
}

/** One side of a pairing as given in the input. */
interface SideInput {
  /** whether the input names this side at all */
  given: boolean;
  /** the input field naming it (for problems) */
  field: string;
  /** the party found, or undefined when not given or not found */
  party?: PartyEntity;
}

/** Reads `<side>AreaCode` / `<side>EnterpriseCreditCode`: exactly one on create, at most one on update (null = not given). */
async function sideInput(
  tx: EntityManager,
  p: ProblemList,
  side: 'lead' | 'partner',
  areaCode: string | null | undefined,
  creditCode: string | null | undefined,
  mode: Mode,
): Promise<SideInput> {
  const areaField = `input.${side}AreaCode`;
  const enterpriseField = `input.${side}EnterpriseCreditCode`;
  const hasArea = areaCode !== null && areaCode !== undefined;
  const hasEnterprise = creditCode !== null && creditCode !== undefined;
  if (hasArea && hasEnterprise) {
    p.add(areaField, `give either ${side}AreaCode or ${side}EnterpriseCreditCode, not both`);
    return { given: true, field: areaField };
  }
  if (hasArea) return { given: true, field: areaField, party: await areaByCode(tx, p, areaField, areaCode) };
  if (hasEnterprise) return { given: true, field: enterpriseField, party: await enterpriseByCreditCode(tx, p, enterpriseField, creditCode) };
  if (mode === 'create') p.add(areaField, `a ${side} is required: give ${side}AreaCode or ${side}EnterpriseCreditCode`);
  return { given: false, field: areaField };
}

/** Checks who may take part under the scheme, and that the two sides differ. */
function checkParties(p: ProblemList, scheme: PairingScheme | undefined, schemeGiven: boolean, lead: SideInput, partner: SideInput): void {
  if (lead.party && partner.party && sameParty(factsOf(lead.party), factsOf(partner.party))) {
    p.add(partner.given ? partner.field : lead.field, `the partner must be a different party from the lead (${describeParty(factsOf(lead.party))})`);
  }
  if (!scheme) return;
  for (const [name, side] of [['lead', lead], ['partner', partner]] as const) {
    const problem = side.party ? partyRuleProblem(scheme, name, factsOf(side.party)) : null;
    if (problem) {
      // When only the scheme changed, the problem is the scheme; otherwise it is the party given.
      const field = side.given ? side.field : schemeGiven ? 'input.scheme' : side.field;
      p.add(field, problem);
    }
  }
}

async function applyPairingInput(tx: EntityManager, pairing: Pairing, input: PairingInput, mode: Mode): Promise<void> {
  const p = new ProblemList();
  const code = requiredText(p, 'input.code', input.code, mode, PAIRING_CODE_RULE);
  const scheme = required(p, 'input.scheme', input.scheme, mode);
  const lead = await sideInput(tx, p, 'lead', input.leadAreaCode, input.leadEnterpriseCreditCode, mode);
  const partner = await sideInput(tx, p, 'partner', input.partnerAreaCode, input.partnerEnterpriseCreditCode, mode);
  const startDate = required(p, 'input.startDate', input.startDate, mode);
  const endDate = input.endDate;
  const note = optionalText(p, 'input.note', input.note, { max: 2000 });
  const programme = await programmeRef(tx, p, 'input.programmeCode', input.programmeCode);
  const source = requiredText(p, 'input.source', input.source, mode, { max: 500 });

  if (mode === 'create' || scheme || lead.given || partner.given) {
    const current = (side: SideInput, area?: Area | null, enterprise?: Enterprise | null): SideInput =>
      side.given ? side : { ...side, party: area ?? enterprise ?? undefined };
    checkParties(
      p,
      scheme ?? pairing.scheme,
      scheme !== undefined,
      current(lead, pairing.leadArea, pairing.leadEnterprise),
      current(partner, pairing.partnerArea, pairing.partnerEnterprise),
    );
  }
  const finalStart = startDate ?? pairing.startDate;
  const finalEnd = endDate === undefined ? pairing.endDate : endDate;
  if (finalStart && finalEnd && finalEnd < finalStart) {
    if (endDate) p.add('input.endDate', `must not be before the start date ${finalStart}`, endDate);
    else p.add('input.startDate', `must not be after the end date ${finalEnd}`, startDate);
  }
  if (code && code !== pairing.code) p.conflict((await tx.count(Pairing, { code })) === 0, 'input.code', `a pairing with code ${code} already exists`, code);
  p.throwIfAny();

  assignDefined(pairing, { code, scheme, startDate, endDate, note, source, programme });
  if (lead.party) {
    pairing.leadArea = lead.party instanceof Area ? lead.party : null;
    pairing.leadEnterprise = lead.party instanceof Enterprise ? lead.party : null;
  }
  if (partner.party) {
    pairing.partnerArea = partner.party instanceof Area ? partner.party : null;
    pairing.partnerEnterprise = partner.party instanceof Enterprise ? partner.party : null;
  }
}

const PAIRING: RecordKind<Pairing, string, PairingInput> = {
  name: 'Pairing',
  keyArg: 'code',
  keyText: (code) => code,
  make: () => new Pairing(),
  // Both sides are loaded: an update validates them against the scheme.
  find: (tx, code) => tx.findOne(Pairing, { code: code.trim() }, { populate: ['leadArea', 'leadEnterprise', 'partnerArea', 'partnerEnterprise'] }),
  apply: applyPairingInput,
  label: (pairing) => `pairing ${pairing.code}`,
  access: { noun: 'pairings', area: true, partner: false },
  // A pairing belongs to each area that is a party to it.
  target: (_tx, pairing) => ({ areaIds: [pairing.leadArea?.id, pairing.partnerArea?.id].filter((id): id is number => id !== undefined), anyArea: true, enterpriseIds: [] }),
};

/** Creates a pairing; BAD_USER_INPUT lists every invalid field. */
export function createPairing(ctx: WriteContext, input: PairingInput): Promise<Pairing> {
  return createRecord(ctx, PAIRING, input);
}

/** Changes the given fields of the pairing with this code. */
export function updatePairing(ctx: WriteContext, code: string, input: PairingInput): Promise<Pairing> {
  return updateRecord(ctx, PAIRING, code, input);
}

/** Deletes a pairing (CONFLICT while anything refers to it); returns its global ID. */
export function deletePairing(ctx: WriteContext, code: string): Promise<string> {
  return deleteRecord(ctx, PAIRING, code);
}
