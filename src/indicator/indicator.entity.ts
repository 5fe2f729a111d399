import { Check, Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { Area } from '../area/area.entity.js';
import { Node } from '../common/node.js';
import { RecordEntity } from '../common/record.entity.js';
import { LocalDateScalar } from '../common/scalars.js';
import { Programme } from '../programme/programme.entity.js';
import { IndicatorMeasure, IndicatorUnit, PeriodKindEnum, Qualifier } from './indicator.enums.js';

/** A monitoring indicator (指标) of the common-prosperity statistical monitoring system. Natural key: code. */
@Entity({ tableName: 'indicator' })
@Check({ name: 'indicator_not_own_parent', expression: 'parent_id IS NULL OR parent_id <> id' })
@ObjectType('Indicator', {
  implements: Node,
  description: '监测指标 Monitoring indicator of the common-prosperity statistical monitoring system (共富型统计监测体系).',
})
export class Indicator extends RecordEntity {
  @Field({ description: '指标编码 Stable indicator code, e.g. TALENT_TOTAL.' })
  @Property({ type: 'text', unique: true })
  code!: string;

  @Field({ description: '中文名称 Chinese name, e.g. 人才资源总量.' })
  @Property({ type: 'text' })
  nameZh!: string;

  @Field({ description: '英文名称 English name, e.g. Talent resources.' })
  @Property({ type: 'text' })
  nameEn!: string;

  @Field(() => IndicatorUnit, { description: '单位 Unit: 人, 名, 家, 个, 元 or %.' })
  @Enum({ items: () => IndicatorUnit })
  unit!: IndicatorUnit;

  @Field(() => IndicatorMeasure, {
    description: '性质 Stock at a date (values have as-of dates) or flow over a period (values have years, quarters or months).',
  })
  @Enum({ items: () => IndicatorMeasure })
  measure!: IndicatorMeasure;

  @Field({
    description:
      '可加总 Whether values add up across areas (a town’s value counts in the district’s); false for e.g. percentages or counts of distinct people who may be counted twice.',
  })
  @Property({ type: 'boolean', default: false })
  additive: boolean = false;

  @ManyToOne(() => Indicator, { nullable: true, deleteRule: 'restrict' })
  @Index()
  parent?: Indicator | null;

  @Field({
    description:
      '分项完整 Whether the named parts (其中) of this indicator add up to it; false for a partial breakdown, whose parts must never be read as summing to the whole.',
  })
  @Property({ type: 'boolean', default: false })
  breakdownComplete: boolean = false;

  @ManyToOne(() => Programme, { nullable: true, deleteRule: 'restrict' })
  @Index()
  programme?: Programme | null;

  @Field(() => String, { nullable: true, description: '说明 Definition or note.' })
  @Property({ type: 'text', nullable: true })
  note?: string | null;
}

/** One value of an indicator for an area and period. Natural key: indicator, area, period. */
@Entity({ tableName: 'indicator_value' })
@Unique({ name: 'indicator_value_key_unique', properties: ['indicator', 'area', 'period'] })
@Index({ name: 'indicator_value_indicator_end_index', properties: ['indicator', 'periodEnd'] })
@Check({ name: 'indicator_value_period_order', expression: 'period_start <= period_end' })
@Check({
  name: 'indicator_value_qualifier_word',
  expression:
    "(qualifier = 'EXACT' AND qualifier_word IS NULL) OR (qualifier = 'AT_LEAST' AND qualifier_word IN ('余', '超', '以上', '突破')) OR (qualifier = 'APPROXIMATELY' AND qualifier_word = '约')",
})
@Check({ name: 'indicator_value_derivation', expression: 'derived = (derivation IS NOT NULL)' })
@ObjectType('IndicatorValue', { implements: Node, description: '指标值 One value of an indicator for an area and a period, with its qualifier and source.' })
export class IndicatorValue extends RecordEntity {
  @ManyToOne(() => Indicator, { deleteRule: 'restrict' })
  indicator!: Indicator;

  @ManyToOne(() => Area, { deleteRule: 'restrict' })
  @Index()
  area!: Area;

  @Field({ description: '期别 Period as canonical text: 2022 (year), 2023-Q1 (quarter), 2023-03 (month) or 2023-03-31 (as-of date).' })
  @Property({ type: 'text' })
  period!: string;

  @Field(() => PeriodKindEnum, { description: '期别类型 Kind of period.' })
  @Enum({ items: () => PeriodKindEnum })
  periodKind!: PeriodKindEnum;

  @Field(() => LocalDateScalar, { description: '起日 First day of the period (the as-of date itself for a stock).' })
  @Property({ type: 'date' })
  periodStart!: string;

  @Field(() => LocalDateScalar, { description: '止日 Last day of the period (the as-of date for a stock).' })
  @Property({ type: 'date' })
  periodEnd!: string;

  /** exact decimal, in the indicator's unit */
  @Property({ type: 'decimal', precision: 24, scale: 2 })
  value!: string;

  @Field(() => Qualifier, { description: '限定 Exact, at least (余, 超, 以上, 突破) or approximately (约).' })
  @Enum({ items: () => Qualifier })
  qualifier: Qualifier = Qualifier.EXACT;

  @Field(() => String, { nullable: true, description: '限定词 The word the source used: 余, 超, 以上, 突破 or 约; null when exact.' })
  @Property({ type: 'text', nullable: true })
  qualifierWord?: string | null;

  @Field({ description: '推算 True when the value was not reported but derived (e.g. a year-earlier value from a stated growth rate); see `derivation`.' })
  @Property({ type: 'boolean', default: false })
  derived: boolean = false;

  @Field(() => String, {
    nullable: true,
    description: '推算方法 How a derived value was obtained, e.g. "405 ÷ (1 + 55.77%), rounded to a whole 家"; null when reported.',
  })
  @Property({ type: 'text', nullable: true })
  derivation?: string | null;

  @Field(() => [String], {
    description: '列举 Named items the source lists for this value, e.g. the four laboratories 之江, 良渚, 湖畔, 天目山; empty when none.',
  })
  @Property({ type: 'text[]', default: '{}' })
  items: string[] = [];
}
