import { Check, Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../common/node.js';
import { RecordEntity } from '../common/record.entity.js';
import { LocalDateScalar } from '../common/scalars.js';
import { Project } from '../project/project.entity.js';

/** Kind of money movement (after IATI transaction types). */
export enum FundFlowKind {
  COMMITMENT = 'COMMITMENT',
  LANDED = 'LANDED',
}
registerEnumType(FundFlowKind, {
  name: 'FundFlowKind',
  description: '资金类型 Kind of money movement (after IATI transaction types).',
  valuesConfig: {
    COMMITMENT: { description: '承诺/协议资金 committed (agreed) investment' },
    LANDED: { description: '落地资金 funds actually landed (invested in the place)' },
  },
});

/**
 * One money movement of a project. Natural key: project, kind and date
 * (two movements of the same kind on the same day are one row with their sum).
 */
@Entity({ tableName: 'fund_flow' })
@Unique({ name: 'fund_flow_natural_key', properties: ['project', 'kind', 'occurredOn'] })
@Index({ name: 'fund_flow_kind_occurred_on_index', properties: ['kind', 'occurredOn'] })
@Check({ name: 'fund_flow_amount_positive', expression: 'amount > 0' })
@ObjectType('FundFlow', { implements: Node, description: '资金流 Fund flow: money committed to or landed in a project on a date.' })
export class FundFlow extends RecordEntity {
  @ManyToOne(() => Project, { deleteRule: 'restrict' })
  project!: Project;

  @Field(() => FundFlowKind, { description: '资金类型 Kind.' })
  @Enum({ items: () => FundFlowKind })
  kind!: FundFlowKind;

  /** Exact decimal yuan. */
  @Property({ type: 'decimal', precision: 20, scale: 2 })
  amount!: string;

  @Field(() => LocalDateScalar, { description: '日期 Date of the movement.' })
  @Property({ type: 'date' })
  occurredOn!: string;
}
