import { AREA_CODE } from '../area/area.code.js';
import { problem } from '../common/rules.js';
import { type SheetKind, type SheetSpec, SOURCE } from '../import/sheet-spec.js';
import { INDICATOR_CODE, PROGRAMME_CODE } from '../programme/programme.code.js';
import {
  checkDerivation,
  checkItems,
  checkPeriod,
  checkQualifier,
  checkValue,
  INDICATOR_ACCESS,
  INDICATOR_VALUE_ACCESS,
  indicatorFieldRules,
  indicatorValueFieldRules,
  type Problem as RulesProblem,
} from './indicator.rules.js';

export const INDICATOR_UNIT_VALUES = {
  REN: ['人', 'persons'],
  MING: ['名'],
  JIA: ['家'],
  GE: ['个', 'items'],
  YUAN: ['元', 'yuan'],
  PERCENT: ['%', '％', '百分比', 'percent'],
};
export const INDICATOR_MEASURE_VALUES = {
  STOCK: ['存量', '累计', '截至', 'stock'],
  FLOW: ['流量', '期间', 'flow'],
};

export const INDICATOR_SHEET: SheetSpec = {
  name: 'indicators',
  zh: '监测指标',
  key: ['code'],
  columns: [
    { key: 'code', zh: '指标编码', type: 'code', required: true, note: '指标编码 Stable indicator code, A–Z 0–9 _ -, e.g. TALENT_TOTAL', id: INDICATOR_CODE },
    { key: 'name_zh', zh: '中文名称', type: 'text', required: true, note: '中文名称 Chinese name, e.g. 人才资源总量' },
    { key: 'name_en', zh: '英文名称', type: 'text', required: true, note: '英文名称 English name' },
    { key: 'unit', zh: '单位', type: 'enum', required: true, values: INDICATOR_UNIT_VALUES, note: '单位 Unit: 人, 名, 家, 个, 元, %' },
    {
      key: 'measure',
      zh: '性质',
      type: 'enum',
      required: true,
      values: INDICATOR_MEASURE_VALUES,
      note: '性质 存量 (stock at a date, 累计/截至) or 流量 (flow over a year, quarter or month)',
    },
    { key: 'additive', zh: '可加总', type: 'boolean', note: '可加总 Do values add up across areas? 是/否; empty = 否' },
    {
      key: 'parent_code',
      zh: '上级指标编码',
      type: 'code',
      note: '上级指标编码 Code of the indicator this is a part (其中) of',
      id: INDICATOR_CODE,
      ref: 'indicator',
      field: 'parent',
    },
    { key: 'breakdown_complete', zh: '分项完整', type: 'boolean', note: '分项完整 Do this indicator’s parts add up to it? 是/否; empty = 否 (a partial list)' },
    {
      key: 'programme_code',
      zh: '计划编码',
      type: 'code',
      note: '计划编码 Code of the programme it monitors',
      id: PROGRAMME_CODE,
      ref: 'programme',
      field: 'programme',
    },
    { key: 'note', zh: '说明', type: 'text', note: '说明 Definition or note' },
    SOURCE,
  ],
};

export const INDICATOR_VALUE_SHEET: SheetSpec = {
  name: 'indicator_values',
  zh: '指标值',
  key: ['indicator_code', 'area_code', 'period'],
  columns: [
    {
      key: 'indicator_code',
      zh: '指标编码',
      type: 'code',
      required: true,
      note: '指标编码 Indicator code',
      id: INDICATOR_CODE,
      ref: 'indicator',
      field: 'indicator',
    },
    {
      key: 'area_code',
      zh: '区域代码',
      type: 'code',
      required: true,
      note: '区域代码 Division code of the area, e.g. 330110 (district)',
      id: AREA_CODE,
      ref: 'area',
      field: 'area',
    },
    {
      key: 'period',
      zh: '期别',
      type: 'text',
      required: true,
      note: '期别 2022 (year), 2023-Q1 (quarter), 2023-03 (month) for a flow; 2023-03-31 (as-of date) for a stock',
    },
    {
      key: 'value',
      zh: '数值',
      type: 'money',
      required: true,
      note: '数值 Exact value in the indicator’s unit; 万/亿 allowed (36万, 22.39亿); at most 2 decimals',
    },
    { key: 'qualifier_word', zh: '限定词', type: 'text', note: '限定词 The source’s word: 余, 超, 以上, 突破 (at least) or 约 (approximately); empty = exact' },
    { key: 'derived', zh: '推算', type: 'boolean', note: '推算 Derived rather than reported? 是/否; empty = 否' },
    { key: 'derivation', zh: '推算方法', type: 'text', note: '推算方法 How it was derived (required when 推算 = 是), e.g. 405 ÷ (1 + 55.77%)' },
    { key: 'items', zh: '列举', type: 'list', note: '列举 Named items separated by 、 e.g. 之江、良渚、湖畔、天目山' },
    SOURCE,
  ],
};

/** Indicators in a sheet: the same rules as createIndicator; a part's whole is itself no part and has the part's unit. */
export const indicatorSheet: SheetKind = {
  spec: INDICATOR_SHEET,
  provides: 'indicator',
  table: 'indicator',
  access: INDICATOR_ACCESS,
  check({ values: v }, ctx) {
    const out = indicatorFieldRules({
      nameZh: v.name_zh as string | null,
      nameEn: v.name_en as string | null,
      note: v.note as string | null,
      source: v.source as string | null,
    });
    const parentCode = v.parent_code as string | null;
    if (!parentCode) return out;
    const parent = ctx.indicator(parentCode);
    if (parentCode === v.code) out.push(problem('parent', 'KIND', 'an indicator cannot be its own part', parentCode));
    else if (parent?.parent) out.push(problem('parent', 'KIND', `indicator ${parentCode} is itself a part of another: breakdowns have one level`, parentCode));
    else if (parent && v.unit && parent.unit !== v.unit)
      out.push(problem('parent', 'KIND', `a part must have its whole's unit (${parent.unit}), not ${String(v.unit)}`, parentCode));
    return out;
  },
};

/** Indicator values in a sheet: the same rules as setIndicatorValue (periods of the kind the measure asks for, values, qualifier words, derivations). */
export const indicatorValueSheet: SheetKind = {
  spec: INDICATOR_VALUE_SHEET,
  table: 'indicator_value',
  access: INDICATOR_VALUE_ACCESS,
  check({ values: v }, ctx) {
    const code = v.indicator_code as string | null;
    const found = code ? ctx.indicator(code) : undefined;
    const indicator = found && code ? { code, ...found } : undefined;
    const problems: RulesProblem[] = [];
    if (v.period) {
      const p = checkPeriod(problems, 'period', String(v.period), indicator);
      if (p) v.period = p.text;
    }
    if (typeof v.value === 'string') checkValue(problems, 'value', v.value, indicator);
    checkQualifier(problems, { qualifier: 'qualifier_word', word: 'qualifier_word' }, undefined, v.qualifier_word as string | null);
    checkDerivation(problems, { derived: 'derived', derivation: 'derivation' }, v.derived === true, (v.derivation as string | null) ?? null);
    checkItems(problems, 'items', (v.items as string[] | null) ?? []);
    return [
      ...indicatorValueFieldRules({ source: v.source as string | null, derivation: v.derivation as string | null }),
      ...problems.map((p) => ({ ...p, code: 'FORMAT' as const })),
    ];
  },
};
