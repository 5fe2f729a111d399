import { Field, InputType, registerEnumType } from 'type-graphql';
import { PeriodInput } from './period.input.js';
import { ProjectScopeFilter, redeclareDeprecatedScope } from './project-scope.js';

/** What project tiers can be grouped by. */
export enum ProjectTiersGrouping {
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
  LANDED_YEAR = 'LANDED_YEAR',
  LANDED_QUARTER = 'LANDED_QUARTER',
  LANDED_MONTH = 'LANDED_MONTH',
}
registerEnumType(ProjectTiersGrouping, {
  name: 'ProjectTiersGrouping',
  description:
    '项目档次分组 A dimension to group project tiers by; combine several, but at most one area level. ' +
    'YEAR, QUARTER and MONTH use the signing date; LANDED_YEAR, LANDED_QUARTER and LANDED_MONTH the landing date.',
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
    YEAR: { description: '年度 the year of signing' },
    QUARTER: { description: '季度 the quarter of signing' },
    MONTH: { description: '月份 the month of signing' },
    LANDED_YEAR: { description: '落地年度 the year the project landed (reached LANDED); null group for projects that have not landed' },
    LANDED_QUARTER: { description: '落地季度 the quarter the project landed; null group for projects that have not landed' },
    LANDED_MONTH: { description: '落地月份 the month the project landed; null group for projects that have not landed' },
  },
});

/** Order of the groups of project tiers. */
export enum ProjectTiersGroupOrder {
  KEY = 'KEY',
  PROJECT_COUNT_DESC = 'PROJECT_COUNT_DESC',
  SIGNED_AMOUNT_DESC = 'SIGNED_AMOUNT_DESC',
}
registerEnumType(ProjectTiersGroupOrder, {
  name: 'ProjectTiersGroupOrder',
  description: '项目档次分组排序 Order of the groups; ties in group key order.',
  valuesConfig: {
    KEY: { description: '按分组键 by the group keys, in the order of `groupBy` (null keys last)' },
    PROJECT_COUNT_DESC: { description: '项目数降序 most projects first' },
    SIGNED_AMOUNT_DESC: { description: '签约金额降序 largest signed investment first' },
  },
});

/** Sort terms over grouped rows `g` of project tiers. */
export const PROJECT_TIERS_GROUP_ORDER: Record<ProjectTiersGroupOrder, string[]> = {
  KEY: [],
  PROJECT_COUNT_DESC: ['g.projects desc'],
  SIGNED_AMOUNT_DESC: ['g.total::numeric desc'],
};

@InputType('ProjectTiersFilter', { description: '项目档次筛选 Which projects to count; all given conditions must hold.' })
export class ProjectTiersFilter extends ProjectScopeFilter {
  @Field(() => PeriodInput, { nullable: true, description: '签约期间 Only projects signed within this period.' })
  signed?: PeriodInput | null;

  @Field(() => PeriodInput, {
    nullable: true,
    description:
      '落地期间 Only projects that landed (reached stage LANDED) within this period, whatever their stage now (cancelled ones too with includeCancelled); `{}` for landed at any time.',
  })
  landed?: PeriodInput | null;

  @Field(() => Boolean, {
    defaultValue: false,
    description:
      '含已取消项目 Count cancelled projects (stage CANCELLED) too. Default false: a cancelled project is no longer a signed project ' +
      'of its tier, so planners’ counts of signed projects leave it out. `stages: [CANCELLED]` asks for them explicitly and includes them.',
  })
  includeCancelled?: boolean;
}
redeclareDeprecatedScope(ProjectTiersFilter);
