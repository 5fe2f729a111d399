import { Field, InputType, registerEnumType } from 'type-graphql';
import { PeriodInput } from './period.input.js';
import { ProjectScopeFilter, redeclareDeprecatedScope } from './project-scope.js';

/** What funds landed can be grouped by. */
export enum FundsLandedGrouping {
  TOWN_OR_PLATFORM = 'TOWN_OR_PLATFORM',
  PLATFORM = 'PLATFORM',
  TOWN = 'TOWN',
  VILLAGE = 'VILLAGE',
  MOUNTAIN = 'MOUNTAIN',
  SCHEME = 'SCHEME',
  PAIRING = 'PAIRING',
  PROJECT = 'PROJECT',
  INVESTOR = 'INVESTOR',
  SECTOR = 'SECTOR',
  YEAR = 'YEAR',
  QUARTER = 'QUARTER',
  MONTH = 'MONTH',
}
registerEnumType(FundsLandedGrouping, {
  name: 'FundsLandedGrouping',
  description: '落地资金分组 A dimension to group funds landed by; combine several, but at most one area level.',
  valuesConfig: {
    TOWN_OR_PLATFORM: {
      description: '街道/镇/平台 the area directly under the district the host lies in: its town, or its platform (so platform projects get their own groups)',
    },
    PLATFORM: { description: '平台 the platform the host area lies in (null group for hosts outside any platform)' },
    TOWN: { description: '街道/镇 the town the host area lies in (null group for hosts outside any town, e.g. a platform)' },
    VILLAGE: { description: '村社 the village or community the host area is or lies in (null group for projects hosted above village level)' },
    MOUNTAIN: { description: '山区镇 whether the host lies in a mountain town' },
    SCHEME: { description: '结对机制 the scheme of the pairing the project was signed under' },
    PAIRING: { description: '结对 the pairing the project was signed under' },
    PROJECT: { description: '项目 each project' },
    INVESTOR: { description: '投资企业 each investing enterprise (a project with several investors counts in full for each)' },
    SECTOR: { description: '行业 the project sector' },
    YEAR: { description: '年度 the year the funds landed' },
    QUARTER: { description: '季度 the quarter the funds landed' },
    MONTH: { description: '月份 the month the funds landed' },
  },
});

/** Order of the groups of funds landed. */
export enum FundsLandedGroupOrder {
  KEY = 'KEY',
  TOTAL_DESC = 'TOTAL_DESC',
  TOTAL_ASC = 'TOTAL_ASC',
  PROJECT_COUNT_DESC = 'PROJECT_COUNT_DESC',
}
registerEnumType(FundsLandedGroupOrder, {
  name: 'FundsLandedGroupOrder',
  description: '落地资金分组排序 Order of the groups; ties in group key order.',
  valuesConfig: {
    KEY: { description: '按分组键 by the group keys, in the order of `groupBy` (null keys last)' },
    TOTAL_DESC: { description: '落地资金降序 most funds landed first, e.g. the ten largest investors or projects' },
    TOTAL_ASC: { description: '落地资金升序 least funds landed first' },
    PROJECT_COUNT_DESC: { description: '项目数降序 most projects first' },
  },
});

/** Sort terms over grouped rows `g` of funds landed. */
export const FUNDS_LANDED_GROUP_ORDER: Record<FundsLandedGroupOrder, string[]> = {
  KEY: [],
  TOTAL_DESC: ['g.total::numeric desc'],
  TOTAL_ASC: ['g.total::numeric asc'],
  PROJECT_COUNT_DESC: ['g.projects desc'],
};

@InputType('FundsLandedFilter', { description: '落地资金筛选 Which landed fund flows to sum; all given conditions must hold.' })
export class FundsLandedFilter extends ProjectScopeFilter {
  @Field(() => PeriodInput, { nullable: true, description: '期间 Only funds that landed within this period (by the day of the fund flow).' })
  period?: PeriodInput | null;
}
redeclareDeprecatedScope(FundsLandedFilter);
