import { Field, InputType } from 'type-graphql';
import { AreaCodeScalar } from '../area/area.code.js';
import { AreaScopeInput } from '../common/area-scope.js';
import { IndicatorCodeScalar, ProgrammeCodeScalar } from '../programme/programme.code.js';
import { IndicatorMeasure, IndicatorUnit, Qualifier } from './indicator.enums.js';

/** Filter of the `indicators` list. */
@InputType({ description: '指标筛选 Filter for indicators; all given conditions must hold.' })
export class IndicatorFilter {
  @Field(() => [String], { nullable: true, description: '编码 Only these indicator codes.' })
  codes?: string[] | null;

  @Field(() => String, { nullable: true, description: '计划 Only indicators of the programme with this code.' })
  programme?: string | null;

  @Field(() => String, { nullable: true, description: '上级指标 Only the parts (其中) of the indicator with this code.' })
  parent?: string | null;

  @Field(() => Boolean, { nullable: true, description: '顶层 Only indicators without a parent (true) or only parts (false).' })
  topLevel?: boolean | null;
}

/** Inclusive range of periods. */
@InputType({ description: '期别范围 Inclusive range of periods of one kind, e.g. from 2022-Q1 to 2023-Q1; either end may be open.' })
export class PeriodRangeInput {
  @Field(() => String, { nullable: true, description: '起 First period included (2022, 2022-Q1, 2022-03 or 2022-03-31).' })
  from?: string | null;

  @Field(() => String, { nullable: true, description: '止 Last period included.' })
  to?: string | null;
}

/** Filter of the `indicatorValues` list. */
@InputType({ description: '指标值筛选 Filter for indicator values; all given conditions must hold.' })
export class IndicatorValueFilter {
  @Field(() => String, { nullable: true, description: '指标 Only values of the indicator with this code.' })
  indicator?: string | null;

  @Field(() => [String], { nullable: true, description: '指标 Only values of these indicator codes.' })
  indicators?: string[] | null;

  @Field(() => AreaScopeInput, {
    nullable: true,
    description:
      '区域范围 Where the values are. For an indicator that adds up across areas (additive), `within` takes the areas and everything under them; ' +
      'for one that does not (a percentage, a count of people who may be counted twice), only the areas named themselves: a town’s value is never shown as the district’s.',
  })
  area?: AreaScopeInput | null;

  @Field(() => String, { nullable: true, description: '期别 Only this period (2022, 2023-Q1, 2023-03 or 2023-03-31).' })
  period?: string | null;

  @Field(() => PeriodRangeInput, { nullable: true, description: '期别范围 Only periods that start on or after `from` starts and end on or before `to` ends.' })
  periods?: PeriodRangeInput | null;

  @Field(() => Boolean, { nullable: true, description: '推算 Only derived values (true) or only reported ones (false).' })
  derived?: boolean | null;
}

/** Natural key of an indicator value. */
@InputType({ description: '指标值键 Natural key of an indicator value: indicator code, area code and period.' })
export class IndicatorValueKeyInput {
  @Field(() => IndicatorCodeScalar, { description: '指标编码 Indicator code.' })
  indicator!: string;

  @Field(() => AreaCodeScalar, { description: '区域代码 Division code of the area.' })
  area!: string;

  @Field({ description: '期别 Period: 2022, 2023-Q1, 2023-03 or 2023-03-31.' })
  period!: string;
}

/** Fields of an indicator for create and (partial) update. */
@InputType({
  description: '指标输入 An indicator’s fields. On create, code, nameZh, nameEn, unit, measure and source are required; on update only given fields change.',
})
export class IndicatorInput {
  @Field(() => IndicatorCodeScalar, { nullable: true, description: '编码 Code, 2–40 characters of A–Z, 0–9, _ and -.' })
  code?: string | null;

  @Field(() => String, { nullable: true, description: '中文名称 Chinese name.' })
  nameZh?: string | null;

  @Field(() => String, { nullable: true, description: '英文名称 English name.' })
  nameEn?: string | null;

  @Field(() => IndicatorUnit, { nullable: true, description: '单位 Unit.' })
  unit?: IndicatorUnit | null;

  @Field(() => IndicatorMeasure, { nullable: true, description: '性质 Stock or flow.' })
  measure?: IndicatorMeasure | null;

  @Field(() => Boolean, { nullable: true, description: '可加总 Whether values add up across areas; default false.' })
  additive?: boolean | null;

  @Field(() => IndicatorCodeScalar, { nullable: true, description: '上级指标 Code of the indicator this one is a part (其中) of; null clears it.' })
  parent?: string | null;

  @Field(() => Boolean, { nullable: true, description: '分项完整 Whether this indicator’s parts add up to it; default false.' })
  breakdownComplete?: boolean | null;

  @Field(() => ProgrammeCodeScalar, { nullable: true, description: '计划 Code of its programme; null clears it.' })
  programme?: string | null;

  @Field(() => String, { nullable: true, description: '说明 Definition or note; null clears it.' })
  note?: string | null;

  @Field(() => String, { nullable: true, description: '来源 Provenance.' })
  source?: string | null;
}

/** Fields of an indicator value for create and (partial) update. */
@InputType({
  description:
    '指标值输入 One value. On create, indicator, area, period, value and source are required. The qualifier follows from its word ' +
    '(余, 超, 以上, 突破 → AT_LEAST; 约 → APPROXIMATELY; none → EXACT); a derived value says how it was derived.',
})
export class IndicatorValueInput {
  @Field(() => IndicatorCodeScalar, { nullable: true, description: '指标编码 Indicator code.' })
  indicator?: string | null;

  @Field(() => AreaCodeScalar, { nullable: true, description: '区域代码 Division code of the area.' })
  area?: string | null;

  @Field(() => String, { nullable: true, description: '期别 Period: a year, quarter or month for a flow; an as-of date for a stock.' })
  period?: string | null;

  @Field(() => String, {
    nullable: true,
    description: '数值 Exact decimal value in the indicator’s unit, as a string; 万/亿 suffixes accepted ("36万", "22.39亿"); at most 2 decimals.',
  })
  value?: string | null;

  @Field(() => Qualifier, { nullable: true, description: '限定 Qualifier; follows from `qualifierWord` when left out.' })
  qualifier?: Qualifier | null;

  @Field(() => String, { nullable: true, description: '限定词 The source’s word: 余, 超, 以上, 突破 or 约; null for an exact value.' })
  qualifierWord?: string | null;

  @Field(() => Boolean, { nullable: true, description: '推算 Derived rather than reported; default false.' })
  derived?: boolean | null;

  @Field(() => String, { nullable: true, description: '推算方法 How the value was derived; required when derived.' })
  derivation?: string | null;

  @Field(() => [String], { nullable: true, description: '列举 Named items (replaces the list).' })
  items?: string[] | null;

  @Field(() => String, { nullable: true, description: '来源 Provenance.' })
  source?: string | null;
}
