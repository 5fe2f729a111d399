import { Field, InputType, Int, registerEnumType } from 'type-graphql';
import { AreaCodeScalar } from '../area/area.code.js';
import { AreaScopeInput } from '../common/area-scope.js';
import { OrderInput } from '../common/inputs.js';
import { MoneyScalar } from '../common/scalars.js';

/** Inclusive range of years; either end may be open. */
@InputType({ description: '年度范围 Inclusive range of years; leave `from` or `to` out for an open end.' })
export class YearRangeInput {
  @Field(() => Int, { nullable: true, description: '起 First year included.' })
  from?: number | null;

  @Field(() => Int, { nullable: true, description: '止 Last year included.' })
  to?: number | null;
}

/** Filter of the `collectiveIncomes` list. */
@InputType({ description: '村集体经济收入筛选 Filter for collective incomes; all given conditions must hold.' })
export class CollectiveIncomeFilter {
  @Field(() => AreaScopeInput, { nullable: true, description: '区域范围 Only figures of villages in this scope.' })
  area?: AreaScopeInput | null;

  @Field(() => String, {
    nullable: true,
    description: '范围 Only villages in this area or anywhere under it (division code, e.g. a town or the district).',
    deprecationReason: 'Use `area: { within: [...] }` (same meaning, takes several codes).',
  })
  within?: string | null;

  @Field(() => Int, { nullable: true, description: '年度 Only this year.' })
  year?: number | null;

  @Field(() => YearRangeInput, { nullable: true, description: '年度范围 Only years in this inclusive range.' })
  years?: YearRangeInput | null;

  @Field(() => [String], { nullable: true, description: '村社代码 Only these villages or communities (division codes).' })
  villageCodes?: string[] | null;
}

/** Sortable fields of the `collectiveIncomes` list. */
export enum CollectiveIncomeOrderField {
  YEAR = 'YEAR',
  OPERATING_INCOME = 'OPERATING_INCOME',
  CREATED_AT = 'CREATED_AT',
}
registerEnumType(CollectiveIncomeOrderField, {
  name: 'CollectiveIncomeOrderField',
  description: '村集体经济收入排序字段 Sortable fields of collective incomes.',
  valuesConfig: {
    YEAR: { description: '年度 year' },
    OPERATING_INCOME: { description: '经营性收入 operating income' },
    CREATED_AT: { description: '创建时间 creation time' },
  },
});
/** Column of the collective_income table behind each sort field. */
export const COLLECTIVE_INCOME_ORDER_COLUMNS: Record<CollectiveIncomeOrderField, string> = {
  YEAR: 'year',
  OPERATING_INCOME: 'operating_income',
  CREATED_AT: 'created_at',
};
/** `CollectiveIncomeOrder { field, direction }`: one sort key. */
export const CollectiveIncomeOrder = OrderInput<CollectiveIncomeOrderField>(CollectiveIncomeOrderField, 'CollectiveIncome', '村集体经济收入');

/** Natural key of a collective-income row (village code + year). */
@InputType({ description: '村集体经济收入键 Natural key of a collective-income row: the village and the year.' })
export class CollectiveIncomeKeyInput {
  @Field(() => AreaCodeScalar, { description: '村社代码 Division code of the village or community.' })
  villageCode!: string;

  @Field(() => Int, { description: '年度 Year.' })
  year!: number;
}

/** Fields of a collective-income row for create and (partial) update; the sum rule is enforced by the service. */
@InputType({
  description:
    '村集体经济收入输入 One village’s collective-economy income for one year, amounts in yuan. ' +
    '经营性收入 operatingIncome = 经营收入 businessIncome + 发包及上交收入 contractingIncome + 投资收益 investmentIncome; ' +
    '补助收入 subsidyIncome and 其他收入 otherIncome are not part of it. ' +
    'On create, villageCode, year and source are required, and operatingIncome too unless all three parts are given ' +
    '(it is then their exact sum). When all three parts are known they must add up to operatingIncome exactly. ' +
    'On update, only given fields change (null clears an optional amount); changing a part without operatingIncome recomputes it when all three parts are known.',
})
export class CollectiveIncomeInput {
  @Field(() => AreaCodeScalar, { nullable: true, description: '村社代码 Division code of the village (行政村) or community (社区).' })
  villageCode?: string | null;

  @Field(() => Int, { nullable: true, description: '年度 Year, 1949–2100.' })
  year?: number | null;

  @Field(() => MoneyScalar, {
    nullable: true,
    description:
      '经营性收入 Operating income, ≥ 0: 经营收入 + 发包及上交收入 + 投资收益 (excludes 补助收入 and 其他收入). May be left out when all three parts are given.',
  })
  operatingIncome?: string | null;

  @Field(() => MoneyScalar, { nullable: true, description: '经营收入 Business income from the collective’s own operations, ≥ 0; part of operating income.' })
  businessIncome?: string | null;

  @Field(() => MoneyScalar, {
    nullable: true,
    description: '发包及上交收入 Contracting-out and remitted income (leases of collective land and assets, remittances), ≥ 0; part of operating income.',
  })
  contractingIncome?: string | null;

  @Field(() => MoneyScalar, { nullable: true, description: '投资收益 Investment income; may be negative (a loss); part of operating income.' })
  investmentIncome?: string | null;

  @Field(() => MoneyScalar, { nullable: true, description: '补助收入 Subsidy income, ≥ 0; NOT part of operating income.' })
  subsidyIncome?: string | null;

  @Field(() => MoneyScalar, { nullable: true, description: '其他收入 Other income, ≥ 0; NOT part of operating income.' })
  otherIncome?: string | null;

  @Field(() => String, { nullable: true, description: '来源 Provenance text.' })
  source?: string | null;
}
