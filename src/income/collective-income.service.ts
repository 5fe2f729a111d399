import type { EntityManager } from '@mikro-orm/postgresql';
import type { Area } from '../area/area.entity.js';
import { areaKindRule, VILLAGE_KINDS } from '../area/area.rules.js';
import { areaByCode } from '../area/area.service.js';
import { ProblemList } from '../common/errors.js';
import { createRecord, deleteRecord, type RecordKind, updateRecord, type WriteContext } from '../common/mutation.js';
import { assignDefined, type Mode, required } from '../common/validate.js';
import { CollectiveIncome } from './collective-income.entity.js';
import type { CollectiveIncomeInput, CollectiveIncomeKeyInput } from './collective-income.inputs.js';
import { type Amount, AMOUNTS, INCOME_ACCESS, incomeRules, PARTS } from './collective-income.rules.js';

/** Finds a collective-income row by its natural key (village code and year); null when there is none. */
export function findCollectiveIncome(em: EntityManager, key: CollectiveIncomeKeyInput): Promise<CollectiveIncome | null> {
  return em.findOne(CollectiveIncome, { village: { code: key.villageCode.trim() }, year: key.year });
}

async function applyIncomeInput(tx: EntityManager, row: CollectiveIncome, input: CollectiveIncomeInput, mode: Mode): Promise<void> {
  const p = new ProblemList();
  const source = required(p, 'input.source', input.source, mode);
  const givenYear = required(p, 'input.year', input.year, mode);

  let village: Area | undefined;
  const villageCode = required(p, 'input.villageCode', input.villageCode, mode);
  if (villageCode !== undefined) {
    village = await areaByCode(tx, p, 'input.villageCode', villageCode);
    const wrong = village ? areaKindRule('villageCode', village.kind, VILLAGE_KINDS) : [];
    p.addAll(wrong.map((x) => ({ ...x, value: villageCode })));
    if (wrong.length > 0) village = undefined;
  }

  const given = Object.fromEntries(Object.keys(AMOUNTS).map((k) => [k, input[k as Amount]])) as Partial<Record<Amount, string | null>>;
  const rules = incomeRules({
    year: givenYear,
    source,
    amounts: given,
    currentParts: Object.fromEntries(PARTS.map((k) => [k, row[k] ?? null])),
    operatingIncome: input.operatingIncome,
    derive: mode === 'create' || PARTS.some((k) => input[k] !== undefined),
    requireOperating: mode === 'create',
  });
  p.addAll(rules.problems);
  const year = rules.problems.some((x) => x.field === 'year') ? undefined : givenYear;
  const operatingIncome = rules.operatingIncome;
  const amounts = rules.amounts;

  const finalVillage = villageCode === undefined ? row.village : village;
  const finalYear = input.year === undefined ? row.year : year;
  if (finalVillage && finalYear !== undefined && (finalVillage.id !== row.village?.id || finalYear !== row.year)) {
    const taken = await tx.count(CollectiveIncome, { village: finalVillage, year: finalYear });
    p.conflict(taken === 0, 'input.year', `the village already has collective income for ${finalYear}; update that row`, finalYear);
  }
  p.throwIfAny();
  assignDefined(row, { village, year, source: source?.trim(), operatingIncome, ...amounts });
}

const COLLECTIVE_INCOME: RecordKind<CollectiveIncome, CollectiveIncomeKeyInput, CollectiveIncomeInput> = {
  name: 'CollectiveIncome',
  keyArg: 'key',
  keyText: (key) => `${key.villageCode}/${key.year}`,
  make: () => new CollectiveIncome(),
  find: findCollectiveIncome,
  apply: applyIncomeInput,
  label: (_row, key, input) => `collective income of village ${input?.villageCode ?? key?.villageCode} for ${input?.year ?? key?.year}`,
  access: INCOME_ACCESS,
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
