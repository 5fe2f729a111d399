import { Field, InputType, Int, registerEnumType } from 'type-graphql';
import { AreaCodeScalar } from '../area/area.code.js';
import { AreaScopeInput } from '../common/area-scope.js';
import { DateRangeInput, OrderInput } from '../common/inputs.js';
import { LocalDateScalar, MoneyScalar } from '../common/scalars.js';
import { CreditCodeScalar } from '../enterprise/credit-code.js';
import { ProgrammeCodeScalar } from '../programme/programme.code.js';
import { WorkshopType } from './workshop.entity.js';

/** Filter of the `workshops` list. */
@InputType({ description: '共富工坊筛选 Filter for workshops; all given conditions must hold.' })
export class WorkshopFilter {
  @Field(() => AreaScopeInput, { nullable: true, description: '区域范围 Only workshops whose village is in this scope.' })
  area?: AreaScopeInput | null;

  @Field(() => String, {
    nullable: true,
    description: '范围 Only workshops of villages in this area or anywhere under it (division code, e.g. a town).',
    deprecationReason: 'Use `area: { within: [...] }` (same meaning, takes several codes).',
  })
  within?: string | null;

  @Field(() => [WorkshopType], { nullable: true, description: '类型 Only these workshop types.' })
  types?: WorkshopType[] | null;

  @Field(() => String, { nullable: true, description: '主办企业 Only workshops hosted by the enterprise with this unified social credit code.' })
  hostEnterpriseCreditCode?: string | null;

  @Field(() => DateRangeInput, {
    nullable: true,
    description: '开办日期 Only workshops opened within this date range (workshops without an opening date never match).',
  })
  openedOn?: DateRangeInput | null;

  @Field(() => String, { nullable: true, description: '名称包含 Name contains this text.' })
  nameContains?: string | null;
}

/** Sortable fields of the `workshops` list. */
export enum WorkshopOrderField {
  NAME = 'NAME',
  TYPE = 'TYPE',
  OPENED_ON = 'OPENED_ON',
  JOBS_CREATED = 'JOBS_CREATED',
  INCOME_GAIN_PER_PERSON = 'INCOME_GAIN_PER_PERSON',
  CREATED_AT = 'CREATED_AT',
}
registerEnumType(WorkshopOrderField, {
  name: 'WorkshopOrderField',
  description: '共富工坊排序字段 Sortable fields of workshops.',
  valuesConfig: {
    NAME: { description: '名称 name' },
    TYPE: { description: '类型 type' },
    OPENED_ON: { description: '开办日期 opening date' },
    JOBS_CREATED: { description: '带动就业人数 jobs created' },
    INCOME_GAIN_PER_PERSON: { description: '人均年增收 income gain per person per year' },
    CREATED_AT: { description: '创建时间 creation time' },
  },
});
/** Column of the workshop table behind each sort field. */
export const WORKSHOP_ORDER_COLUMNS: Record<WorkshopOrderField, string> = {
  NAME: 'name',
  TYPE: 'type',
  OPENED_ON: 'opened_on',
  JOBS_CREATED: 'jobs_created',
  INCOME_GAIN_PER_PERSON: 'income_gain_per_person',
  CREATED_AT: 'created_at',
};
/** `WorkshopOrder { field, direction }`: one sort key. */
export const WorkshopOrder = OrderInput<WorkshopOrderField>(WorkshopOrderField, 'Workshop', '共富工坊');

/** Natural key of a workshop (village code + name), for lookups, updates and deletes. */
@InputType({ description: '共富工坊键 Natural key of a workshop: its village and its name.' })
export class WorkshopKeyInput {
  @Field(() => AreaCodeScalar, { description: '村社代码 Division code of the workshop’s village or community.' })
  villageCode!: string;

  @Field({ description: '名称 Name of the workshop.' })
  name!: string;
}

/** Fields of a workshop for create (required ones enforced by the service) and update (partial). */
@InputType({
  description:
    '共富工坊输入 Fields of a workshop. On create, name, type, villageCode and source are required; ' +
    'on update, only given fields change (null clears an optional field).',
})
export class WorkshopInput {
  @Field(() => String, { nullable: true, description: '名称 Name, unique within its village, e.g. 村团长.' })
  name?: string | null;

  @Field(() => WorkshopType, { nullable: true, description: '类型 Type.' })
  type?: WorkshopType | null;

  @Field(() => AreaCodeScalar, { nullable: true, description: '村社代码 Division code of the village (行政村) or community (社区) that set it up.' })
  villageCode?: string | null;

  @Field(() => CreditCodeScalar, { nullable: true, description: '主办企业信用代码 Unified social credit code of the host enterprise; null removes it.' })
  hostEnterpriseCreditCode?: string | null;

  @Field(() => ProgrammeCodeScalar, {
    nullable: true,
    description: '计划 Code of the programme (计划/机制) it belongs to, e.g. LUNIAO_SIX_VILLAGES; null or blank clears it.',
  })
  programmeCode?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '开办日期 Opening date; null clears it.' })
  openedOn?: string | null;

  @Field(() => Int, { nullable: true, description: '带动就业人数 Jobs created, ≥ 0 (default 0).' })
  jobsCreated?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: '其中低收入群体 Of the jobs created, held by low-income people: 0 ≤ lowIncomeJobs ≤ jobsCreated (default 0).',
  })
  lowIncomeJobs?: number | null;

  @Field(() => MoneyScalar, { nullable: true, description: '人均年增收 Income gain per person per year in yuan, ≥ 0; null clears it.' })
  incomeGainPerPerson?: string | null;

  @Field(() => String, { nullable: true, description: '来源 Provenance text.' })
  source?: string | null;
}
