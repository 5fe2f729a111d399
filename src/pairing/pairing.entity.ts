import { Check, Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { Area } from '../area/area.entity.js';
import { Node } from '../common/node.js';
import { RecordEntity } from '../common/record.entity.js';
import { LocalDateScalar } from '../common/scalars.js';
import { Enterprise } from '../enterprise/enterprise.entity.js';
import { Programme } from '../programme/programme.entity.js';
import { PairingScheme } from './pairing.enums.js';

/**
 * A pairing between a lead party and a partner party, each an area or an enterprise.
 * Natural key: `code` (e.g. `CM-330110109` for 未来科技城 × 径山镇).
 */
@Entity({ tableName: 'pairing' })
@Check({ name: 'pairing_one_lead', expression: 'num_nonnulls(lead_area_id, lead_enterprise_id) = 1' })
@Check({ name: 'pairing_one_partner', expression: 'num_nonnulls(partner_area_id, partner_enterprise_id) = 1' })
@Check({ name: 'pairing_dates_ordered', expression: 'end_date IS NULL OR end_date >= start_date' })
@ObjectType('Pairing', { implements: Node, description: '结对 Pairing: a collaboration between a lead party and a partner party under a scheme.' })
export class Pairing extends RecordEntity {
  @Field({ description: '结对编号 Pairing code (natural key), e.g. "CM-330110109".' })
  @Property({ type: 'string', length: 64, unique: true })
  code!: string;

  @Field(() => PairingScheme, { description: '结对机制 Scheme.' })
  @Enum({ items: () => PairingScheme })
  scheme!: PairingScheme;

  @ManyToOne(() => Area, { nullable: true, deleteRule: 'restrict' })
  @Index()
  leadArea?: Area | null;

  @ManyToOne(() => Enterprise, { nullable: true, deleteRule: 'restrict' })
  @Index()
  leadEnterprise?: Enterprise | null;

  @ManyToOne(() => Area, { nullable: true, deleteRule: 'restrict' })
  @Index()
  partnerArea?: Area | null;

  @ManyToOne(() => Enterprise, { nullable: true, deleteRule: 'restrict' })
  @Index()
  partnerEnterprise?: Enterprise | null;

  /** The programme (计划/机制) this record belongs to, if any; `programme` on the GraphQL type. */
  @ManyToOne(() => Programme, { nullable: true, deleteRule: 'restrict' })
  @Index()
  programme?: Programme | null;

  @Field(() => LocalDateScalar, { description: '开始日期 Start date.' })
  @Property({ type: 'date' })
  startDate!: string;

  @Field(() => LocalDateScalar, { nullable: true, description: '结束日期 End date; null while the pairing is active.' })
  @Property({ type: 'date', nullable: true })
  endDate?: string | null;

  @Field(() => String, { nullable: true, description: '备注 Note.' })
  @Property({ type: 'text', nullable: true })
  note?: string | null;
}
