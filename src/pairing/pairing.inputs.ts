import { Field, InputType, registerEnumType } from 'type-graphql';
import { AreaCodeScalar } from '../area/area.code.js';
import { AreaScopeInput } from '../common/area-scope.js';
import { OrderInput } from '../common/inputs.js';
import { LocalDateScalar } from '../common/scalars.js';
import { CreditCodeScalar } from '../enterprise/credit-code.js';
import { ProgrammeCodeScalar } from '../programme/programme.code.js';
import { PairingCodeScalar } from './pairing.code.js';
import { PairingScheme } from './pairing.enums.js';

/** Conditions of the `pairings` list; all given conditions must hold. */
@InputType({ description: '结对筛选 Filter for pairings; all given conditions must hold.' })
export class PairingFilter {
  @Field(() => [String], { nullable: true, description: '结对编号 Only these pairing codes.' })
  codes?: string[] | null;

  @Field(() => [PairingScheme], { nullable: true, description: '结对机制 Only these schemes.' })
  schemes?: PairingScheme[] | null;

  @Field(() => AreaScopeInput, {
    nullable: true,
    description:
      '区域范围 Only pairings with a party area (lead or partner) in this scope, e.g. `{ within: ["330110111"] }`: pairings of 鸬鸟镇 and of its villages.',
  })
  area?: AreaScopeInput | null;

  @Field(() => String, {
    nullable: true,
    description: '区域 Only pairings where exactly this area (division code) is the lead or the partner; areas under it do not count.',
    deprecationReason: 'Use `area: { within: [...] }` (which also takes the areas under it).',
  })
  areaCode?: string | null;

  @Field(() => String, { nullable: true, description: '企业 Only pairings where this enterprise (credit code) is the lead or the partner.' })
  enterpriseCreditCode?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '有效日期 Only pairings active on this day: started on or before it and not ended before it.' })
  activeOn?: string | null;
}

/** Sortable fields of the `pairings` list. */
export enum PairingOrderField {
  CODE = 'CODE',
  START_DATE = 'START_DATE',
  SCHEME = 'SCHEME',
  CREATED_AT = 'CREATED_AT',
}
registerEnumType(PairingOrderField, {
  name: 'PairingOrderField',
  description: '结对排序字段 Sortable fields of pairings.',
  valuesConfig: {
    CODE: { description: '结对编号 pairing code' },
    START_DATE: { description: '开始日期 start date' },
    SCHEME: { description: '结对机制 scheme' },
    CREATED_AT: { description: '创建时间 creation time' },
  },
});

/** Column of the `pairing` table behind each sort field. */
export const PAIRING_ORDER_COLUMNS: Record<PairingOrderField, string> = { CODE: 'code', START_DATE: 'start_date', SCHEME: 'scheme', CREATED_AT: 'created_at' };

/** `PairingOrder { field, direction }`: one sort key of the `pairings` list. */
export const PairingOrder = OrderInput<PairingOrderField>(PairingOrderField, 'Pairing', '结对');

/** Fields of a pairing for `createPairing` / `updatePairing`. */
@InputType({
  description:
    '结对输入 Fields of a pairing. On create, code, scheme, startDate, source, one lead (leadAreaCode or leadEnterpriseCreditCode) ' +
    'and one partner (partnerAreaCode or partnerEnterpriseCreditCode) are required; on update, only given fields change, and giving ' +
    'a lead or partner field replaces that side. A null lead/partner field counts as not given. The scheme decides who may take part: ' +
    'CITY_MOUNTAIN a PLATFORM area with a mountain TOWN; SOE_TOWN a STATE_OWNED enterprise with a TOWN; ' +
    'ENTERPRISE_VILLAGE an enterprise with a VILLAGE or COMMUNITY.',
})
export class PairingInput {
  @Field(() => PairingCodeScalar, { nullable: true, description: '结对编号 Pairing code: 1–64 letters, digits, ".", "_" or "-", e.g. "CM-330110109".' })
  code?: string | null;

  @Field(() => PairingScheme, { nullable: true, description: '结对机制 Scheme.' })
  scheme?: PairingScheme | null;

  @Field(() => AreaCodeScalar, { nullable: true, description: '牵头区域 Lead area (division code); not together with leadEnterpriseCreditCode.' })
  leadAreaCode?: string | null;

  @Field(() => CreditCodeScalar, { nullable: true, description: '牵头企业 Lead enterprise (credit code); not together with leadAreaCode.' })
  leadEnterpriseCreditCode?: string | null;

  @Field(() => AreaCodeScalar, { nullable: true, description: '结对区域 Partner area (division code); not together with partnerEnterpriseCreditCode.' })
  partnerAreaCode?: string | null;

  @Field(() => CreditCodeScalar, { nullable: true, description: '结对企业 Partner enterprise (credit code); not together with partnerAreaCode.' })
  partnerEnterpriseCreditCode?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '开始日期 Start date.' })
  startDate?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '结束日期 End date, on or after the start date; null clears it (the pairing is active).' })
  endDate?: string | null;

  @Field(() => ProgrammeCodeScalar, {
    nullable: true,
    description: '计划 Code of the programme (计划/机制) it belongs to, e.g. LUNIAO_SIX_VILLAGES; null or blank clears it.',
  })
  programmeCode?: string | null;

  @Field(() => String, { nullable: true, description: '备注 Note; null or blank clears it.' })
  note?: string | null;

  @Field(() => String, { nullable: true, description: '来源 Provenance text.' })
  source?: string | null;
}
