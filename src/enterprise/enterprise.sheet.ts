import type { Problem } from '../common/rules.js';
import { type SheetKind, type SheetSpec, SOURCE } from '../import/sheet-spec.js';
import { CREDIT_CODE } from './credit-code.js';
import { enterpriseFieldRules, enterpriseTags } from './enterprise.rules.js';
import { ENTERPRISE_ACCESS } from './enterprise.rules.js';

export const OWNERSHIP_VALUES = {
  STATE_OWNED: ['国有', '国有企业', '国企', 'state-owned', 'soe'],
  PRIVATE: ['民营', '民营企业', '私营', 'private'],
  COLLECTIVE: ['集体', '集体企业', 'collective'],
  FOREIGN_INVESTED: ['外资', '外商投资', '外商投资企业', 'foreign', 'foreign-invested'],
  OTHER: ['其他', 'other'],
};

export const ENTERPRISE_SHEET: SheetSpec = {
  name: 'enterprises',
  zh: '企业',
  key: ['credit_code'],
  columns: [
    {
      key: 'credit_code',
      zh: '统一社会信用代码',
      type: 'code',
      required: true,
      note: '统一社会信用代码 Unified social credit code, 18 characters with check character, e.g. 91110000600037341L',
      id: CREDIT_CODE,
    },
    { key: 'name', zh: '名称', type: 'text', required: true, note: '名称 Registered name' },
    { key: 'ownership', zh: '所有制', type: 'enum', required: true, values: OWNERSHIP_VALUES, note: '所有制 Ownership: 国有, 民营, 集体, 外资, 其他' },
    { key: 'tags', zh: '标签', type: 'list', note: '标签 Tags separated by 、 or ; e.g. 乡创' },
    SOURCE,
  ],
};

/** Enterprises in a sheet: the same rules as createEnterprise (src/enterprise/enterprise.rules.ts). */
export const enterpriseSheet: SheetKind = {
  spec: ENTERPRISE_SHEET,
  provides: 'enterprise',
  table: 'enterprise',
  access: ENTERPRISE_ACCESS,
  check({ values: v }) {
    const out: Problem[] = enterpriseFieldRules({ name: v.name as string | null, source: v.source as string | null });
    const tags = v.tags as string[] | null;
    if (tags) {
      const kept = enterpriseTags(out, tags);
      if (kept) v.tags = kept;
    }
    return out;
  },
};
