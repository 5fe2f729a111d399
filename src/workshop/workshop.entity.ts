import { Check, Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Area } from '../area/area.entity.js';
import { Node } from '../common/node.js';
import { RecordEntity } from '../common/record.entity.js';
import { LocalDateScalar } from '../common/scalars.js';
import { Enterprise } from '../enterprise/enterprise.entity.js';
import { Programme } from '../programme/programme.entity.js';

/** The six official types of common-prosperity workshop. */
export enum WorkshopType {
  PROCESSING = 'PROCESSING',
  TARGETED_HIRING = 'TARGETED_HIRING',
  LIVE_COMMERCE = 'LIVE_COMMERCE',
  AGRI_TOURISM = 'AGRI_TOURISM',
  BRAND_LED = 'BRAND_LED',
  INDUSTRY_EMPOWERMENT = 'INDUSTRY_EMPOWERMENT',
}
registerEnumType(WorkshopType, {
  name: 'WorkshopType',
  description: '共富工坊类型 Type of common-prosperity workshop (the six official types).',
  valuesConfig: {
    PROCESSING: { description: '来料加工 processing of supplied materials' },
    TARGETED_HIRING: { description: '定向招工 targeted hiring' },
    LIVE_COMMERCE: { description: '电商直播 e-commerce live streaming' },
    AGRI_TOURISM: { description: '农旅融合 agriculture–tourism integration' },
    BRAND_LED: { description: '品牌带动 brand-led' },
    INDUSTRY_EMPOWERMENT: { description: '产业赋能 industry empowerment' },
  },
});

/** A common-prosperity workshop (共富工坊). Natural key: village and name. */
@Entity({ tableName: 'workshop' })
@Unique({ name: 'workshop_village_name_unique', properties: ['village', 'name'] })
@Check({ name: 'workshop_jobs_nonnegative', expression: 'jobs_created >= 0 AND low_income_jobs >= 0' })
@Check({ name: 'workshop_low_income_within_jobs', expression: 'low_income_jobs <= jobs_created' })
@Check({ name: 'workshop_income_gain_nonnegative', expression: 'income_gain_per_person IS NULL OR income_gain_per_person >= 0' })
@ObjectType('Workshop', { implements: Node, description: '共富工坊 Common-prosperity workshop set up by a village with an enterprise.' })
export class Workshop extends RecordEntity {
  @Field({ description: '名称 Name, e.g. 村团长.' })
  @Property({ type: 'text' })
  name!: string;

  @Field(() => WorkshopType, { description: '类型 Type.' })
  @Enum({ items: () => WorkshopType })
  type!: WorkshopType;

  @ManyToOne(() => Area, { deleteRule: 'restrict' })
  village!: Area;

  @ManyToOne(() => Enterprise, { nullable: true, deleteRule: 'restrict' })
  @Index()
  hostEnterprise?: Enterprise | null;

  /** The programme (计划/机制) this record belongs to, if any; `programme` on the GraphQL type. */
  @ManyToOne(() => Programme, { nullable: true, deleteRule: 'restrict' })
  @Index()
  programme?: Programme | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '开办日期 Opening date.' })
  @Property({ type: 'date', nullable: true })
  openedOn?: string | null;

  @Field(() => Int, { description: '带动就业人数 Jobs created (people employed).' })
  @Property({ type: 'integer', default: 0 })
  jobsCreated: number = 0;

  @Field(() => Int, { description: '其中低收入群体 Of the jobs created, held by low-income people.' })
  @Property({ type: 'integer', default: 0 })
  lowIncomeJobs: number = 0;

  /** 人均年增收, exact decimal yuan per person per year. */
  @Property({ type: 'decimal', precision: 20, scale: 2, nullable: true })
  incomeGainPerPerson?: string | null;
}
