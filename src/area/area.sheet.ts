import { type SheetKind, type SheetSpec, SOURCE } from '../import/sheet-spec.js';
import { AREA_CODE } from './area.code.js';
import { AreaKind, ScenicGrade } from './area.enums.js';
import { areaFieldRules, areaKindChangeRules, areaShapeRules } from './area.rules.js';
import { AREA_ACCESS } from './area.rules.js';

export const AREA_KIND_VALUES = {
  DISTRICT: ['区', '县区', 'district'],
  PLATFORM: ['平台', 'platform'],
  TOWN: ['镇', '街道', '乡镇', '镇街', 'town'],
  VILLAGE: ['村', '行政村', 'village'],
  COMMUNITY: ['社区', 'community'],
};
export const SCENIC_VALUES = {
  NONE: ['无', '否', 'none'],
  GRADE_1A: ['1A', 'A', '1a'],
  GRADE_2A: ['2A', 'AA', '2a'],
  GRADE_3A: ['3A', 'AAA', '3a'],
  GRADE_4A: ['4A', 'AAAA', '4a'],
  GRADE_5A: ['5A', 'AAAAA', '5a'],
};

export const AREA_SHEET: SheetSpec = {
  name: 'areas',
  zh: '区域',
  key: ['code'],
  columns: [
    { key: 'code', zh: '行政区划代码', type: 'code', required: true, note: '行政区划代码 Division code, 6–12 digits, e.g. 330110109 (径山镇)', id: AREA_CODE },
    { key: 'name', zh: '名称', type: 'text', required: true, note: '名称 Name, e.g. 径山镇' },
    { key: 'kind', zh: '类型', type: 'enum', required: true, values: AREA_KIND_VALUES, note: '类型 Kind: 区, 平台, 镇/街道, 村, 社区' },
    {
      key: 'parent_code',
      zh: '上级代码',
      type: 'code',
      note: '上级代码 Division code of the parent area (empty only for the district), e.g. 330110',
      id: AREA_CODE,
      ref: 'area',
    },
    { key: 'mountain', zh: '山区镇', type: 'boolean', note: '山区镇 Mountain town? 是/否 (towns only); empty = 否' },
    {
      key: 'scenic_grade',
      zh: '景区村庄等级',
      type: 'enum',
      values: SCENIC_VALUES,
      note: '景区村庄等级 Scenic-village grade: 无, 1A–5A (villages only); empty = 无',
    },
    SOURCE,
  ],
};

/** Areas in a sheet: the same rules as createArea/updateArea (src/area/area.rules.ts). */
export const areaSheet: SheetKind = {
  spec: AREA_SHEET,
  provides: 'area',
  table: 'area',
  access: AREA_ACCESS,
  check({ values: v }, ctx) {
    const out = areaFieldRules({ name: v.name as string | null, source: v.source as string | null });
    const kind = v.kind as AreaKind | null;
    if (!kind) return out;
    const parentCode = v.parent_code as string | null;
    // An unknown parent is reported by the reference check; its kind is then not checked.
    const parentKind = parentCode ? ctx.area(parentCode)?.kind : null;
    out.push(...areaShapeRules({ kind, parentKind, mountain: v.mountain === true, scenicGrade: (v.scenic_grade as ScenicGrade | null) ?? ScenicGrade.NONE }));
    const before = v.code ? ctx.registeredArea(String(v.code)) : undefined;
    if (before) out.push(...areaKindChangeRules(before.kind, kind, before.children));
    return out;
  },
};
