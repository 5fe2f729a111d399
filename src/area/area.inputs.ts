import { Field, InputType, registerEnumType } from 'type-graphql';
import { AreaScopeInput } from '../common/area-scope.js';
import { OrderInput } from '../common/inputs.js';
import { AreaCodeScalar } from './area.code.js';
import { AreaKind, ScenicGrade } from './area.enums.js';

@InputType({ description: '区域筛选 Filter for areas; all given conditions must hold.' })
export class AreaFilter {
  @Field(() => [String], { nullable: true, description: '代码 Only these division codes.' })
  codes?: string[] | null;

  @Field(() => [AreaKind], { nullable: true, description: '类型 Only these kinds.' })
  kinds?: AreaKind[] | null;

  @Field(() => AreaScopeInput, {
    nullable: true,
    description:
      '区域范围 Only areas in this scope: `within` takes the areas themselves and everything under them; `mountain: true` the mountain towns and everything under them.',
  })
  area?: AreaScopeInput | null;

  @Field(() => String, {
    nullable: true,
    description: '范围 Only this area and everything under it (division code).',
    deprecationReason: 'Use `area: { within: [...] }` (same meaning, takes several codes).',
  })
  within?: string | null;

  @Field(() => String, { nullable: true, description: '上级 Only direct children of this area (division code).' })
  parentCode?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: '山区镇 Only areas flagged mountain, i.e. the mountain towns themselves (true), or only the areas not flagged (false).',
    deprecationReason:
      'Use `area: { mountain: ... }`, which means "in a mountain town or under one" as everywhere else: `kinds: [TOWN], area: { mountain: true }` gives the mountain towns.',
  })
  mountain?: boolean | null;

  @Field(() => [ScenicGrade], { nullable: true, description: '景区村庄等级 Only these scenic grades.' })
  scenicGrades?: ScenicGrade[] | null;

  @Field(() => String, { nullable: true, description: '名称包含 Name contains this text.' })
  nameContains?: string | null;
}

export enum AreaOrderField {
  CODE = 'CODE',
  NAME = 'NAME',
  KIND = 'KIND',
  CREATED_AT = 'CREATED_AT',
}
registerEnumType(AreaOrderField, {
  name: 'AreaOrderField',
  description: '区域排序字段 Sortable fields of areas.',
  valuesConfig: {
    CODE: { description: '代码 division code' },
    NAME: { description: '名称 name' },
    KIND: { description: '类型 kind' },
    CREATED_AT: { description: '创建时间 creation time' },
  },
});
export const AREA_ORDER_COLUMNS: Record<AreaOrderField, string> = { CODE: 'code', NAME: 'name', KIND: 'kind', CREATED_AT: 'created_at' };
export const AreaOrder = OrderInput<AreaOrderField>(AreaOrderField, 'Area', '区域');

@InputType({
  description:
    '区域输入 Fields of an area. On create, code, name, kind and source are required (parentCode for all but the district); on update, only given fields change.',
})
export class AreaInput {
  @Field(() => AreaCodeScalar, { nullable: true, description: '行政区划代码 Division code, 6–12 digits.' })
  code?: string | null;

  @Field(() => String, { nullable: true, description: '名称 Name.' })
  name?: string | null;

  @Field(() => AreaKind, { nullable: true, description: '类型 Kind.' })
  kind?: AreaKind | null;

  @Field(() => AreaCodeScalar, { nullable: true, description: '上级代码 Division code of the parent area.' })
  parentCode?: string | null;

  @Field(() => Boolean, { nullable: true, description: '山区镇 Mountain town (towns only).' })
  mountain?: boolean | null;

  @Field(() => ScenicGrade, { nullable: true, description: '景区村庄等级 Scenic grade (villages and communities only).' })
  scenicGrade?: ScenicGrade | null;

  @Field(() => String, { nullable: true, description: '来源 Provenance text.' })
  source?: string | null;
}
