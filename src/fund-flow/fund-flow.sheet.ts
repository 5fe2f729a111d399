import { type SheetKind, type SheetSpec, SOURCE } from '../import/sheet-spec.js';
import { PROJECT_CODE } from '../project/project.code.js';
import { fundFlowFieldRules } from './fund-flow.rules.js';
import { FUND_FLOW_ACCESS } from './fund-flow.rules.js';

export const FUND_KIND_VALUES = {
  COMMITMENT: ['承诺', '协议', '协议资金', 'commitment'],
  LANDED: ['落地', '到位', '落地资金', '到位资金', 'landed'],
};

export const FUND_FLOW_SHEET: SheetSpec = {
  name: 'fund_flows',
  zh: '资金流',
  key: ['project_code', 'reference'],
  columns: [
    { key: 'project_code', zh: '项目编号', type: 'code', required: true, note: '项目编号 Project code', id: PROJECT_CODE, ref: 'project' },
    {
      key: 'reference',
      zh: '凭证号',
      type: 'text',
      required: true,
      note: '凭证号 Reference (voucher number), unique within the project, e.g. 记-2022-0612: a corrected date or amount updates the flow with this reference. Without references, import with --replace-project-flows',
    },
    { key: 'kind', zh: '资金类型', type: 'enum', required: true, values: FUND_KIND_VALUES, note: '资金类型 Kind: 承诺 (committed) or 落地 (landed)' },
    { key: 'amount', zh: '金额', type: 'money', required: true, note: '金额 Amount in 元 unless the header or cell says 万/亿, e.g. 450万' },
    { key: 'occurred_on', zh: '日期', type: 'date', required: true, note: '日期 Date of the movement' },
    SOURCE,
  ],
};

/** Fund flows in a sheet: the same rules as createFundFlow (src/fund-flow/fund-flow.rules.ts). */
export const fundFlowSheet: SheetKind = {
  spec: FUND_FLOW_SHEET,
  table: 'fund_flow',
  access: FUND_FLOW_ACCESS,
  check: ({ values: v }) =>
    fundFlowFieldRules({ amount: v.amount as string | null, source: v.source as string | null, reference: v.reference as string | null }),
};
