import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { ConnectionArgs } from '../common/connection.js';
import type { RequestContext } from '../common/context.js';
import { nestedConnectionLoader } from '../common/query.js';
import { Project } from '../project/project.entity.js';
import { FundFlow } from './fund-flow.entity.js';
import { FundFlowConnection } from './fund-flow.types.js';

/** `Project.fundFlows`: the money movements of a project. */
@Resolver(() => Project)
export class ProjectFundFlowsResolver {
  @FieldResolver(() => FundFlowConnection, { description: '资金流 Money committed to or landed in this project, by date, then kind.' })
  fundFlows(@Root() project: Project, @Args() page: ConnectionArgs, @Ctx() ctx: RequestContext) {
    return nestedConnectionLoader(
      ctx,
      'Project.fundFlows',
      FundFlow,
      { from: 'fund_flow t', match: 't.project_id = p._parent' },
      [
        { column: 'occurred_on', direction: 'asc' },
        { column: 'kind', direction: 'asc' },
      ],
      page,
    ).load(project.id);
  }
}
