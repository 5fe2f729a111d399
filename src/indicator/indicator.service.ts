import type { EntityManager } from '@mikro-orm/postgresql';
import { ProblemList } from '../common/errors.js';
import { createRecord, deleteRecord, type RecordKind, updateRecord, type WriteContext } from '../common/mutation.js';
import { assignDefined, type Mode, required } from '../common/validate.js';
import { INDICATOR_CODE } from '../programme/programme.code.js';
import { Programme } from '../programme/programme.entity.js';
import { Indicator } from './indicator.entity.js';
import type { IndicatorInput } from './indicator.inputs.js';
import { INDICATOR_ACCESS, indicatorFieldRules } from './indicator.rules.js';

/** Finds an indicator by code; null when there is none. */
export function findIndicator(em: EntityManager, code: string): Promise<Indicator | null> {
  return em.findOne(Indicator, { code: INDICATOR_CODE.normalise(code) });
}

async function applyIndicatorInput(tx: EntityManager, row: Indicator, input: IndicatorInput, mode: Mode): Promise<void> {
  const p = new ProblemList();
  const code = required(p, 'input.code', input.code, mode);
  const nameZh = required(p, 'input.nameZh', input.nameZh, mode)?.trim();
  const nameEn = required(p, 'input.nameEn', input.nameEn, mode)?.trim();
  const unit = required(p, 'input.unit', input.unit, mode);
  const measure = required(p, 'input.measure', input.measure, mode);
  const source = required(p, 'input.source', input.source, mode)?.trim();
  const note = input.note === undefined ? undefined : input.note === null || input.note.trim() === '' ? null : input.note.trim();
  p.addAll(indicatorFieldRules({ nameZh, nameEn, note, source }));
  if (input.additive === null) p.add('input.additive', 'must not be null');
  if (input.breakdownComplete === null) p.add('input.breakdownComplete', 'must not be null');

  let parent: Indicator | null | undefined;
  if (input.parent === null || input.parent?.trim() === '') parent = null;
  else if (input.parent !== undefined) {
    parent = await findIndicator(tx, input.parent);
    if (!parent) p.add('input.parent', `no indicator has code ${input.parent.trim()}`, input.parent);
    else if (parent.id === row.id || parent.code === code) p.add('input.parent', 'an indicator cannot be its own part', input.parent);
    else if (parent.parent) p.add('input.parent', `indicator ${parent.code} is itself a part of another: breakdowns have one level`, input.parent);
  }
  const finalUnit = unit ?? row.unit;
  const finalParent = parent === undefined ? row.parent : parent;
  if (finalParent && finalUnit && finalParent.unit && finalParent.unit !== finalUnit) {
    p.add('input.parent', `a part must have its whole's unit (${finalParent.unit}), not ${finalUnit}`, finalParent.code);
  }

  let programme: Programme | null | undefined;
  if (input.programme === null || input.programme?.trim() === '') programme = null;
  else if (input.programme !== undefined) {
    programme = await tx.findOne(Programme, { code: input.programme.trim() });
    if (!programme) p.add('input.programme', `no programme has code ${input.programme.trim()}`, input.programme);
  }
  if (code && code !== row.code) {
    p.conflict((await tx.count(Indicator, { code })) === 0, 'input.code', `an indicator with code ${code} already exists`, code);
  }
  p.throwIfAny();
  assignDefined(row, {
    code,
    nameZh,
    nameEn,
    unit,
    measure,
    source,
    note,
    parent,
    programme,
    additive: input.additive ?? undefined,
    breakdownComplete: input.breakdownComplete ?? undefined,
  });
}

const INDICATOR: RecordKind<Indicator, string, IndicatorInput> = {
  name: 'Indicator',
  keyArg: 'code',
  keyText: (code) => code,
  make: () => new Indicator(),
  find: findIndicator,
  apply: applyIndicatorInput,
  label: (row, key, input) => `indicator ${input?.code ?? key ?? row.code}`,
  access: INDICATOR_ACCESS,
  target: () => ({ areaIds: [], enterpriseIds: [] }),
};

export const createIndicator = (ctx: WriteContext, input: IndicatorInput) => createRecord(ctx, INDICATOR, input);
export const updateIndicator = (ctx: WriteContext, code: string, input: IndicatorInput) => updateRecord(ctx, INDICATOR, code, input);
export const deleteIndicator = (ctx: WriteContext, code: string) => deleteRecord(ctx, INDICATOR, code);
