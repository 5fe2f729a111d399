import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Area } from '../area/area.entity.js';
import { ConnectionArgs } from '../common/connection.js';
import type { RequestContext } from '../common/context.js';
import { nestedConnectionLoader, type NestedSource, type OrderTerm } from '../common/query.js';
import { Enterprise } from '../enterprise/enterprise.entity.js';
import { Pairing } from '../pairing/pairing.entity.js';
import { Project } from './project.entity.js';
import { ProjectConnection } from './project.types.js';

const NEWEST_FIRST: OrderTerm[] = [{ column: 'signed_on', direction: 'desc' }];

function projectsOf(ctx: RequestContext, name: string, source: NestedSource, parentId: number, page: ConnectionArgs) {
  return nestedConnectionLoader(ctx, name, Project, source, NEWEST_FIRST, page).load(parentId);
}

@Resolver(() => Area)
export class AreaProjectsResolver {
  @FieldResolver(() => ProjectConnection, {
    description: '项目 Projects hosted directly by this area, newest signing first (use `projects(filter: { hostAreaCodes })` for a whole subtree).',
  })
  projects(@Root() area: Area, @Args() page: ConnectionArgs, @Ctx() ctx: RequestContext) {
    return projectsOf(ctx, 'Area.projects', { from: 'project t', match: 't.host_id = p._parent' }, area.id, page);
  }
}

@Resolver(() => Enterprise)
export class EnterpriseProjectsResolver {
  @FieldResolver(() => ProjectConnection, { description: '投资项目 Projects this enterprise invests in, newest signing first.' })
  projects(@Root() enterprise: Enterprise, @Args() page: ConnectionArgs, @Ctx() ctx: RequestContext) {
    return projectsOf(
      ctx,
      'Enterprise.projects',
      { from: 'project t join project_investor pi on pi.project_id = t.id', match: 'pi.enterprise_id = p._parent' },
      enterprise.id,
      page,
    );
  }
}

@Resolver(() => Pairing)
export class PairingProjectsResolver {
  @FieldResolver(() => ProjectConnection, { description: '项目 Projects signed under this pairing, newest signing first.' })
  projects(@Root() pairing: Pairing, @Args() page: ConnectionArgs, @Ctx() ctx: RequestContext) {
    return projectsOf(ctx, 'Pairing.projects', { from: 'project t', match: 't.pairing_id = p._parent' }, pairing.id, page);
  }
}
