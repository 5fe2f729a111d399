import { AREA_CODE } from '../area/area.code.js';
import { areaKindRule, VILLAGE_KINDS } from '../area/area.rules.js';
import { CREDIT_CODE } from '../enterprise/credit-code.js';
import { type SheetKind, type SheetSpec, SOURCE } from '../import/sheet-spec.js';
import { PROGRAMME_CODE } from '../programme/programme.code.js';
import { workshopFieldRules, workshopJobsRule } from './workshop.rules.js';
import { WORKSHOP_ACCESS } from './workshop.rules.js';

export const WORKSHOP_TYPE_VALUES = {
  PROCESSING: ['来料加工', 'processing'],
  TARGETED_HIRING: ['定向招工', 'targeted-hiring'],
  LIVE_COMMERCE: ['电商直播', 'live-commerce'],
  AGRI_TOURISM: ['农旅融合', 'agri-tourism'],
  BRAND_LED: ['品牌带动', 'brand-led'],
  INDUSTRY_EMPOWERMENT: ['产业赋能', 'industry-empowerment'],
};

export const WORKSHOP_SHEET: SheetSpec = {
  name: 'workshops',
  zh: '共富工坊',
  key: ['village_code', 'name'],
  columns: [
    { key: 'village_code', zh: '村代码', type: 'code', required: true, note: '村代码 Division code of the village or community', id: AREA_CODE, ref: 'area' },
    { key: 'name', zh: '名称', type: 'text', required: true, note: '名称 Workshop name, e.g. 村团长' },
    {
      key: 'type',
      zh: '类型',
      type: 'enum',
      required: true,
      values: WORKSHOP_TYPE_VALUES,
      note: '类型 Type: 来料加工, 定向招工, 电商直播, 农旅融合, 品牌带动, 产业赋能',
    },
    {
      key: 'host_credit_code',
      zh: '合作企业信用代码',
      type: 'code',
      note: '合作企业信用代码 Credit code of the host enterprise',
      id: CREDIT_CODE,
      ref: 'enterprise',
      field: 'hostEnterpriseCreditCode',
    },
    { key: 'opened_on', zh: '开办日期', type: 'date', note: '开办日期 Opening date' },
    { key: 'jobs_created', zh: '带动就业人数', type: 'integer', note: '带动就业人数 People employed; empty = 0' },
    { key: 'low_income_jobs', zh: '其中低收入人数', type: 'integer', note: '其中低收入人数 Of whom low-income; empty = 0' },
    {
      key: 'income_gain_per_person',
      zh: '人均年增收',
      type: 'money',
      note: '人均年增收 Income gain per person per year, 元 unless the header says 万元, e.g. 15000',
    },
    SOURCE,
    {
      key: 'programme_code',
      zh: '计划编码',
      type: 'code',
      note: '计划编码 Code of the programme (计划/机制) it belongs to, if any, e.g. LUNIAO_SIX_VILLAGES',
      id: PROGRAMME_CODE,
      ref: 'programme',
    },
  ],
};

/** Workshops in a sheet: the same rules as createWorkshop (src/workshop/workshop.rules.ts); empty head counts are 0. */
export const workshopSheet: SheetKind = {
  spec: WORKSHOP_SHEET,
  table: 'workshop',
  access: WORKSHOP_ACCESS,
  check({ values: v }, ctx) {
    const village = v.village_code ? ctx.area(String(v.village_code)) : undefined;
    const jobs = (v.jobs_created as number | null) ?? 0;
    const low = (v.low_income_jobs as number | null) ?? 0;
    const out = workshopFieldRules({
      name: v.name as string | null,
      source: v.source as string | null,
      jobsCreated: jobs,
      lowIncomeJobs: low,
      incomeGainPerPerson: v.income_gain_per_person as string | null,
    });
    if (!out.some((p) => p.field === 'jobsCreated' || p.field === 'lowIncomeJobs')) out.push(...workshopJobsRule(jobs, low));
    return [...(village ? areaKindRule('villageCode', village.kind, VILLAGE_KINDS) : []), ...out];
  },
};
