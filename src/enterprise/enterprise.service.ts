import type { EntityManager } from '@mikro-orm/postgresql';
import { ProblemList } from '../common/errors.js';
import { createRecord, deleteRecord, updateRecord, type RecordKind, type WriteContext } from '../common/mutation.js';
import { assignDefined, checkText, required, requiredText, type Mode } from '../common/validate.js';
import { normalizeCreditCode, validateCreditCode } from './credit-code.js';
import { Enterprise } from './enterprise.entity.js';
import type { EnterpriseInput } from './enterprise.inputs.js';

/** Longest tag, in characters (after trimming). */
export const TAG_MAX_LENGTH = 50;
/** Most different tags one enterprise may have. */
export const MAX_TAGS = 20;

/**
 * Normalises a credit code (full-width → half-width, trimmed, upper-case) and checks it against
 * GB 32100-2015, recording the failed rule on `field`. Returns the normalised code when valid.
 */
export function checkCreditCode(p: ProblemList, field: string, value: string): string | undefined {
  const code = normalizeCreditCode(value);
  const problem = validateCreditCode(code);
  if (problem) {
    p.add(field, problem, value);
    return undefined;
  }
  return code;
}

/**
 * Finds an enterprise by credit code inside a mutation, recording a problem on `field` when the
 * code is malformed or no enterprise has it.
 */
export async function enterpriseByCreditCode(tx: EntityManager, p: ProblemList, field: string, code: string): Promise<Enterprise | undefined> {
  const creditCode = checkCreditCode(p, field, code);
  if (!creditCode) return undefined;
  const enterprise = await tx.findOne(Enterprise, { creditCode });
  if (!enterprise) p.add(field, `no enterprise has credit code ${creditCode}`, code);
  return enterprise ?? undefined;
}

/** Tags as stored: trimmed, checked one by one, duplicates dropped (first wins), at most {@link MAX_TAGS}. */
function checkTags(p: ProblemList, field: string, tags: string[] | null | undefined): string[] | undefined {
  if (tags === undefined) return undefined;
  if (tags === null) return [];
  const kept: string[] = [];
  let ok = true;
  for (const [i, tag] of tags.entries()) {
    const t = checkText(p, `${field}[${i}]`, tag, { max: TAG_MAX_LENGTH });
    if (t === undefined) ok = false;
    else if (!kept.includes(t)) kept.push(t);
  }
  if (kept.length > MAX_TAGS) {
    p.add(field, `must have at most ${MAX_TAGS} different tags, got ${kept.length}`);
    ok = false;
  }
  return ok ? kept : undefined;
}

async function applyEnterpriseInput(tx: EntityManager, enterprise: Enterprise, input: EnterpriseInput, mode: Mode): Promise<void> {
  const p = new ProblemList();
  const rawCode = required(p, 'input.creditCode', input.creditCode, mode);
  const creditCode = rawCode === undefined ? undefined : checkCreditCode(p, 'input.creditCode', rawCode);
  const name = requiredText(p, 'input.name', input.name, mode);
  const ownership = required(p, 'input.ownership', input.ownership, mode);
  const tags = checkTags(p, 'input.tags', input.tags);
  const source = requiredText(p, 'input.source', input.source, mode, { max: 500 });
  if (creditCode && creditCode !== enterprise.creditCode) {
    p.conflict((await tx.count(Enterprise, { creditCode })) === 0, 'input.creditCode', `an enterprise with credit code ${creditCode} already exists`, rawCode);
  }
  p.throwIfAny();
  assignDefined(enterprise, { creditCode, name, ownership, tags, source });
}

const ENTERPRISE: RecordKind<Enterprise, string, EnterpriseInput> = {
  name: 'Enterprise',
  keyArg: 'creditCode',
  keyText: (code) => code,
  make: () => new Enterprise(),
  find: (tx, code) => tx.findOne(Enterprise, { creditCode: normalizeCreditCode(code) }),
  apply: applyEnterpriseInput,
  label: (enterprise) => `enterprise ${enterprise.creditCode}`,
  access: { noun: 'enterprises', area: false, partner: false },
  target: () => ({ areaIds: [], enterpriseIds: [] }),
};

/** Creates an enterprise; BAD_USER_INPUT lists every invalid field. */
export function createEnterprise(ctx: WriteContext, input: EnterpriseInput): Promise<Enterprise> {
  return createRecord(ctx, ENTERPRISE, input);
}

/** Changes the given fields of the enterprise with this credit code. */
export function updateEnterprise(ctx: WriteContext, creditCode: string, input: EnterpriseInput): Promise<Enterprise> {
  return updateRecord(ctx, ENTERPRISE, creditCode, input);
}

/** Deletes an enterprise (CONFLICT while anything refers to it); returns its global ID. */
export function deleteEnterprise(ctx: WriteContext, creditCode: string): Promise<string> {
  return deleteRecord(ctx, ENTERPRISE, creditCode);
}
