import { ArrayType, Check, Entity, Enum, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { Node } from '../common/node.js';
import { RecordEntity } from '../common/record.entity.js';
import { Ownership } from './enterprise.enums.js';

/** An enterprise, keyed by its unified social credit code. */
@Entity({ tableName: 'enterprise' })
@Check({ name: 'enterprise_credit_code_format', expression: "credit_code ~ '^[0-9A-HJ-NP-RTUW-Y]{18}$'" })
@ObjectType('Enterprise', { implements: Node, description: '企业 Enterprise: a company or organisation that invests, pairs or hosts workshops.' })
export class Enterprise extends RecordEntity {
  @Field({ description: '统一社会信用代码 Unified social credit code (natural key): 18 characters, GB 32100-2015, last one a check character.' })
  @Property({ type: 'string', length: 18, unique: true })
  creditCode!: string;

  @Field({ description: '名称 Registered name.' })
  @Property({ type: 'text' })
  name!: string;

  @Field(() => Ownership, { description: '所有制 Ownership.' })
  @Enum({ items: () => Ownership })
  ownership!: Ownership;

  @Field(() => [String], { description: '标签 Tags, e.g. 乡创 (rural-innovation brand).' })
  @Property({ type: ArrayType, defaultRaw: "'{}'" })
  tags: string[] = [];
}
