import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../common/context.js';
import { fromGlobalId, Node } from '../common/node.js';
import { byIdLoader } from '../common/query.js';
import { RecordEntity } from '../common/record.entity.js';
import { ENTITIES } from '../entities.js';

const NODE_ENTITIES = ENTITIES.filter((e) => e.prototype instanceof RecordEntity) as unknown as (new () => RecordEntity)[];

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: '节点 Any record by its global ID; null if there is none.' })
  node(@Arg('id', () => ID, { description: '全局标识 Global ID from a record’s `id` field.' }) id: string, @Ctx() ctx: RequestContext) {
    const decoded = fromGlobalId(id);
    const entity = decoded && NODE_ENTITIES.find((e) => e.name === decoded.typeName);
    if (!decoded || !entity) return null;
    return byIdLoader(ctx, entity).load(decoded.id);
  }
}
