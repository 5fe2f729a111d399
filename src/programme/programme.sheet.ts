import { AREA_CODE } from '../area/area.code.js';
import { type SheetKind, type SheetSpec, SOURCE } from '../import/sheet-spec.js';
import { PROGRAMME_CODE } from './programme.code.js';
import { PROGRAMME_ACCESS, programmeFieldRules, titledFieldRules } from './programme.rules.js';

export const PROGRAMME_KIND_VALUES = {
  PLAN: ['计划', '行动', '计划/行动', 'plan'],
  MECHANISM: ['机制', '模式', '机制/模式', 'mechanism'],
  PILOT: ['试点', '示范', '试点/示范', 'pilot'],
  PLATFORM: ['平台', 'platform'],
  POLICY: ['政策', 'policy'],
};

export const PROGRAMME_SHEET: SheetSpec = {
  name: 'programmes',
  zh: '计划',
  key: ['code'],
  columns: [
    { key: 'code', zh: '计划编码', type: 'code', required: true, note: '计划编码 Stable programme code, A–Z 0–9 _ -, e.g. TALENT_ENCLAVE', id: PROGRAMME_CODE },
    { key: 'name_zh', zh: '中文名称', type: 'text', required: true, note: '中文名称 Chinese name, e.g. 人才飞地' },
    { key: 'name_en', zh: '英文名称', type: 'text', required: true, note: '英文名称 English name, e.g. Talent enclave' },
    { key: 'kind', zh: '类型', type: 'enum', required: true, values: PROGRAMME_KIND_VALUES, note: '类型 Kind: 计划/行动, 机制/模式, 试点/示范, 平台, 政策' },
    {
      key: 'lead_area_code',
      zh: '牵头区域代码',
      type: 'code',
      note: '牵头区域代码 Division code of the lead area, e.g. 330110',
      id: AREA_CODE,
      ref: 'area',
      field: 'leadArea',
    },
    { key: 'lead_body', zh: '牵头单位', type: 'text', note: '牵头单位 Lead body when not an area, e.g. 区人力社保局' },
    { key: 'started_on', zh: '开始日期', type: 'date', note: '开始日期 Start date, when known' },
    SOURCE,
  ],
};

export const PROGRAMME_DOCUMENT_SHEET: SheetSpec = {
  name: 'programme_documents',
  zh: '政策文件',
  key: ['programme_code', 'title'],
  columns: [
    { key: 'programme_code', zh: '计划编码', type: 'code', required: true, note: '计划编码 Programme code', id: PROGRAMME_CODE, ref: 'programme' },
    { key: 'title', zh: '标题', type: 'text', required: true, note: '标题 Document title, e.g. 《余杭区农业领域人才类补助发放实施细则》' },
    { key: 'issued_on', zh: '发布日期', type: 'date', note: '发布日期 Date issued, when known' },
    SOURCE,
  ],
};

export const PROGRAMME_EVENT_SHEET: SheetSpec = {
  name: 'programme_events',
  zh: '计划事件',
  key: ['programme_code', 'occurred_on', 'title'],
  columns: [
    { key: 'programme_code', zh: '计划编码', type: 'code', required: true, note: '计划编码 Programme code', id: PROGRAMME_CODE, ref: 'programme' },
    { key: 'occurred_on', zh: '日期', type: 'date', required: true, note: '日期 Date of the event (the 1st when only the month is known), e.g. 2022-06-01' },
    { key: 'title', zh: '事件', type: 'text', required: true, note: '事件 What happened, e.g. 入选浙江省共同富裕示范区第二批试点' },
    SOURCE,
  ],
};

/** Programmes in a sheet: the same rules as createProgramme (src/programme/programme.rules.ts). */
export const programmeSheet: SheetKind = {
  spec: PROGRAMME_SHEET,
  provides: 'programme',
  table: 'programme',
  access: PROGRAMME_ACCESS,
  check: ({ values: v }) =>
    programmeFieldRules({
      nameZh: v.name_zh as string | null,
      nameEn: v.name_en as string | null,
      leadBody: v.lead_body as string | null,
      source: v.source as string | null,
    }),
};

/** A programme's documents, one per row. */
export const programmeDocumentSheet: SheetKind = {
  spec: PROGRAMME_DOCUMENT_SHEET,
  table: 'programme_document',
  access: PROGRAMME_ACCESS,
  check: ({ values: v }) => titledFieldRules('', { title: v.title as string | null, source: v.source as string | null }),
};

/** A programme's events, one per row. */
export const programmeEventSheet: SheetKind = {
  spec: PROGRAMME_EVENT_SHEET,
  table: 'programme_event',
  access: PROGRAMME_ACCESS,
  check: ({ values: v }) => titledFieldRules('', { title: v.title as string | null, source: v.source as string | null }),
};
