import type { EntityManager } from '@mikro-orm/postgresql';
import { Area } from '../area/area.entity.js';
import { areaByCode } from '../area/area.service.js';
import { ProblemList } from '../common/errors.js';
import { createRecord, deleteRecord, type RecordKind, updateRecord, type WriteContext } from '../common/mutation.js';
import { assignDefined, type Mode, required } from '../common/validate.js';
import { Enterprise } from '../enterprise/enterprise.entity.js';
import { enterpriseByCreditCode } from '../enterprise/enterprise.service.js';
import { programmeRef } from '../programme/programme.ref.js';
import { PAIRING_CODE } from './pairing.code.js';
import { Pairing } from './pairing.entity.js';
import type { PairingInput } from './pairing.inputs.js';
import { PAIRING_ACCESS, pairingDateRules, pairingFieldRules, pairingPartyRules, pairingSideRules, type Party, type Side } from './pairing.rules.js';

/** An area or an enterprise taking part in a pairing. */
export type PartyEntity = Area | Enterprise;

/** A party as the rules see it. */
export function partyOf(x: PartyEntity): Party {
  if (x instanceof Enterprise) return { type: 'enterprise', id: x.id, code: x.creditCode, name: x.name, ownership: x.ownership };
  return { type: 'area', id: x.id, code: x.code, name: x.name, kind: x.kind, mountain: x.mountain };
}

/** One side of a pairing as given in the input. */
interface SideInput {
  /** the input field naming it (for problems), when given */
  field?: string;
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
  const hasArea = areaCode !== null && areaCode !== undefined;
  const hasEnterprise = creditCode !== null && creditCode !== undefined;
  const problems = pairingSideRules(side, hasArea, hasEnterprise, mode === 'create');
  p.addAll(problems);
  if (problems.length > 0) return { field: hasArea ? `${side}AreaCode` : undefined };
  if (hasArea) return { field: `${side}AreaCode`, party: await areaByCode(tx, p, `input.${side}AreaCode`, areaCode) };
  if (hasEnterprise)
    return { field: `${side}EnterpriseCreditCode`, party: await enterpriseByCreditCode(tx, p, `input.${side}EnterpriseCreditCode`, creditCode) };
  return {};
}

async function applyPairingInput(tx: EntityManager, pairing: Pairing, input: PairingInput, mode: Mode): Promise<void> {
  const p = new ProblemList();
  const code = required(p, 'input.code', input.code, mode);
  const scheme = required(p, 'input.scheme', input.scheme, mode);
  const lead = await sideInput(tx, p, 'lead', input.leadAreaCode, input.leadEnterpriseCreditCode, mode);
  const partner = await sideInput(tx, p, 'partner', input.partnerAreaCode, input.partnerEnterpriseCreditCode, mode);
  const startDate = required(p, 'input.startDate', input.startDate, mode);
  const endDate = input.endDate;
  const note = input.note === undefined ? undefined : input.note === null || input.note.trim() === '' ? null : input.note.trim();
  const programme = await programmeRef(tx, p, 'input.programmeCode', input.programmeCode);
  const source = required(p, 'input.source', input.source, mode);
  p.addAll(pairingFieldRules({ note, source }));

  if (mode === 'create' || scheme || lead.field || partner.field) {
    const current = (side: SideInput, area?: Area | null, enterprise?: Enterprise | null): Side => {
      const party = side.field ? side.party : (area ?? enterprise ?? undefined);
      return { field: side.field, party: party ? partyOf(party) : undefined };
    };
    p.addAll(
      pairingPartyRules(
        scheme ?? pairing.scheme,
        current(lead, pairing.leadArea, pairing.leadEnterprise),
        current(partner, pairing.partnerArea, pairing.partnerEnterprise),
        scheme !== undefined,
      ),
    );
  }
  p.addAll(pairingDateRules(startDate ?? pairing.startDate, endDate === undefined ? pairing.endDate : endDate, Boolean(endDate)));
  if (code && code !== pairing.code) p.conflict((await tx.count(Pairing, { code })) === 0, 'input.code', `a pairing with code ${code} already exists`, code);
  p.throwIfAny();

  assignDefined(pairing, { code, scheme, startDate, endDate, note, source: source?.trim(), programme });
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
  find: (tx, code) =>
    tx.findOne(Pairing, { code: PAIRING_CODE.normalise(code) }, { populate: ['leadArea', 'leadEnterprise', 'partnerArea', 'partnerEnterprise'] }),
  apply: applyPairingInput,
  label: (pairing) => `pairing ${pairing.code}`,
  access: PAIRING_ACCESS,
  // A pairing belongs to each area that is a party to it.
  target: (_tx, pairing) => ({
    areaIds: [pairing.leadArea?.id, pairing.partnerArea?.id].filter((id): id is number => id !== undefined),
    anyArea: true,
    enterpriseIds: [],
  }),
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
