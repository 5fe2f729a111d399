import { AREA_CODE } from '../area/area.code.js';
import { CREDIT_CODE } from '../enterprise/credit-code.js';
import { type RowProblem, type RowView, type SheetKind, type SheetSpec, SOURCE } from '../import/sheet-spec.js';
import { PAIRING_CODE } from '../pairing/pairing.code.js';
import { PROGRAMME_CODE } from '../programme/programme.code.js';
import { PROJECT_CODE } from './project.code.js';
import { Stage } from './project.enums.js';
import { projectFieldRules, projectHostRule, stageRules } from './project.rules.js';
import { PROJECT_ACCESS, STAGE_ACCESS } from './project.rules.js';

export const STAGE_VALUES = {
  SIGNED: ['签约', 'signed'],
  LANDED: ['落地', 'landed'],
  STARTED: ['开工', 'started'],
  OPERATING: ['投产', '运营', 'operating'],
  CANCELLED: ['取消', '终止', 'cancelled', 'canceled'],
};

export const PROJECT_SHEET: SheetSpec = {
  name: 'projects',
  zh: '项目',
  key: ['code'],
  columns: [
    { key: 'code', zh: '项目编号', type: 'code', required: true, note: '项目编号 Stable project code, e.g. WKC-2023-001', id: PROJECT_CODE },
    { key: 'name', zh: '项目名称', type: 'text', required: true, note: '项目名称 Project name' },
    { key: 'sector', zh: '行业', type: 'text', required: true, note: '行业 Sector, e.g. 数字经济, 文旅, 生命科技' },
    {
      key: 'host_area_code',
      zh: '所在区域代码',
      type: 'code',
      required: true,
      note: '所在区域代码 Division code of the host platform, town or village',
      id: AREA_CODE,
      ref: 'area',
    },
    { key: 'pairing_code', zh: '结对编号', type: 'code', note: '结对编号 Code of the pairing it was signed under, if any', id: PAIRING_CODE, ref: 'pairing' },
    {
      key: 'signed_amount',
      zh: '签约金额',
      type: 'money',
      required: true,
      note: '签约金额 Signed amount in 元 unless the header or cell says 万/亿, e.g. 12.5亿 or 签约金额(亿元)',
    },
    { key: 'signed_on', zh: '签约日期', type: 'date', required: true, note: '签约日期 Signing date, e.g. 2023-03-15' },
    {
      key: 'investor_credit_codes',
      zh: '投资企业信用代码',
      type: 'list',
      note: '投资企业信用代码 Credit codes of investing enterprises, separated by 、 or ;',
      id: CREDIT_CODE,
      ref: 'enterprise',
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

export const PROJECT_STAGE_SHEET: SheetSpec = {
  name: 'project_stages',
  zh: '项目阶段',
  key: ['project_code', 'stage'],
  columns: [
    { key: 'project_code', zh: '项目编号', type: 'code', required: true, note: '项目编号 Project code', id: PROJECT_CODE, ref: 'project' },
    { key: 'stage', zh: '阶段', type: 'enum', required: true, values: STAGE_VALUES, note: '阶段 Stage: 签约, 落地, 开工, 投产, 取消' },
    { key: 'reached_on', zh: '日期', type: 'date', required: true, note: '日期 Date the stage was reached', field: 'stages' },
  ],
};

/** Projects in a sheet: the same rules as createProject (src/project/project.rules.ts). */
export const projectSheet: SheetKind = {
  spec: PROJECT_SHEET,
  provides: 'project',
  table: 'project',
  access: PROJECT_ACCESS,
  check({ values: v }, ctx) {
    const out = projectFieldRules({
      name: v.name as string | null,
      sector: v.sector as string | null,
      source: v.source as string | null,
      signedAmount: v.signed_amount as string | null,
    });
    const host = v.host_area_code ? ctx.area(String(v.host_area_code)) : undefined;
    if (host) out.push(...projectHostRule(host.kind));
    return out;
  },
};

/** Stages in a sheet: with the project's other stages (file and registry), the same transitions as setProjectStage. */
export const projectStageSheet: SheetKind = {
  spec: PROJECT_STAGE_SHEET,
  table: 'project_stage',
  access: STAGE_ACCESS,
  check: () => [],
  checkAll(rows, ctx) {
    const byProject = new Map<string, RowView[]>();
    for (const row of rows) {
      const code = row.values.project_code as string | null;
      if (code && ctx.project(code)) byProject.set(code, [...(byProject.get(code) ?? []), row]);
    }
    const out: RowProblem[] = [];
    for (const [code, list] of byProject) {
      const signedOn = ctx.project(code)!.signedOn;
      const merged = new Map(ctx.registeredStages(code).map((s) => [s.stage, s.reachedOn]));
      for (const r of list) merged.set(r.values.stage as Stage, r.values.reached_on as string);
      if (!list.some((r) => r.values.stage === Stage.SIGNED)) merged.set(Stage.SIGNED, signedOn);
      const last = list[list.length - 1]!;
      for (const p of stageRules(
        [...merged].map(([stage, reachedOn]) => ({ stage, reachedOn })),
        signedOn,
      ))
        out.push({ ...p, rule: `project ${code}: ${p.rule}`, row: last });
    }
    return out;
  },
};
