import { Check, Entity, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { Area } from '../area/area.entity.js';
import { Node } from '../common/node.js';
import { RecordEntity } from '../common/record.entity.js';

const NONNEGATIVE = ['operating_income', 'business_income', 'contracting_income', 'subsidy_income', 'other_income'];

/**
 * A village's collective-economy income for one year. Operating income (经营性收入) is
 * 经营收入 + 发包及上交收入 + 投资收益; subsidies and other income are kept apart.
 */
@Entity({ tableName: 'collective_income' })
@Unique({ name: 'collective_income_village_year_unique', properties: ['village', 'year'] })
@Check({ name: 'collective_income_year_range', expression: 'year BETWEEN 1949 AND 2100' })
@Check({ name: 'collective_income_nonnegative', expression: NONNEGATIVE.map((c) => `(${c} IS NULL OR ${c} >= 0)`).join(' AND ') })
@Check({
  name: 'collective_income_parts_sum',
  expression:
    'business_income IS NULL OR contracting_income IS NULL OR investment_income IS NULL OR ' +
    'operating_income = business_income + contracting_income + investment_income',
})
@ObjectType('CollectiveIncome', {
  implements: Node,
  description: '村集体经济收入 Collective-economy income of a village for one year.',
})
export class CollectiveIncome extends RecordEntity {
  @ManyToOne(() => Area, { deleteRule: 'restrict' })
  village!: Area;

  @Field(() => Int, { description: '年度 Year.' })
  @Property({ type: 'integer' })
  year!: number;

  /** 村集体经济经营性收入, exact decimal yuan. */
  @Property({ type: 'decimal', precision: 20, scale: 2 })
  operatingIncome!: string;

  /** 经营收入 */
  @Property({ type: 'decimal', precision: 20, scale: 2, nullable: true })
  businessIncome?: string | null;

  /** 发包及上交收入 */
  @Property({ type: 'decimal', precision: 20, scale: 2, nullable: true })
  contractingIncome?: string | null;

  /** 投资收益 (may be negative) */
  @Property({ type: 'decimal', precision: 20, scale: 2, nullable: true })
  investmentIncome?: string | null;

  /** 补助收入 */
  @Property({ type: 'decimal', precision: 20, scale: 2, nullable: true })
  subsidyIncome?: string | null;

  /** 其他收入 */
  @Property({ type: 'decimal', precision: 20, scale: 2, nullable: true })
  otherIncome?: string | null;
}
