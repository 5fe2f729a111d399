import { Check, Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { Area } from '../area/area.entity.js';
import { Node } from '../common/node.js';
import { RecordEntity } from '../common/record.entity.js';
import { LocalDateScalar } from '../common/scalars.js';
import { Enterprise } from '../enterprise/enterprise.entity.js';
import { Pairing } from '../pairing/pairing.entity.js';
import { Programme } from '../programme/programme.entity.js';
import { Stage } from './project.enums.js';

/** A signed investment project, keyed by its stable code. */
@Entity({ tableName: 'project' })
@Check({ name: 'project_signed_amount_nonnegative', expression: 'signed_amount >= 0' })
@ObjectType('Project', { implements: Node, description: '签约项目 Signed investment project.' })
export class Project extends RecordEntity {
  @Field({ description: '项目编号 Stable project code (natural key).' })
  @Property({ type: 'string', length: 64, unique: true })
  code!: string;

  @Field({ description: '项目名称 Name.' })
  @Property({ type: 'text' })
  name!: string;

  @Field({ description: '行业 Sector, e.g. 数字经济, 文旅, 生命科技.' })
  @Property({ type: 'text' })
  sector!: string;

  @ManyToOne(() => Area, { deleteRule: 'restrict' })
  host!: Area;

  @ManyToOne(() => Pairing, { nullable: true, deleteRule: 'restrict' })
  pairing?: Pairing | null;

  /** The programme (计划/机制) this record belongs to, if any; `programme` on the GraphQL type. */
  @ManyToOne(() => Programme, { nullable: true, deleteRule: 'restrict' })
  @Index()
  programme?: Programme | null;

  /** Exact decimal yuan. */
  @Property({ type: 'decimal', precision: 20, scale: 2 })
  signedAmount!: string;

  @Field(() => LocalDateScalar, { description: '签约日期 Signing date.' })
  @Property({ type: 'date' })
  signedOn!: string;
}

/** The date a project reached one stage. One row per project and stage. */
@Entity({ tableName: 'project_stage' })
@Unique({ name: 'project_stage_project_stage_unique', properties: ['project', 'stage'] })
@Index({ name: 'project_stage_stage_reached_on_index', properties: ['stage', 'reachedOn'] })
@ObjectType('ProjectStage', { description: '项目阶段记录 The date a project reached a stage.' })
export class ProjectStage {
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Project, { deleteRule: 'cascade' })
  project!: Project;

  @Field(() => Stage, { description: '阶段 Stage reached.' })
  @Enum({ items: () => Stage })
  stage!: Stage;

  @Field(() => LocalDateScalar, { description: '日期 Date the stage was reached.' })
  @Property({ type: 'date' })
  reachedOn!: string;
}

/** An enterprise investing in a project. */
@Entity({ tableName: 'project_investor' })
@Unique({ name: 'project_investor_unique', properties: ['project', 'enterprise'] })
export class ProjectInvestor {
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Project, { deleteRule: 'cascade' })
  project!: Project;

  @ManyToOne(() => Enterprise, { deleteRule: 'restrict' })
  @Index()
  enterprise!: Enterprise;
}
