import { Field, InputType, registerEnumType } from 'type-graphql';
import { AreaCodeScalar } from '../area/area.code.js';
import { AreaScopeInput } from '../common/area-scope.js';
import { DateRangeInput, OrderInput } from '../common/inputs.js';
import { LocalDateScalar, MoneyScalar } from '../common/scalars.js';
import { CreditCodeScalar } from '../enterprise/credit-code.js';
import { PairingCodeScalar } from '../pairing/pairing.code.js';
import { PairingScheme } from '../pairing/pairing.enums.js';
import { ProgrammeCodeScalar } from '../programme/programme.code.js';
import { ProjectCodeScalar } from './project.code.js';
import { InvestmentTier, Stage } from './project.enums.js';

@InputType({ description: '项目筛选 Filter for projects; all given conditions must hold.' })
export class ProjectFilter {
  @Field(() => [String], { nullable: true, description: '项目编号 Only these project codes.' })
  codes?: string[] | null;

  @Field(() => AreaScopeInput, { nullable: true, description: '区域范围 Only projects whose host area is in this scope.' })
  area?: AreaScopeInput | null;

  @Field(() => [String], {
    nullable: true,
    description: '所在区域 Hosted in any of these areas or anywhere under them (division codes).',
    deprecationReason: 'Use `area: { within: [...] }` (same meaning).',
  })
  hostAreaCodes?: string[] | null;

  @Field(() => [Stage], { nullable: true, description: '当前阶段 Current stage is one of these.' })
  stages?: Stage[] | null;

  @Field(() => Stage, { nullable: true, description: '已达阶段 Has reached this stage (whatever came after).' })
  reached?: Stage | null;

  @Field(() => InvestmentTier, { nullable: true, description: '投资规模不低于 Tier at least this (cumulative: YI_10 includes YI_50).' })
  tierAtLeast?: InvestmentTier | null;

  @Field(() => DateRangeInput, { nullable: true, description: '签约日期 Signing date within this range.' })
  signedOn?: DateRangeInput | null;

  @Field(() => DateRangeInput, { nullable: true, description: '落地日期 Landed (stage LANDED reached) within this range.' })
  landedOn?: DateRangeInput | null;

  @Field(() => [String], { nullable: true, description: '投资企业 Any of these enterprises invests (credit codes).' })
  investorCreditCodes?: string[] | null;

  @Field(() => [PairingScheme], { nullable: true, description: '结对机制 Signed under a pairing of one of these schemes.' })
  schemes?: PairingScheme[] | null;

  @Field(() => [String], { nullable: true, description: '结对编号 Signed under one of these pairings (codes).' })
  pairingCodes?: string[] | null;

  @Field(() => [String], { nullable: true, description: '行业 Sector is one of these.' })
  sectors?: string[] | null;

  @Field(() => String, { nullable: true, description: '名称包含 Name contains this text.' })
  nameContains?: string | null;
}

export enum ProjectOrderField {
  CODE = 'CODE',
  NAME = 'NAME',
  SIGNED_ON = 'SIGNED_ON',
  SIGNED_AMOUNT = 'SIGNED_AMOUNT',
  SECTOR = 'SECTOR',
  CREATED_AT = 'CREATED_AT',
}
registerEnumType(ProjectOrderField, {
  name: 'ProjectOrderField',
  description: '项目排序字段 Sortable fields of projects.',
  valuesConfig: {
    CODE: { description: '项目编号 code' },
    NAME: { description: '名称 name' },
    SIGNED_ON: { description: '签约日期 signing date' },
    SIGNED_AMOUNT: { description: '签约金额 signed amount' },
    SECTOR: { description: '行业 sector' },
    CREATED_AT: { description: '创建时间 creation time' },
  },
});
export const PROJECT_ORDER_COLUMNS: Record<ProjectOrderField, string> = {
  CODE: 'code',
  NAME: 'name',
  SIGNED_ON: 'signed_on',
  SIGNED_AMOUNT: 'signed_amount',
  SECTOR: 'sector',
  CREATED_AT: 'created_at',
};
export const ProjectOrder = OrderInput<ProjectOrderField>(ProjectOrderField, 'Project', '项目');

@InputType({ description: '阶段输入 A stage and the date it was reached.' })
export class ProjectStageInput {
  @Field(() => Stage, { description: '阶段 Stage.' })
  stage!: Stage;

  @Field(() => LocalDateScalar, { description: '日期 Date reached.' })
  reachedOn!: string;
}

@InputType({
  description:
    '项目输入 Fields of a project. On create, code, name, sector, hostAreaCode, signedAmount, signedOn and source are required; ' +
    'on update, only given fields change (lists given replace the old ones).',
})
export class ProjectInput {
  @Field(() => ProjectCodeScalar, { nullable: true, description: '项目编号 Stable code (natural key), up to 64 characters; stored upper-cased.' })
  code?: string | null;

  @Field(() => String, { nullable: true, description: '项目名称 Name.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: '行业 Sector.' })
  sector?: string | null;

  @Field(() => AreaCodeScalar, { nullable: true, description: '所在区域 Division code of the host area (a platform, town, village or community).' })
  hostAreaCode?: string | null;

  @Field(() => PairingCodeScalar, { nullable: true, description: '结对编号 Code of the pairing it was signed under; null to clear.' })
  pairingCode?: string | null;

  @Field(() => ProgrammeCodeScalar, {
    nullable: true,
    description: '计划 Code of the programme (计划/机制) it belongs to, e.g. LUNIAO_SIX_VILLAGES; null or blank clears it.',
  })
  programmeCode?: string | null;

  @Field(() => MoneyScalar, { nullable: true, description: '签约金额 Signed amount in yuan (the tier is derived from it).' })
  signedAmount?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '签约日期 Signing date.' })
  signedOn?: string | null;

  @Field(() => [CreditCodeScalar], { nullable: true, description: '投资企业 Credit codes of the investing enterprises (replaces the list).' })
  investorCreditCodes?: string[] | null;

  @Field(() => [ProjectStageInput], {
    nullable: true,
    description: '阶段 Stages reached with dates (replaces the list). On create, SIGNED at signedOn is added when missing.',
  })
  stages?: ProjectStageInput[] | null;

  @Field(() => String, { nullable: true, description: '来源 Provenance text.' })
  source?: string | null;
}
