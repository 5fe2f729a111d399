import { Field, InputType, registerEnumType } from 'type-graphql';
import { AreaKind, ScenicGrade } from '../area/area.enums.js';
import { AreaScopeInput } from '../common/area-scope.js';

/** What a collective-income summary can be grouped by. */
export enum CollectiveIncomeGrouping {
  TOWN_OR_PLATFORM = 'TOWN_OR_PLATFORM',
  PLATFORM = 'PLATFORM',
  TOWN = 'TOWN',
  VILLAGE = 'VILLAGE',
  MOUNTAIN = 'MOUNTAIN',
}
registerEnumType(CollectiveIncomeGrouping, {
  name: 'CollectiveIncomeGrouping',
  description: '村集体收入分组 A dimension to group village collective income by; at most one area level.',
  valuesConfig: {
    TOWN_OR_PLATFORM: { description: '街道/镇/平台 the area directly under the district a village lies in: its town, or its platform' },
    PLATFORM: { description: '平台 the platform a village lies in (null group for villages outside any platform)' },
    TOWN: { description: '街道/镇 the town a village lies in (null group for villages outside any town, e.g. under a platform)' },
    VILLAGE: { description: '村社 each village or community on its own' },
    MOUNTAIN: { description: '山区镇 whether the village lies in a mountain town' },
  },
});

/** Order of the groups of a collective-income summary. */
export enum CollectiveIncomeGroupOrder {
  KEY = 'KEY',
  TOTAL_DESC = 'TOTAL_DESC',
  TOTAL_ASC = 'TOTAL_ASC',
  CHANGE_DESC = 'CHANGE_DESC',
  CHANGE_ASC = 'CHANGE_ASC',
  GROWTH_DESC = 'GROWTH_DESC',
  GROWTH_ASC = 'GROWTH_ASC',
}
registerEnumType(CollectiveIncomeGroupOrder, {
  name: 'CollectiveIncomeGroupOrder',
  description: '村集体收入分组排序 Order of the groups; ties (and groups without a value) follow in key order.',
  valuesConfig: {
    KEY: { description: '按分组键 by the group keys (area code; mountain first)' },
    TOTAL_DESC: { description: '收入降序 largest operating income of the year first' },
    TOTAL_ASC: { description: '收入升序 smallest operating income of the year first' },
    CHANGE_DESC: { description: '增量降序 largest change on the previous year first (groups with nothing to compare last)' },
    CHANGE_ASC: { description: '增量升序 smallest change (largest fall) first (groups with nothing to compare last)' },
    GROWTH_DESC: { description: '增速降序 fastest growth first, e.g. the ten fastest-growing villages (groups without a rate last)' },
    GROWTH_ASC: { description: '增速升序 slowest growth first, e.g. the ten slowest-growing villages (groups without a rate last)' },
  },
});

@InputType('CollectiveIncomeSummaryFilter', { description: '村集体收入汇总筛选 Which villages and communities count; all given conditions must hold.' })
export class CollectiveIncomeSummaryFilter {
  @Field(() => AreaScopeInput, { nullable: true, description: '区域范围 Only villages and communities in this scope.' })
  area?: AreaScopeInput | null;

  @Field(() => [String], {
    nullable: true,
    description: '区域 Villages and communities in any of these areas or anywhere under them (division codes).',
    deprecationReason: 'Use `area: { within: [...] }` (same meaning).',
  })
  areaCodes?: string[] | null;

  @Field(() => [String], { nullable: true, description: '村社代码 Only these villages or communities (division codes).' })
  villageCodes?: string[] | null;

  @Field(() => [AreaKind], { nullable: true, description: '类型 Only villages (VILLAGE) or only communities (COMMUNITY); both by default.' })
  kinds?: AreaKind[] | null;

  @Field(() => [ScenicGrade], { nullable: true, description: '景区村庄等级 Only villages of these scenic grades.' })
  scenicGrades?: ScenicGrade[] | null;

  @Field(() => Boolean, {
    nullable: true,
    description: '山区镇 Only villages in a mountain town (true), or only the others (false).',
    deprecationReason: 'Use `area: { mountain: ... }` (same meaning).',
  })
  mountain?: boolean | null;
}
