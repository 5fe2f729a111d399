import type { EntityManager } from '@mikro-orm/postgresql';
import type { Area } from '../area/area.entity.js';
import { areaByCode } from '../area/area.service.js';
import { ProblemList } from '../common/errors.js';
import { createRecord, deleteRecord, type RecordKind, updateRecord, type WriteContext } from '../common/mutation.js';
import { assignDefined, type Mode, required } from '../common/validate.js';
import { Indicator, IndicatorValue } from './indicator.entity.js';
import { PeriodKindEnum, Qualifier } from './indicator.enums.js';
import type { IndicatorValueInput, IndicatorValueKeyInput } from './indicator.inputs.js';
import {
  checkDerivation,
  checkItems,
  checkPeriod,
  checkQualifier,
  checkValue,
  INDICATOR_VALUE_ACCESS,
  indicatorValueFieldRules,
  type Problem,
} from './indicator.rules.js';
import { parsePeriod } from './period.js';

/** Finds a value by its natural key; null when there is none (or the period is not one). */
export async function findIndicatorValue(em: EntityManager, key: IndicatorValueKeyInput): Promise<IndicatorValue | null> {
  const period = parsePeriod(key.period);
  if (!period) return null;
  return em.findOne(
    IndicatorValue,
    { indicator: { code: key.indicator.trim() }, area: { code: key.area.trim() }, period: period.text },
    { populate: ['indicator'] },
  );
}

async function applyValueInput(tx: EntityManager, row: IndicatorValue, input: IndicatorValueInput, mode: Mode): Promise<void> {
  const p = new ProblemList();
  const rules: Problem[] = [];
  const source = required(p, 'input.source', input.source, mode)?.trim();
  p.addAll(indicatorValueFieldRules({ source, derivation: input.derivation }));

  let indicator: Indicator | undefined;
  const indicatorCode = required(p, 'input.indicator', input.indicator, mode);
  if (indicatorCode !== undefined) {
    indicator = (await tx.findOne(Indicator, { code: indicatorCode.trim() })) ?? undefined;
    if (!indicator) p.add('input.indicator', `no indicator has code ${indicatorCode.trim()}`, indicatorCode);
  }
  const finalIndicator = indicator ?? (indicatorCode === undefined ? row.indicator : undefined);

  let area: Area | undefined;
  const areaCode = required(p, 'input.area', input.area, mode);
  if (areaCode !== undefined) area = await areaByCode(tx, p, 'input.area', areaCode);

  // The period and value are checked against the indicator the row will have.
  const periodText = required(p, 'input.period', input.period, mode) ?? (mode === 'update' && input.indicator !== undefined ? row.period : undefined);
  const period = periodText === undefined ? undefined : checkPeriod(rules, 'input.period', periodText, finalIndicator);
  const valueText = required(p, 'input.value', input.value, mode) ?? (mode === 'update' && input.indicator !== undefined ? row.value : undefined);
  const value = valueText === undefined ? undefined : checkValue(rules, 'input.value', valueText, finalIndicator);

  let qualifier: string | undefined;
  let qualifierWord: string | null | undefined;
  if (input.qualifier !== undefined || input.qualifierWord !== undefined || mode === 'create') {
    if (input.qualifier === null) p.add('input.qualifier', 'must not be null');
    const word = input.qualifierWord === undefined ? (input.qualifier === undefined ? row.qualifierWord : null) : input.qualifierWord;
    const q = checkQualifier(rules, { qualifier: 'input.qualifier', word: 'input.qualifierWord' }, input.qualifier, word);
    if (q) ({ qualifier, word: qualifierWord } = q);
  }

  if (input.derived === null) p.add('input.derived', 'must not be null');
  const derived = input.derived ?? row.derived ?? false;
  const derivation = input.derivation === undefined ? (row.derivation ?? null) : input.derivation?.trim() || null;
  checkDerivation(rules, { derived: 'input.derived', derivation: 'input.derivation' }, derived, derivation);

  let items: string[] | undefined;
  if (input.items === null) items = [];
  else if (input.items !== undefined) items = checkItems(rules, 'input.items', input.items);

  for (const r of rules) p.add(r.field, r.rule, r.value);

  const finalArea = area ?? (areaCode === undefined ? row.area : undefined);
  const finalPeriod = period?.text ?? (periodText === undefined ? row.period : undefined);
  if (finalIndicator && finalArea && finalPeriod && (finalIndicator.id !== row.indicator?.id || finalArea.id !== row.area?.id || finalPeriod !== row.period)) {
    const taken = await tx.count(IndicatorValue, { indicator: finalIndicator, area: finalArea, period: finalPeriod });
    p.conflict(
      taken === 0,
      'input.period',
      `indicator ${finalIndicator.code} already has a value for area ${finalArea.code} and period ${finalPeriod}; update that one`,
      finalPeriod,
    );
  }
  p.throwIfAny();
  assignDefined(row, {
    indicator,
    area,
    source,
    value,
    qualifier: qualifier as Qualifier | undefined,
    qualifierWord,
    derived,
    derivation,
    items,
    ...(period ? { period: period.text, periodKind: period.kind as PeriodKindEnum, periodStart: period.start, periodEnd: period.end } : {}),
  });
}

const INDICATOR_VALUE: RecordKind<IndicatorValue, IndicatorValueKeyInput, IndicatorValueInput> = {
  name: 'IndicatorValue',
  keyArg: 'key',
  keyText: (key) => `${key.indicator}/${key.area}/${key.period}`,
  make: () => new IndicatorValue(),
  find: findIndicatorValue,
  apply: applyValueInput,
  label: (_row, key, input) =>
    `value of indicator ${input?.indicator ?? key?.indicator} for area ${input?.area ?? key?.area}, period ${input?.period ?? key?.period}`,
  access: INDICATOR_VALUE_ACCESS,
  target: (_tx, row) => ({ areaIds: [row.area.id], enterpriseIds: [] }),
};

export const createIndicatorValue = (ctx: WriteContext, input: IndicatorValueInput) => createRecord(ctx, INDICATOR_VALUE, input);
export const updateIndicatorValue = (ctx: WriteContext, key: IndicatorValueKeyInput, input: IndicatorValueInput) =>
  updateRecord(ctx, INDICATOR_VALUE, key, input);
export const deleteIndicatorValue = (ctx: WriteContext, key: IndicatorValueKeyInput) => deleteRecord(ctx, INDICATOR_VALUE, key);
