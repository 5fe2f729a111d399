import type { EntityManager } from '@mikro-orm/postgresql';
import { ProblemList } from '../common/errors.js';
import { createRecord, deleteRecord, type RecordKind, updateRecord, type WriteContext } from '../common/mutation.js';
import type { Problem as RuleProblem } from '../common/rules.js';
import { assignDefined, type Mode, required } from '../common/validate.js';
import { CREDIT_CODE, normalizeCreditCode } from './credit-code.js';
import { Enterprise } from './enterprise.entity.js';
import type { EnterpriseInput } from './enterprise.inputs.js';
import { ENTERPRISE_ACCESS, enterpriseFieldRules, enterpriseTags } from './enterprise.rules.js';

/**
 * Normalises a credit code (full-width → half-width, trimmed, upper-case) and checks it against
 * GB 32100-2015, recording the failed rule on `field`. Returns the normalised code when valid.
 */
export function checkCreditCode(p: ProblemList, field: string, value: string): string | undefined {
  const code = CREDIT_CODE.normalise(value);
  const problem = CREDIT_CODE.validate(code);
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

async function applyEnterpriseInput(tx: EntityManager, enterprise: Enterprise, input: EnterpriseInput, mode: Mode): Promise<void> {
  const p = new ProblemList();
  const creditCode = required(p, 'input.creditCode', input.creditCode, mode);
  const rawCode = creditCode;
  const name = required(p, 'input.name', input.name, mode);
  const ownership = required(p, 'input.ownership', input.ownership, mode);
  const source = required(p, 'input.source', input.source, mode);
  p.addAll(enterpriseFieldRules({ name, source }));
  const problems: RuleProblem[] = [];
  const tags = input.tags === undefined ? undefined : input.tags === null ? [] : enterpriseTags(problems, input.tags);
  p.addAll(problems);
  if (creditCode && creditCode !== enterprise.creditCode) {
    p.conflict((await tx.count(Enterprise, { creditCode })) === 0, 'input.creditCode', `an enterprise with credit code ${creditCode} already exists`, rawCode);
  }
  p.throwIfAny();
  assignDefined(enterprise, { creditCode, name: name?.trim(), ownership, tags, source: source?.trim() });
}

const ENTERPRISE: RecordKind<Enterprise, string, EnterpriseInput> = {
  name: 'Enterprise',
  keyArg: 'creditCode',
  keyText: (code) => code,
  make: () => new Enterprise(),
  find: (tx, code) => tx.findOne(Enterprise, { creditCode: normalizeCreditCode(code) }),
  apply: applyEnterpriseInput,
  label: (enterprise) => `enterprise ${enterprise.creditCode}`,
  access: ENTERPRISE_ACCESS,
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
