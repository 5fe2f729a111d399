import { Field, InputType, registerEnumType } from 'type-graphql';
import { OrderInput } from '../common/inputs.js';
import { CreditCodeScalar } from './credit-code.js';
import { Ownership } from './enterprise.enums.js';

/** Conditions of the `enterprises` list; all given conditions must hold. */
@InputType({ description: '企业筛选 Filter for enterprises; all given conditions must hold.' })
export class EnterpriseFilter {
  @Field(() => [String], { nullable: true, description: '统一社会信用代码 Only these credit codes (case and full-width characters do not matter).' })
  creditCodes?: string[] | null;

  @Field(() => [Ownership], { nullable: true, description: '所有制 Only these ownerships.' })
  ownerships?: Ownership[] | null;

  @Field(() => String, { nullable: true, description: '标签 Only enterprises that have this tag, e.g. 乡创.' })
  tag?: string | null;

  @Field(() => String, { nullable: true, description: '名称包含 Name contains this text.' })
  nameContains?: string | null;
}

/** Sortable fields of the `enterprises` list. */
export enum EnterpriseOrderField {
  NAME = 'NAME',
  CREDIT_CODE = 'CREDIT_CODE',
  CREATED_AT = 'CREATED_AT',
}
registerEnumType(EnterpriseOrderField, {
  name: 'EnterpriseOrderField',
  description: '企业排序字段 Sortable fields of enterprises.',
  valuesConfig: {
    NAME: { description: '名称 name' },
    CREDIT_CODE: { description: '统一社会信用代码 credit code' },
    CREATED_AT: { description: '创建时间 creation time' },
  },
});

/** Column of the `enterprise` table behind each sort field. */
export const ENTERPRISE_ORDER_COLUMNS: Record<EnterpriseOrderField, string> = { NAME: 'name', CREDIT_CODE: 'credit_code', CREATED_AT: 'created_at' };

/** `EnterpriseOrder { field, direction }`: one sort key of the `enterprises` list. */
export const EnterpriseOrder = OrderInput<EnterpriseOrderField>(EnterpriseOrderField, 'Enterprise', '企业');

/** Fields of an enterprise for `createEnterprise` / `updateEnterprise`. */
@InputType({
  description:
    '企业输入 Fields of an enterprise. On create, creditCode, name, ownership and source are required (tags default to none); ' +
    'on update, only given fields change.',
})
export class EnterpriseInput {
  @Field(() => CreditCodeScalar, {
    nullable: true,
    description: '统一社会信用代码 Unified social credit code: 18 characters with a valid check character; lower-case and full-width input is normalised.',
  })
  creditCode?: string | null;

  @Field(() => String, { nullable: true, description: '名称 Registered name.' })
  name?: string | null;

  @Field(() => Ownership, { nullable: true, description: '所有制 Ownership.' })
  ownership?: Ownership | null;

  @Field(() => [String], {
    nullable: true,
    description: '标签 Tags, replacing the current ones: each trimmed, 1–50 characters, duplicates dropped, at most 20; null clears them.',
  })
  tags?: string[] | null;

  @Field(() => String, { nullable: true, description: '来源 Provenance text.' })
  source?: string | null;
}
