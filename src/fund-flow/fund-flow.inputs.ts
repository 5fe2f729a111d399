import { Field, InputType, registerEnumType } from 'type-graphql';
import { AreaScopeInput } from '../common/area-scope.js';
import { DateRangeInput, OrderInput } from '../common/inputs.js';
import { LocalDateScalar, MoneyScalar } from '../common/scalars.js';
import { FundFlowKind } from './fund-flow.entity.js';

/** Filter of the `fundFlows` list. */
@InputType({ description: '资金流筛选 Filter for fund flows; all given conditions must hold.' })
export class FundFlowFilter {
  @Field(() => [String], { nullable: true, description: '项目编号 Only flows of these projects (project codes).' })
  projectCodes?: string[] | null;

  @Field(() => AreaScopeInput, { nullable: true, description: '区域范围 Only flows of projects whose host area is in this scope.' })
  area?: AreaScopeInput | null;

  @Field(() => String, {
    nullable: true,
    description: '范围 Only flows of projects hosted in this area or anywhere under it (division code, e.g. a town).',
    deprecationReason: 'Use `area: { within: [...] }` (same meaning, takes several codes).',
  })
  within?: string | null;

  @Field(() => [FundFlowKind], { nullable: true, description: '资金类型 Only these kinds.' })
  kinds?: FundFlowKind[] | null;

  @Field(() => DateRangeInput, { nullable: true, description: '日期 Only flows that occurred within this date range.' })
  occurredOn?: DateRangeInput | null;
}

/** Sortable fields of the `fundFlows` list. */
export enum FundFlowOrderField {
  OCCURRED_ON = 'OCCURRED_ON',
  KIND = 'KIND',
  AMOUNT = 'AMOUNT',
  CREATED_AT = 'CREATED_AT',
}
registerEnumType(FundFlowOrderField, {
  name: 'FundFlowOrderField',
  description: '资金流排序字段 Sortable fields of fund flows.',
  valuesConfig: {
    OCCURRED_ON: { description: '日期 date of the movement' },
    KIND: { description: '资金类型 kind' },
    AMOUNT: { description: '金额 amount' },
    CREATED_AT: { description: '创建时间 creation time' },
  },
});
/** Column of the fund_flow table behind each sort field. */
export const FUND_FLOW_ORDER_COLUMNS: Record<FundFlowOrderField, string> = {
  OCCURRED_ON: 'occurred_on',
  KIND: 'kind',
  AMOUNT: 'amount',
  CREATED_AT: 'created_at',
};
/** `FundFlowOrder { field, direction }`: one sort key. */
export const FundFlowOrder = OrderInput<FundFlowOrderField>(FundFlowOrderField, 'FundFlow', '资金流');

/**
 * Key of a fund flow: project code and reference (凭证号); or, as before references, project code,
 * kind and date, which must then name exactly one flow.
 */
@InputType({
  description:
    '资金流键 Key of a fund flow: projectCode and reference (凭证号). Without a reference, kind and occurredOn name the flow instead, ' +
    'which must then be the only flow of that kind on that day.',
})
export class FundFlowKeyInput {
  @Field({ description: '项目编号 Project code.' })
  projectCode!: string;

  @Field(() => String, { nullable: true, description: '凭证号 Reference (voucher number) of the flow within its project.' })
  reference?: string | null;

  @Field(() => FundFlowKind, { nullable: true, description: '资金类型 Kind (only when no reference is given).' })
  kind?: FundFlowKind | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '日期 Date of the movement (only when no reference is given).' })
  occurredOn?: string | null;
}

/** Fields of a fund flow for create and (partial) update. */
@InputType({
  description:
    '资金流输入 Fields of a fund flow. On create, projectCode, kind, occurredOn, amount and source are required; ' +
    'on update, only given fields change. The reference (凭证号) is the flow’s key within its project: without one, ' +
    'a flow gets `<KIND>-<date>` (e.g. LANDED-2022-06-30), so a second flow of the same kind on the same day needs its own reference.',
})
export class FundFlowInput {
  @Field(() => String, { nullable: true, description: '项目编号 Code of the project the money is for.' })
  projectCode?: string | null;

  @Field(() => String, {
    nullable: true,
    description: '凭证号 Reference (voucher number), unique within the project, at most 64 characters; on create, omitted = `<KIND>-<date>`.',
  })
  reference?: string | null;

  @Field(() => FundFlowKind, { nullable: true, description: '资金类型 Kind.' })
  kind?: FundFlowKind | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '日期 Date of the movement.' })
  occurredOn?: string | null;

  @Field(() => MoneyScalar, { nullable: true, description: '金额 Amount in yuan, more than 0.' })
  amount?: string | null;

  @Field(() => String, { nullable: true, description: '来源 Provenance text.' })
  source?: string | null;
}
