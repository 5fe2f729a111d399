import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { Area } from '../area/area.entity.js';
import { Node } from '../common/node.js';
import { RecordEntity } from '../common/record.entity.js';
import { LocalDateScalar } from '../common/scalars.js';
import { ProgrammeKind } from '../indicator/indicator.enums.js';

/** A programme or mechanism (计划/机制) of the district. Natural key: code. */
@Entity({ tableName: 'programme' })
@ObjectType('Programme', {
  implements: Node,
  description: '计划/机制 A programme, mechanism, pilot or policy package of the district, e.g. 人才飞地, 双孵化器, 岗位数据库.',
})
export class Programme extends RecordEntity {
  @Field({ description: '编码 Stable programme code, e.g. TALENT_ENCLAVE.' })
  @Property({ type: 'text', unique: true })
  code!: string;

  @Field({ description: '中文名称 Chinese name, e.g. 人才飞地.' })
  @Property({ type: 'text' })
  nameZh!: string;

  @Field({ description: '英文名称 English name, e.g. Talent enclave.' })
  @Property({ type: 'text' })
  nameEn!: string;

  @Field(() => ProgrammeKind, { description: '类型 Kind.' })
  @Enum({ items: () => ProgrammeKind })
  kind!: ProgrammeKind;

  @ManyToOne(() => Area, { nullable: true, deleteRule: 'restrict' })
  @Index()
  leadArea?: Area | null;

  @Field(() => String, { nullable: true, description: '牵头单位 Lead body when it is not an area, e.g. 区人力社保局.' })
  @Property({ type: 'text', nullable: true })
  leadBody?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '开始日期 Start date, when known.' })
  @Property({ type: 'date', nullable: true })
  startedOn?: string | null;
}

/** A policy document of a programme. Natural key: programme and title. */
@Entity({ tableName: 'programme_document' })
@Unique({ name: 'programme_document_title_unique', properties: ['programme', 'title'] })
@ObjectType('ProgrammeDocument', { description: '政策文件 A policy document of a programme.' })
export class ProgrammeDocument {
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Programme, { deleteRule: 'cascade' })
  programme!: Programme;

  @Field({ description: '标题 Title, e.g. 《杭州市余杭区“人才飞地”高层次人才一体化互认实施方案(试行)》.' })
  @Property({ type: 'text' })
  title!: string;

  @Field(() => LocalDateScalar, { nullable: true, description: '发布日期 Date issued, when known.' })
  @Property({ type: 'date', nullable: true })
  issuedOn?: string | null;

  @Field({ description: '来源 Provenance.' })
  @Property({ type: 'text' })
  source!: string;
}

/** A dated event of a programme (a selection, a ranking, a launch). Natural key: programme, date and title. */
@Entity({ tableName: 'programme_event' })
@Unique({ name: 'programme_event_unique', properties: ['programme', 'occurredOn', 'title'] })
@ObjectType('ProgrammeEvent', { description: '事件 A dated event of a programme, e.g. a selection as a pilot or a ranking.' })
export class ProgrammeEvent {
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Programme, { deleteRule: 'cascade' })
  programme!: Programme;

  @Field(() => LocalDateScalar, { description: '日期 Date of the event (the first of the month when only the month is known).' })
  @Property({ type: 'date' })
  occurredOn!: string;

  @Field({ description: '事件 What happened.' })
  @Property({ type: 'text' })
  title!: string;

  @Field({ description: '来源 Provenance.' })
  @Property({ type: 'text' })
  source!: string;
}
