import { registerEnumType } from 'type-graphql';

/** Level of an area in the district tree. */
export enum AreaKind {
  DISTRICT = 'DISTRICT',
  PLATFORM = 'PLATFORM',
  TOWN = 'TOWN',
  VILLAGE = 'VILLAGE',
  COMMUNITY = 'COMMUNITY',
}
registerEnumType(AreaKind, {
  name: 'AreaKind',
  description: '区域类型 Kind of area: district → platform | town → village | community.',
  valuesConfig: {
    DISTRICT: { description: '区 district (余杭区), root of the tree' },
    PLATFORM: { description: '平台 development platform (e.g. 杭州未来科技城, 良渚新城)' },
    TOWN: { description: '街道/镇 sub-district or town' },
    VILLAGE: { description: '行政村 administrative village' },
    COMMUNITY: { description: '社区 community' },
  },
});

/** Scenic-village grade (景区村庄). */
export enum ScenicGrade {
  NONE = 'NONE',
  GRADE_1A = 'GRADE_1A',
  GRADE_2A = 'GRADE_2A',
  GRADE_3A = 'GRADE_3A',
  GRADE_4A = 'GRADE_4A',
  GRADE_5A = 'GRADE_5A',
}
registerEnumType(ScenicGrade, {
  name: 'ScenicGrade',
  description: '景区村庄等级 Scenic-village grade of a village (1A–5A) or none.',
  valuesConfig: {
    NONE: { description: '无 not a graded scenic village' },
    GRADE_1A: { description: '1A级景区村庄 grade 1A' },
    GRADE_2A: { description: '2A级景区村庄 grade 2A' },
    GRADE_3A: { description: '3A级景区村庄 grade 3A' },
    GRADE_4A: { description: '4A级景区村庄 grade 4A' },
    GRADE_5A: { description: '5A级景区村庄 grade 5A' },
  },
});
