import { AREA_CODE } from '../area/area.code.js';
import { CREDIT_CODE } from '../enterprise/credit-code.js';
import { type CheckContext, type SheetKind, type SheetSpec, SOURCE } from '../import/sheet-spec.js';
import { PROGRAMME_CODE } from '../programme/programme.code.js';
import { PAIRING_CODE } from './pairing.code.js';
import type { PairingScheme } from './pairing.enums.js';
import { pairingDateRules, pairingFieldRules, pairingPartyRules, pairingSideRules, type Party, type Side } from './pairing.rules.js';
import { PAIRING_ACCESS } from './pairing.rules.js';

export const SCHEME_VALUES = {
  CITY_MOUNTAIN: ['1+5', '山城协作', '"1+5"山城协作', 'city-mountain'],
  SOE_TOWN: ['5+5', '镇企合作', '"5+5"镇企合作', 'soe-town'],
  ENTERPRISE_VILLAGE: ['百企百社', '百企百社结对', '结对帮扶', 'enterprise-village'],
  OTHER: ['其他', 'other'],
};

export const PAIRING_SHEET: SheetSpec = {
  name: 'pairings',
  zh: '结对',
  key: ['code'],
  columns: [
    { key: 'code', zh: '结对编号', type: 'code', required: true, note: '结对编号 Pairing code (your own stable key), e.g. CM-330110109', id: PAIRING_CODE },
    { key: 'scheme', zh: '结对机制', type: 'enum', required: true, values: SCHEME_VALUES, note: '结对机制 Scheme: 1+5, 5+5, 百企百社, 其他' },
    {
      key: 'lead_area_code',
      zh: '牵头方区域代码',
      type: 'code',
      note: '牵头方区域代码 Lead party if an area: its division code (or fill lead_credit_code)',
      id: AREA_CODE,
      ref: 'area',
    },
    {
      key: 'lead_credit_code',
      zh: '牵头方信用代码',
      type: 'code',
      note: '牵头方信用代码 Lead party if an enterprise: its credit code',
      id: CREDIT_CODE,
      ref: 'enterprise',
      field: 'leadEnterpriseCreditCode',
    },
    {
      key: 'partner_area_code',
      zh: '结对方区域代码',
      type: 'code',
      note: '结对方区域代码 Partner party if an area: its division code (or fill partner_credit_code)',
      id: AREA_CODE,
      ref: 'area',
    },
    {
      key: 'partner_credit_code',
      zh: '结对方信用代码',
      type: 'code',
      note: '结对方信用代码 Partner party if an enterprise: its credit code',
      id: CREDIT_CODE,
      ref: 'enterprise',
      field: 'partnerEnterpriseCreditCode',
    },
    { key: 'start_date', zh: '开始日期', type: 'date', required: true, note: '开始日期 Start date, e.g. 2021-06-01' },
    { key: 'end_date', zh: '结束日期', type: 'date', note: '结束日期 End date; empty while active' },
    { key: 'note', zh: '备注', type: 'text', note: '备注 Note' },
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

/** One side of a pairing row: the party its area or credit code names, and the field that named it. */
function side(v: Record<string, unknown>, name: 'lead' | 'partner', ctx: CheckContext): Side {
  const areaCode = v[`${name}_area_code`] as string | null;
  const creditCode = v[`${name}_credit_code`] as string | null;
  if (areaCode && creditCode) return { field: `${name}AreaCode` };
  if (areaCode) {
    const a = ctx.area(areaCode);
    return { field: `${name}AreaCode`, party: a ? ({ type: 'area', ...a } satisfies Party) : undefined };
  }
  if (creditCode) {
    const e = ctx.enterprise(creditCode);
    return { field: `${name}EnterpriseCreditCode`, party: e ? ({ type: 'enterprise', ...e } satisfies Party) : undefined };
  }
  return {};
}

/** Pairings in a sheet: the same rules as createPairing (src/pairing/pairing.rules.ts). */
export const pairingSheet: SheetKind = {
  spec: PAIRING_SHEET,
  provides: 'pairing',
  table: 'pairing',
  access: PAIRING_ACCESS,
  check({ values: v }, ctx) {
    const out = [
      ...pairingSideRules('lead', Boolean(v.lead_area_code), Boolean(v.lead_credit_code), true),
      ...pairingSideRules('partner', Boolean(v.partner_area_code), Boolean(v.partner_credit_code), true),
      ...pairingFieldRules({ note: v.note as string | null, source: v.source as string | null }),
      ...pairingDateRules(v.start_date as string | undefined, v.end_date as string | null, true),
    ];
    if (v.scheme) out.push(...pairingPartyRules(v.scheme as PairingScheme, side(v, 'lead', ctx), side(v, 'partner', ctx), false));
    return out;
  },
};
