import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Area } from '../area/area.entity.js';
import { ConnectionArgs } from '../common/connection.js';
import type { RequestContext } from '../common/context.js';
import { nestedConnectionLoader } from '../common/query.js';
import { CollectiveIncome } from './collective-income.entity.js';
import { CollectiveIncomeConnection } from './collective-income.types.js';

/** `Area.collectiveIncomes`: a village's own yearly collective income. */
@Resolver(() => Area)
export class AreaCollectiveIncomesResolver {
  @FieldResolver(() => CollectiveIncomeConnection, {
    description:
      '村集体经济收入 This village’s or community’s own yearly collective income, latest year first ' +
      '(empty for towns and the district; use `collectiveIncomes(filter: { within })` for a whole town).',
  })
  collectiveIncomes(@Root() area: Area, @Args() page: ConnectionArgs, @Ctx() ctx: RequestContext) {
    return nestedConnectionLoader(
      ctx,
      'Area.collectiveIncomes',
      CollectiveIncome,
      { from: 'collective_income t', match: 't.village_id = p._parent' },
      [{ column: 'year', direction: 'desc' }],
      page,
    ).load(area.id);
  }
}
