import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Area } from '../area/area.entity.js';
import { ConnectionArgs } from '../common/connection.js';
import type { RequestContext } from '../common/context.js';
import { nestedConnectionLoader } from '../common/query.js';
import { Enterprise } from '../enterprise/enterprise.entity.js';
import { Workshop } from './workshop.entity.js';
import { WorkshopConnection } from './workshop.types.js';

/** `Area.workshops`: the workshops a village or community set up. */
@Resolver(() => Area)
export class AreaWorkshopsResolver {
  @FieldResolver(() => WorkshopConnection, {
    description: '共富工坊 Workshops set up by this village or community (only its own; use `workshops(filter: { within })` for a whole town), by name.',
  })
  workshops(@Root() area: Area, @Args() page: ConnectionArgs, @Ctx() ctx: RequestContext) {
    return nestedConnectionLoader(
      ctx,
      'Area.workshops',
      Workshop,
      { from: 'workshop t', match: 't.village_id = p._parent' },
      [{ column: 'name', direction: 'asc' }],
      page,
    ).load(area.id);
  }
}

/** `Enterprise.workshops`: the workshops an enterprise hosts. */
@Resolver(() => Enterprise)
export class EnterpriseWorkshopsResolver {
  @FieldResolver(() => WorkshopConnection, { description: '主办的共富工坊 Workshops hosted by this enterprise, by name.' })
  workshops(@Root() enterprise: Enterprise, @Args() page: ConnectionArgs, @Ctx() ctx: RequestContext) {
    return nestedConnectionLoader(
      ctx,
      'Enterprise.workshops',
      Workshop,
      { from: 'workshop t', match: 't.host_enterprise_id = p._parent' },
      [{ column: 'name', direction: 'asc' }],
      page,
    ).load(enterprise.id);
  }
}
