import type { EntityManager } from '@mikro-orm/postgresql';
import { AreaKind } from '../area/area.enums.js';
import type { Area } from '../area/area.entity.js';
import { areaByCode } from '../area/area.service.js';
import { compareYuan, sumYuan } from '../common/decimal.js';
import { ProblemList } from '../common/errors.js';
import { createRecord, deleteRecord, updateRecord, type RecordKind, type WriteContext } from '../common/mutation.js';
import { assignDefined, checkInt, required, requiredText, type Mode } from '../common/validate.js';
import { CollectiveIncome } from './collective-income.entity.js';
import type { CollectiveIncomeInput, CollectiveIncomeKeyInput } from './collective-income.inputs.js';

/** Area kinds that report collective income. */
const VILLAGE_KINDS: readonly AreaKind[] = [AreaKind.VILLAGE, AreaKind.COMMUNITY];

/** Years accepted (also a database check). */
const MIN_YEAR = 1949;
const MAX_YEAR = 2100;

/** Exclusive bound of a numeric(20,2) column in yuan, both signs. */
const MONEY_LIMIT = '1000000000000000000';

/** The three parts whose sum is the operating income (经营收入 + 发包及上交收入 + 投资收益). */
const PARTS = ['businessIncome', 'contractingIncome', 'investmentIncome'] as const;
type Part = (typeof PARTS)[number];

/** Every optional amount, and whether it may be negative (only 投资收益 may). */
const AMOUNTS = { businessIncome: false, contractingIncome: false, investmentIncome: true, subsidyIncome: false, otherIncome: false } as const;
type Amount = keyof typeof AMOUNTS;

const PARTS_TEXT = 'businessIncome + contractingIncome + investmentIncome';

/** Finds a collective-income row by its natural key (village code and year); null when there is none. */
export function findCollectiveIncome(em: EntityManager, key: CollectiveIncomeKeyInput): Promise<CollectiveIncome | null> {
  return em.findOne(CollectiveIncome, { village: { code: key.villageCode.trim() }, year: key.year });
}

/** Checks an amount's sign and size; returns it, or undefined when a problem was recorded. */
function checkAmount(p: ProblemList, field: string, value: string, mayBeNegative: boolean): string | undefined {
  const before = p.problems.length;
  if (!mayBeNegative) p.check(compareYuan(value, '0') >= 0, field, 'must be 0 or more', value);
  p.check(compareYuan(value, MONEY_LIMIT) < 0 && compareYuan(value, `-${MONEY_LIMIT}`) > 0, field, 'must be less than 10^18 yuan in size', value);
  return p.problems.length === before ? value : undefined;
}

async function applyIncomeInput(tx: EntityManager, row: CollectiveIncome, input: CollectiveIncomeInput, mode: Mode): Promise<void> {
  const p = new ProblemList();
  const source = requiredText(p, 'input.source', input.source, mode, { max: 500 });
  const givenYear = required(p, 'input.year', input.year, mode);
  const year = givenYear === undefined ? undefined : checkInt(p, 'input.year', givenYear, MIN_YEAR, MAX_YEAR);

  let village: Area | undefined;
  const villageCode = required(p, 'input.villageCode', input.villageCode, mode);
  if (villageCode !== undefined) {
    village = await areaByCode(tx, p, 'input.villageCode', villageCode);
    if (village && !VILLAGE_KINDS.includes(village.kind)) {
      p.add('input.villageCode', `must be a VILLAGE or COMMUNITY, not a ${village.kind}`, villageCode);
      village = undefined;
    }
  }

  // Optional amounts: undefined = unchanged, null = cleared. `invalid` marks the ones with a problem.
  const amounts: Partial<Record<Amount, string | null>> = {};
  const invalid = new Set<Amount>();
  for (const [name, mayBeNegative] of Object.entries(AMOUNTS) as [Amount, boolean][]) {
    const v = input[name];
    if (v === undefined) continue;
    if (v === null) amounts[name] = null;
    else {
      const ok = checkAmount(p, `input.${name}`, v, mayBeNegative);
      if (ok === undefined) invalid.add(name);
      else amounts[name] = ok;
    }
  }

  // The parts as the row will have them; the sum rule applies only when all three are known.
  const finalPart = (k: Part) => (input[k] === undefined ? (row[k] ?? null) : (amounts[k] ?? null));
  const parts = PARTS.map(finalPart);
  const sum = PARTS.some((k) => invalid.has(k)) || parts.some((v) => v === null) ? undefined : sumYuan(parts as string[]);

  let operatingIncome: string | undefined;
  if (input.operatingIncome === null) p.add('input.operatingIncome', 'must not be null');
  else if (input.operatingIncome !== undefined) {
    operatingIncome = checkAmount(p, 'input.operatingIncome', input.operatingIncome, false);
    if (operatingIncome !== undefined && sum !== undefined && compareYuan(operatingIncome, sum) !== 0) {
      p.add('input.operatingIncome', `must equal ${PARTS_TEXT} = ${sum}`, operatingIncome);
      operatingIncome = undefined;
    }
  } else if (sum !== undefined && (mode === 'create' || PARTS.some((k) => input[k] !== undefined))) {
    // Left out while all three parts are known: it is their exact sum.
    p.check(compareYuan(sum, '0') >= 0, 'input.operatingIncome', `must be 0 or more, but ${PARTS_TEXT} = ${sum}`);
    operatingIncome = sum;
  } else if (mode === 'create') {
    p.add('input.operatingIncome', `is required unless ${PARTS.join(', ')} are all given (it is then their sum)`);
  }

  const finalVillage = villageCode === undefined ? row.village : village;
  const finalYear = input.year === undefined ? row.year : year;
  if (finalVillage && finalYear !== undefined && (finalVillage.id !== row.village?.id || finalYear !== row.year)) {
    const taken = await tx.count(CollectiveIncome, { village: finalVillage, year: finalYear });
    p.conflict(taken === 0, 'input.year', `the village already has collective income for ${finalYear}; update that row`, finalYear);
  }
  p.throwIfAny();
  assignDefined(row, { village, year, source, operatingIncome, ...amounts });
}

const COLLECTIVE_INCOME: RecordKind<CollectiveIncome, CollectiveIncomeKeyInput, CollectiveIncomeInput> = {
  name: 'CollectiveIncome',
  keyArg: 'key',
  keyText: (key) => `${key.villageCode}/${key.year}`,
  make: () => new CollectiveIncome(),
  find: findCollectiveIncome,
  apply: applyIncomeInput,
  label: (_row, key, input) => `collective income of village ${input?.villageCode ?? key?.villageCode} for ${input?.year ?? key?.year}`,
  access: { noun: 'collective income', area: true, partner: false },
  target: (_tx, row) => ({ areaIds: [row.village.id], enterpriseIds: [] }),
};

/** Creates a village's collective income for one year. */
export function createCollectiveIncome(ctx: WriteContext, input: CollectiveIncomeInput): Promise<CollectiveIncome> {
  return createRecord(ctx, COLLECTIVE_INCOME, input);
}

/** Updates the row with this key; only given fields change. */
export function updateCollectiveIncome(ctx: WriteContext, key: CollectiveIncomeKeyInput, input: CollectiveIncomeInput): Promise<CollectiveIncome> {
  return updateRecord(ctx, COLLECTIVE_INCOME, key, input);
}

/** Deletes the row with this key; returns its global ID. */
export function deleteCollectiveIncome(ctx: WriteContext, key: CollectiveIncomeKeyInput): Promise<string> {
  return deleteRecord(ctx, COLLECTIVE_INCOME, key);
}
