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
 * One money movement of a project. Natural key: project and reference (凭证号, voucher number), so
 * a corrected date or kind updates the same flow (see src/fund-flow/fund-flow.rules.ts).
 */
@Entity({ tableName: 'fund_flow' })
@Unique({ name: 'fund_flow_project_reference_unique', properties: ['project', 'reference'] })
@Index({ name: 'fund_flow_kind_occurred_on_index', properties: ['kind', 'occurredOn'] })
@Check({ name: 'fund_flow_amount_positive', expression: 'amount > 0' })
@ObjectType('FundFlow', { implements: Node, description: '资金流 Fund flow: money committed to or landed in a project on a date.' })
export class FundFlow extends RecordEntity {
  @ManyToOne(() => Project, { deleteRule: 'restrict' })
  project!: Project;

  @Field({
    description:
      '凭证号 Reference (voucher number): the flow’s stable key within its project, e.g. 记-2022-0612. Flows recorded without one have `<KIND>-<date>`, e.g. LANDED-2022-06-30.',
  })
  @Property({ type: 'text' })
  reference!: string;

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
