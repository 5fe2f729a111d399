import { Check, Entity, Enum, ManyToOne, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { Node } from '../common/node.js';
import { RecordEntity } from '../common/record.entity.js';
import { AreaKind, ScenicGrade } from './area.enums.js';

/** A node of the district's area tree, keyed by its statistical division code. */
@Entity({ tableName: 'area' })
@Check({ name: 'area_code_digits', expression: "code ~ '^[0-9]{6,12}$'" })
@Check({ name: 'area_mountain_is_town', expression: "mountain = false OR kind = 'TOWN'" })
@Check({ name: 'area_scenic_is_village', expression: "scenic_grade = 'NONE' OR kind IN ('VILLAGE', 'COMMUNITY')" })
@Check({ name: 'area_parent_required', expression: "kind = 'DISTRICT' OR parent_id IS NOT NULL" })
@ObjectType('Area', {
  implements: Node,
  description: '区域 Area: the district, a platform, a town (街道/镇), a village (行政村) or a community (社区).',
})
export class Area extends RecordEntity {
  @Field({ description: '行政区划代码 Statistical division code (natural key): 12 digits for a village, 9 for a town, 6 for the district.' })
  @Property({ type: 'string', length: 12, unique: true })
  code!: string;

  @Field({ description: '名称 Name, e.g. 径山镇.' })
  @Property({ type: 'text' })
  name!: string;

  @Field(() => AreaKind, { description: '类型 Kind of area.' })
  @Enum({ items: () => AreaKind })
  kind!: AreaKind;

  @ManyToOne(() => Area, { nullable: true, deleteRule: 'restrict', updateRule: 'cascade' })
  parent?: Area | null;

  @Field({ description: '山区镇 Whether this town is one of the mountain towns (山区五镇).' })
  @Property({ type: 'boolean', default: false })
  mountain: boolean = false;

  @Field(() => ScenicGrade, { description: '景区村庄等级 Scenic-village grade (villages only).' })
  @Enum({ items: () => ScenicGrade, default: ScenicGrade.NONE })
  scenicGrade: ScenicGrade = ScenicGrade.NONE;
}
