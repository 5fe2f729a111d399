import { Field, InputType, registerEnumType } from 'type-graphql';
import { PeriodInput } from './period.input.js';
import { ProjectScopeFilter } from './project-scope.js';

/** What project tiers can be grouped by. */
export enum ProjectTiersGrouping {
  PLATFORM = 'PLATFORM',
  TOWN = 'TOWN',
  VILLAGE = 'VILLAGE',
  MOUNTAIN = 'MOUNTAIN',
  SCHEME = 'SCHEME',
  PAIRING = 'PAIRING',
  INVESTOR = 'INVESTOR',
  SECTOR = 'SECTOR',
  YEAR = 'YEAR',
  QUARTER = 'QUARTER',
  MONTH = 'MONTH',
}
registerEnumType(ProjectTiersGrouping, {
  name: 'ProjectTiersGrouping',
  description: '项目档次分组 A dimension to group project tiers by; combine several, but at most one area level. Time dimensions use the signing date.',
  valuesConfig: {
    PLATFORM: { description: '平台 the platform the host area lies in (null group for hosts outside any platform)' },
    TOWN: { description: '街道/镇 the town the host area lies in (null group for hosts outside any town, e.g. a platform)' },
    VILLAGE: { description: '村社 the village or community the host area is or lies in (null group for projects hosted above village level)' },
    MOUNTAIN: { description: '山区镇 whether the host lies in a mountain town' },
    SCHEME: { description: '结对机制 the scheme of the pairing the project was signed under' },
    PAIRING: { description: '结对 the pairing the project was signed under' },
    INVESTOR: { description: '投资企业 each investing enterprise (a project with several investors counts in full for each)' },
    SECTOR: { description: '行业 the project sector' },
    YEAR: { description: '年度 the year of signing' },
    QUARTER: { description: '季度 the quarter of signing' },
    MONTH: { description: '月份 the month of signing' },
  },
});

@InputType('ProjectTiersFilter', { description: '项目档次筛选 Which projects to count; all given conditions must hold.' })
export class ProjectTiersFilter extends ProjectScopeFilter {
  @Field(() => PeriodInput, { nullable: true, description: '签约期间 Only projects signed within this period.' })
  signed?: PeriodInput | null;

  @Field(() => PeriodInput, {
    nullable: true,
    description: '落地期间 Only projects that landed (reached stage LANDED) within this period, whatever their stage now; `{}` for landed at any time.',
  })
  landed?: PeriodInput | null;
}
