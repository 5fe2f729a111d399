import type { Knex } from '@mikro-orm/postgresql';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Area } from '../area/area.entity.js';
import { type AreaScope, areaScope, areaScopeCodes, whereAreaScope } from '../common/area-scope.js';
import { ConnectionArgs } from '../common/connection.js';
import type { RequestContext } from '../common/context.js';
import { type DateRangeInput, inUnit, orderTerms, UNIT_ARG } from '../common/inputs.js';
import { checkKnownCodes } from '../common/known-codes.js';
import { byIdLoader, findOneBy, likeContains, listConnection, nestedListLoader, type Where } from '../common/query.js';
import { LocalDateScalar, MoneyScalar, MoneyUnit } from '../common/scalars.js';
import { Enterprise } from '../enterprise/enterprise.entity.js';
import { Pairing } from '../pairing/pairing.entity.js';
import { PROJECT_CODE } from './project.code.js';
import { Project, ProjectStage } from './project.entity.js';
import { InvestmentTier, Stage, TIER_THRESHOLD } from './project.enums.js';
import { PROJECT_ORDER_COLUMNS, ProjectFilter, ProjectInput, ProjectOrder, type ProjectOrderField } from './project.inputs.js';
import { createProject, deleteProject, setProjectStage, updateProject } from './project.service.js';
import { ProjectConnection } from './project.types.js';
import { currentStage } from './stages.js';
import { tierOf } from './tier.js';

/** The area scope of a project list filter, the deprecated `hostAreaCodes` included. */
function projectAreaScope(filter: ProjectFilter | null | undefined): AreaScope {
  return areaScope('filter.area', filter?.area, [{ field: 'filter.hostAreaCodes', codes: filter?.hostAreaCodes }]);
}

function whereDateRange(qb: Knex.QueryBuilder, column: string, range: DateRangeInput) {
  if (range.from) qb.where(column, '>=', range.from);
  if (range.to) qb.where(column, '<=', range.to);
}

/** SQL conditions of the projects filter on table alias `t`. */
export function projectWhere(filter: ProjectFilter | null | undefined): Where {
  return (qb, knex) => {
    if (!filter) return;
    if (filter.codes) qb.whereIn('t.code', filter.codes.map(PROJECT_CODE.normalise));
    whereAreaScope(qb, projectAreaScope(filter), 't.host_id');
    if (filter.stages) {
      qb.whereRaw(
        `(select s.stage from project_stage s where s.project_id = t.id order by stage_rank(s.stage) desc limit 1) in (${filter.stages.map(() => '?').join(', ') || 'null'})`,
        filter.stages,
      );
    }
    if (filter.reached) {
      qb.whereExists(knex('project_stage as s').whereRaw('s.project_id = t.id and s.stage = ?', [filter.reached]));
    }
    if (filter.tierAtLeast) qb.where('t.signed_amount', '>=', TIER_THRESHOLD[filter.tierAtLeast]);
    if (filter.signedOn) whereDateRange(qb, 't.signed_on', filter.signedOn);
    const landedOn = filter.landedOn;
    if (landedOn) {
      qb.whereExists(
        knex('project_stage as s')
          .whereRaw('s.project_id = t.id and s.stage = ?', [Stage.LANDED])
          .where((q) => whereDateRange(q, 's.reached_on', landedOn)),
      );
    }
    if (filter.investorCreditCodes) {
      qb.whereExists(
        knex('project_investor as pi')
          .join('enterprise as e', 'e.id', 'pi.enterprise_id')
          .whereRaw('pi.project_id = t.id')
          .whereIn('e.credit_code', filter.investorCreditCodes),
      );
    }
    if (filter.schemes) qb.whereIn('t.pairing_id', knex('pairing').select('id').whereIn('scheme', filter.schemes));
    if (filter.pairingCodes) qb.whereIn('t.pairing_id', knex('pairing').select('id').whereIn('code', filter.pairingCodes));
    if (filter.sectors) qb.whereIn('t.sector', filter.sectors);
    if (filter.nameContains) qb.whereILike('t.name', likeContains(filter.nameContains));
  };
}

function stagesLoader(ctx: RequestContext) {
  return nestedListLoader(ctx, 'Project.stages', ProjectStage, { from: 'project_stage t', match: 't.project_id = p._parent' }, [
    { column: 'reached_on', direction: 'asc' },
  ]);
}

@Resolver(() => Project)
export class ProjectResolver {
  @Query(() => ProjectConnection, { description: '项目列表 Signed projects, filtered and sorted, as a cursor connection.' })
  async projects(
    @Args() page: ConnectionArgs,
    @Arg('filter', () => ProjectFilter, { nullable: true, description: '筛选 Filter.' }) filter: ProjectFilter | null,
    @Arg('orderBy', () => [ProjectOrder], { nullable: true, description: '排序 Sort keys, in order; default newest signing first.' })
    orderBy: { field: ProjectOrderField; direction: never }[] | null,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const order = orderTerms(orderBy, PROJECT_ORDER_COLUMNS, [{ column: 'signed_on', direction: 'desc' }]);
    await checkKnownCodes(ctx, areaScopeCodes(projectAreaScope(filter)));
    return listConnection(ctx, Project, projectWhere(filter), order, page, { info, joins: ['host', 'pairing'] });
  }

  @Query(() => Project, { nullable: true, description: '项目 One project by its code; null if there is none.' })
  project(@Arg('code', { description: '项目编号 Project code.' }) code: string, @Ctx() ctx: RequestContext) {
    return findOneBy(ctx, Project, 'code', PROJECT_CODE.normalise(code));
  }

  @FieldResolver(() => MoneyScalar, { description: '签约金额 Signed investment amount.' })
  signedAmount(@Root() project: Project, @Arg('unit', () => MoneyUnit, UNIT_ARG) unit: MoneyUnit) {
    return inUnit(project.signedAmount, unit);
  }

  @FieldResolver(() => InvestmentTier, { description: '投资规模档次 Tier derived from the signed amount (never entered by hand).' })
  tier(@Root() project: Project) {
    return tierOf(project.signedAmount);
  }

  @FieldResolver(() => Area, { description: '所在区域 Host area: the platform, town, village or community where it lands.' })
  host(@Root() project: Project, @Ctx() ctx: RequestContext) {
    return byIdLoader(ctx, Area).load(project.host.id);
  }

  @FieldResolver(() => Pairing, { nullable: true, description: '结对 The pairing it was signed under, if any.' })
  pairing(@Root() project: Project, @Ctx() ctx: RequestContext) {
    return project.pairing ? byIdLoader(ctx, Pairing).load(project.pairing.id) : null;
  }

  @FieldResolver(() => [Enterprise], { description: '投资企业 Investing enterprises, by name.' })
  investors(@Root() project: Project, @Ctx() ctx: RequestContext) {
    return nestedListLoader(
      ctx,
      'Project.investors',
      Enterprise,
      { from: 'enterprise t join project_investor pi on pi.enterprise_id = t.id', match: 'pi.project_id = p._parent' },
      [{ column: 'name', direction: 'asc' }],
    ).load(project.id);
  }

  @FieldResolver(() => [ProjectStage], { description: '阶段记录 Stages reached, in date order.' })
  stages(@Root() project: Project, @Ctx() ctx: RequestContext) {
    return stagesLoader(ctx).load(project.id);
  }

  @FieldResolver(() => Stage, { nullable: true, description: '当前阶段 Current stage: CANCELLED if cancelled, else the furthest stage reached.' })
  async stage(@Root() project: Project, @Ctx() ctx: RequestContext) {
    return currentStage(await stagesLoader(ctx).load(project.id));
  }

  @FieldResolver(() => LocalDateScalar, { nullable: true, description: '落地日期 Date the project landed (stage LANDED), if it has.' })
  async landedOn(@Root() project: Project, @Ctx() ctx: RequestContext) {
    return (await stagesLoader(ctx).load(project.id)).find((s) => s.stage === Stage.LANDED)?.reachedOn ?? null;
  }

  @Mutation(() => Project, { description: '新建项目 Create a project with its investors and stages.' })
  createProject(@Arg('input', () => ProjectInput, { description: '字段 Fields.' }) input: ProjectInput, @Ctx() ctx: RequestContext) {
    return createProject(ctx, input);
  }

  @Mutation(() => Project, { description: '修改项目 Update the project with this code; only given fields change.' })
  updateProject(
    @Arg('code', { description: '项目编号 Code of the project to change.' }) code: string,
    @Arg('input', () => ProjectInput, { description: '字段 Fields to change.' }) input: ProjectInput,
    @Ctx() ctx: RequestContext,
  ) {
    return updateProject(ctx, code, input);
  }

  @Mutation(() => Project, { description: '记录阶段 Record the date a project reached a stage (other stages stay).' })
  setProjectStage(
    @Arg('code', { description: '项目编号 Project code.' }) code: string,
    @Arg('stage', () => Stage, { description: '阶段 Stage reached.' }) stage: Stage,
    @Arg('reachedOn', () => LocalDateScalar, { description: '日期 Date reached.' }) reachedOn: string,
    @Ctx() ctx: RequestContext,
  ) {
    return setProjectStage(ctx, code, stage, reachedOn);
  }

  @Mutation(() => ID, { description: '删除项目 Delete a project with its stages and investor links; CONFLICT while fund flows refer to it. Returns its ID.' })
  deleteProject(@Arg('code', { description: '项目编号 Project code.' }) code: string, @Ctx() ctx: RequestContext) {
    return deleteProject(ctx, code);
  }
}
