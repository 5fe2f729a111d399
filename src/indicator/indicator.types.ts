import { Field, ObjectType } from 'type-graphql';
import { Area } from '../area/area.entity.js';
import { ConnectionType } from '../common/connection.js';
import { Indicator, IndicatorValue } from './indicator.entity.js';

/** `IndicatorConnection`: a page of indicators. */
export const IndicatorConnection = ConnectionType(Indicator, 'Indicator', '监测指标');
/** `IndicatorValueConnection`: a page of indicator values. */
export const IndicatorValueConnection = ConnectionType(IndicatorValue, 'IndicatorValue', '指标值');

/** Growth of a value over the same period a year earlier; derived, never stored. */
@ObjectType({ description: '同比 Growth over the same period a year earlier, derived from the two stored values (never stored by hand).' })
export class IndicatorGrowth {
  @Field(() => IndicatorValue, { description: '上年同期 The value of the same indicator, area and period kind one year earlier.' })
  previous!: IndicatorValue;

  @Field({ description: '增量 Change: this value − the earlier one, exact decimal.' })
  change!: string;

  @Field(() => String, {
    nullable: true,
    description: '增长率 Growth rate in percent, rounded half away from zero to 2 decimals, e.g. "55.77"; null when the earlier value is 0.',
  })
  rate!: string | null;

  @Field(() => String, { nullable: true, description: '显示 The rate as the article writes it, e.g. "+55.77%"; null when the earlier value is 0.' })
  display!: string | null;

  @Field({
    description:
      '基于推算 True when the earlier value is itself derived (e.g. from a stated growth rate): the rate then restates the source, it is not an independent measurement.',
  })
  basedOnDerived!: boolean;

  @Field({ description: '基于限定值 True when either value is not exact (余, 超, 约…): the rate is only indicative.' })
  qualified!: boolean;
}

/** The named parts of a value, and whether they add up to it. */
@ObjectType({
  description:
    '分项 The parts (其中) of a value for the same area and period. When `complete` is false the parts are a partial list and never add up to the whole: no total of the parts is given.',
})
export class IndicatorBreakdown {
  @Field({ description: '完整 Whether the parts add up to the whole (the indicator’s breakdownComplete).' })
  complete!: boolean;

  @Field(() => [IndicatorValue], { description: '分项 The values of the part indicators for the same area and period, in indicator code order.' })
  parts!: IndicatorValue[];

  @Field(() => String, {
    nullable: true,
    description: '未列明 For a complete breakdown, the whole minus the parts given (0 when all parts are in); always null for a partial one.',
  })
  remainder!: string | null;

  @Field({
    description: '说明 A sentence a reader can show, e.g. "其中 3 项为部分列举，不构成总数 (partial breakdown: the parts do not add up to the whole)".',
  })
  note!: string;
}

/** The values of one indicator in one area over a range of periods. */
@ObjectType({ description: '指标序列 The values of one indicator in one area over a range of periods of one kind, oldest first, each with its growth.' })
export class IndicatorSeries {
  @Field(() => Indicator, { description: '指标 The indicator.' })
  indicator!: Indicator;

  @Field(() => Area, { description: '区域 The area.' })
  area!: Area;

  @Field(() => [String], { description: '期别 Every period of the range, oldest first, whether or not it has a value.' })
  periods!: string[];

  @Field(() => [IndicatorValue], { description: '数值 The stored values in the range, oldest first (periods without a value are absent).' })
  values!: IndicatorValue[];

  @Field(() => [String], { description: '缺失期别 Periods of the range without a value.' })
  missing!: string[];
}
