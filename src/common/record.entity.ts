import { PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { toGlobalId } from './node.js';

/** What every record keeps: a surrogate key, its provenance and its timestamps. */
@ObjectType('RecordEntity', { description: '记录 Fields every record has (not exposed by itself).' })
export abstract class RecordEntity {
  /** Surrogate primary key; clients see it only inside the global `id`. */
  @PrimaryKey()
  id!: number;

  /** Global ID (the GraphQL `id` field comes from the Node interface). */
  get nodeId(): string {
    return toGlobalId(this.constructor.name, this.id);
  }

  @Field({ description: '来源 Provenance, e.g. "余杭区委宣传部, 2023" for a cited figure or "illustrative" for a filled-in one.' })
  @Property({ type: 'text' })
  source!: string;

  @Field({ description: '创建时间 When this record was created.' })
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Field({ description: '更新时间 When this record last changed.' })
  @Property({ type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
