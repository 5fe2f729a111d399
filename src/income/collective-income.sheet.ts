import { AREA_CODE } from '../area/area.code.js';
import { areaKindRule, VILLAGE_KINDS } from '../area/area.rules.js';
import { type SheetKind, type SheetSpec, SOURCE } from '../import/sheet-spec.js';
import { type Amount, AMOUNTS, incomeRules } from './collective-income.rules.js';
import { INCOME_ACCESS } from './collective-income.rules.js';

export const COLLECTIVE_INCOME_SHEET: SheetSpec = {
  name: 'collective_incomes',
  zh: '村集体收入',
  key: ['village_code', 'year'],
  columns: [
    { key: 'village_code', zh: '村代码', type: 'code', required: true, note: '村代码 Division code of the village (12 digits)', id: AREA_CODE, ref: 'area' },
    { key: 'year', zh: '年度', type: 'integer', required: true, note: '年度 Year, e.g. 2022' },
    {
      key: 'operating_income',
      zh: '经营性收入',
      type: 'money',
      note: '经营性收入 Operating income = 经营收入 + 发包及上交收入 + 投资收益; may be left empty when all three parts are given',
    },
    { key: 'business_income', zh: '经营收入', type: 'money', note: '经营收入 Business income' },
    { key: 'contracting_income', zh: '发包及上交收入', type: 'money', note: '发包及上交收入 Contracting and remitted income' },
    { key: 'investment_income', zh: '投资收益', type: 'money', note: '投资收益 Investment income (may be negative)' },
    { key: 'subsidy_income', zh: '补助收入', type: 'money', note: '补助收入 Subsidies (not operating income)' },
    { key: 'other_income', zh: '其他收入', type: 'money', note: '其他收入 Other income (not operating income)' },
    SOURCE,
  ],
};

const COLUMN: Record<Amount, string> = {
  businessIncome: 'business_income',
  contractingIncome: 'contracting_income',
  investmentIncome: 'investment_income',
  subsidyIncome: 'subsidy_income',
  otherIncome: 'other_income',
};

/** Collective income in a sheet: the same rules as createCollectiveIncome; an empty 经营性收入 is the sum of its three parts. */
export const collectiveIncomeSheet: SheetKind = {
  spec: COLLECTIVE_INCOME_SHEET,
  table: 'collective_income',
  access: INCOME_ACCESS,
  check({ values: v }, ctx) {
    const village = v.village_code ? ctx.area(String(v.village_code)) : undefined;
    const amounts = Object.fromEntries((Object.keys(AMOUNTS) as Amount[]).map((k) => [k, (v[COLUMN[k]] as string | null) ?? undefined]));
    const rules = incomeRules({
      year: v.year as number | null,
      source: v.source as string | null,
      amounts,
      operatingIncome: (v.operating_income as string | null) ?? undefined,
      derive: true,
      requireOperating: true,
    });
    // Note: the operating income left empty is written as the sum of its parts.
    if (v.operating_income === null && rules.operatingIncome !== undefined) v.operating_income = rules.operatingIncome;
    return [...(village ? areaKindRule('villageCode', village.kind, VILLAGE_KINDS) : []), ...rules.problems];
  },
};
