import { Field, InputType, registerEnumType } from 'type-graphql';
import { PeriodInput } from './period.input.js';
import { ProjectScopeFilter, redeclareDeprecatedScope } from './project-scope.js';

/** What committed and landed funds can be grouped by. */
export enum FundsGrouping {
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
registerEnumType(FundsGrouping, {
  name: 'FundsGrouping',
  description: '资金分组 A dimension to group committed and landed funds by; combine several, but at most one area level.',
  valuesConfig: {
    TOWN_OR_PLATFORM: { description: '街道/镇/平台 the area directly under the district the host lies in: its town, or its platform' },
    PLATFORM: { description: '平台 the platform the host area lies in (null group for hosts outside any platform)' },
    TOWN: { description: '街道/镇 the town the host area lies in (null group for hosts outside any town, e.g. a platform)' },
    VILLAGE: { description: '村社 the village or community the host area is or lies in (null group for projects hosted above village level)' },
    MOUNTAIN: { description: '山区镇 whether the host lies in a mountain town' },
    SCHEME: { description: '结对机制 the scheme of the pairing the project was signed under' },
    PAIRING: { description: '结对 the pairing the project was signed under' },
    PROJECT: { description: '项目 each project' },
    INVESTOR: { description: '投资企业 each investing enterprise (a project with several investors counts in full for each)' },
    SECTOR: { description: '行业 the project sector' },
    YEAR: { description: '年度 the year of the fund flow (a commitment and a landing may fall in different years)' },
    QUARTER: { description: '季度 the quarter of the fund flow' },
    MONTH: { description: '月份 the month of the fund flow' },
  },
});

/** Order of the groups of committed and landed funds. */
export enum FundsGroupOrder {
  KEY = 'KEY',
  COMMITTED_DESC = 'COMMITTED_DESC',
  LANDED_DESC = 'LANDED_DESC',
  LANDED_SHARE_DESC = 'LANDED_SHARE_DESC',
  LANDED_SHARE_ASC = 'LANDED_SHARE_ASC',
}
registerEnumType(FundsGroupOrder, {
  name: 'FundsGroupOrder',
  description: '资金分组排序 Order of the groups; ties in group key order.',
  valuesConfig: {
    KEY: { description: '按分组键 by the group keys, in the order of `groupBy` (null keys last)' },
    COMMITTED_DESC: { description: '承诺资金降序 most funds committed first' },
    LANDED_DESC: { description: '落地资金降序 most funds landed first' },
    LANDED_SHARE_DESC: { description: '到位率降序 highest share landed first (groups without commitments last)' },
    LANDED_SHARE_ASC: { description: '到位率升序 lowest share landed first, e.g. the pairings that lag (groups without commitments last)' },
  },
});

const SHARE = 'g.landed::numeric / nullif(g.committed::numeric, 0)';

/** Sort terms over grouped rows `g` of committed and landed funds. */
export const FUNDS_GROUP_ORDER: Record<FundsGroupOrder, string[]> = {
  KEY: [],
  COMMITTED_DESC: ['g.committed::numeric desc'],
  LANDED_DESC: ['g.landed::numeric desc'],
  LANDED_SHARE_DESC: [`${SHARE} desc nulls last`],
  LANDED_SHARE_ASC: [`${SHARE} asc nulls last`],
};

@InputType('FundsFilter', { description: '资金筛选 Which fund flows (commitments and landings) to sum; all given conditions must hold.' })
export class FundsFilter extends ProjectScopeFilter {
  @Field(() => PeriodInput, {
    nullable: true,
    description: '期间 Only fund flows dated within this period (commitments and landings alike, by the day of the flow).',
  })
  period?: PeriodInput | null;

  @Field(() => PeriodInput, {
    nullable: true,
    description: '签约期间 Only flows of projects signed within this period (e.g. what has landed of the commitments of projects signed in 2022).',
  })
  signed?: PeriodInput | null;
}
redeclareDeprecatedScope(FundsFilter);
