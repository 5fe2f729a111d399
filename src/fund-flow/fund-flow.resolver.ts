import DataLoader from 'dataloader';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { type AreaScope, areaScope, areaScopeCodes, whereAreaScope } from '../common/area-scope.js';
import { ConnectionArgs } from '../common/connection.js';
import type { RequestContext } from '../common/context.js';
import { inUnit, orderTerms, UNIT_ARG } from '../common/inputs.js';
import { checkKnownCodes } from '../common/known-codes.js';
import { byIdLoader, listConnection, type Where } from '../common/query.js';
import { MoneyScalar, MoneyUnit } from '../common/scalars.js';
import { sqlRows } from '../db/sql.js';
import { Project } from '../project/project.entity.js';
import { FundFlow, FundFlowKind } from './fund-flow.entity.js';
import { FUND_FLOW_ORDER_COLUMNS, FundFlowFilter, FundFlowInput, FundFlowKeyInput, FundFlowOrder, type FundFlowOrderField } from './fund-flow.inputs.js';
import { landedFlowWarning } from './fund-flow.rules.js';
import { createFundFlow, deleteFundFlow, findFundFlow, updateFundFlow } from './fund-flow.service.js';
import { FundFlowConnection } from './fund-flow.types.js';

function fundFlowWhere(filter: FundFlowFilter | null | undefined): Where {
  return (qb, knex) => {
    if (!filter) return;
    if (filter.projectCodes) {
      const codes = filter.projectCodes.map((c) => c.trim());
      qb.whereIn('t.project_id', knex('project').select('id').whereIn('code', codes));
    }
    const scope = fundFlowAreaScope(filter);
    if (scope.within.length > 0 || scope.mountain.length > 0) {
      const hosted = knex({ p: 'project' }).select('p.id');
      whereAreaScope(hosted, scope, 'p.host_id');
      qb.whereIn('t.project_id', hosted);
    }
    if (filter.kinds) qb.whereIn('t.kind', filter.kinds);
    if (filter.occurredOn?.from) qb.where('t.occurred_on', '>=', filter.occurredOn.from);
    if (filter.occurredOn?.to) qb.where('t.occurred_on', '<=', filter.occurredOn.to);
  };
}

/** Stages of projects by project id, batched per request. */
function projectStagesLoader(ctx: RequestContext): DataLoader<number, { stage: string; reachedOn: string }[]> {
  return ctx.loaders.get(
    'FundFlow.stages',
    () =>
      new DataLoader(async (ids: readonly number[]) => {
        const rows = await sqlRows<{ project_id: number; stage: string; reached_on: string }>(
          ctx.em,
          `select project_id, stage, to_char(reached_on, 'YYYY-MM-DD') as reached_on from project_stage where project_id = any(?::int[])`,
          [[...ids]],
        );
        return ids.map((id) => rows.filter((r) => r.project_id === id).map((r) => ({ stage: r.stage, reachedOn: r.reached_on })));
      }),
  );
}

/** The area scope of a fund-flow filter, the deprecated `within` included. */
function fundFlowAreaScope(filter: FundFlowFilter | null | undefined): AreaScope {
  return areaScope('filter.area', filter?.area, [{ field: 'filter.within', codes: filter?.within }]);
}

/** Queries, fields and mutations of project fund flows. */
@Resolver(() => FundFlow)
export class FundFlowResolver {
  @Query(() => FundFlowConnection, {
    description: '资金流列表 Money committed to or landed in projects, filtered and sorted (default: by date, then kind), as a cursor connection.',
  })
  async fundFlows(
    @Args() page: ConnectionArgs,
    @Arg('filter', () => FundFlowFilter, { nullable: true, description: '筛选 Filter.' }) filter: FundFlowFilter | null,
    @Arg('orderBy', () => [FundFlowOrder], { nullable: true, description: '排序 Sort keys, in order; default by date, then kind.' })
    orderBy: { field: FundFlowOrderField; direction: never }[] | null,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const order = orderTerms(orderBy, FUND_FLOW_ORDER_COLUMNS, [
      { column: 'occurred_on', direction: 'asc' },
      { column: 'kind', direction: 'asc' },
    ]);
    await checkKnownCodes(ctx, areaScopeCodes(fundFlowAreaScope(filter)));
    return listConnection(ctx, FundFlow, fundFlowWhere(filter), order, page, { info, joins: ['project'] });
  }

  @Query(() => FundFlow, { nullable: true, description: '资金流 One fund flow by project and reference (or project, kind and date); null if there is none.' })
  fundFlow(
    @Arg('key', () => FundFlowKeyInput, { description: '键 Project code and reference (or kind and date).' }) key: FundFlowKeyInput,
    @Ctx() ctx: RequestContext,
  ) {
    return findFundFlow(ctx.em, key);
  }

  @FieldResolver(() => Project, { description: '项目 The project the money is for.' })
  project(@Root() flow: FundFlow, @Ctx() ctx: RequestContext) {
    return byIdLoader(ctx, Project).load(flow.project.id);
  }

  @FieldResolver(() => MoneyScalar, { description: '金额 Amount of the movement (always more than 0).' })
  amount(@Root() flow: FundFlow, @Arg('unit', () => MoneyUnit, UNIT_ARG) unit: MoneyUnit) {
    return inUnit(flow.amount, unit);
  }

  @FieldResolver(() => [String], {
    description:
      '提示 Warnings about this flow that do not block it (the importer lists the same ones in its report): landed money (LANDED) ' +
      'on a project with no 落地 stage, or dated on or after the project was cancelled. Empty when there is nothing to say.',
  })
  async warnings(@Root() flow: FundFlow, @Ctx() ctx: RequestContext): Promise<string[]> {
    if (flow.kind !== FundFlowKind.LANDED) return [];
    const project = await byIdLoader(ctx, Project).load(flow.project.id);
    const stages = await projectStagesLoader(ctx).load(flow.project.id);
    const warning = landedFlowWarning(flow, project?.code ?? String(flow.project.id), stages);
    return warning ? [warning] : [];
  }

  @Mutation(() => FundFlow, { description: '新建资金流 Record money committed to or landed in a project on a date.' })
  createFundFlow(@Arg('input', () => FundFlowInput, { description: '字段 Fields.' }) input: FundFlowInput, @Ctx() ctx: RequestContext) {
    return createFundFlow(ctx, input);
  }

  @Mutation(() => FundFlow, { description: '修改资金流 Update the fund flow with this key; only given fields change.' })
  updateFundFlow(
    @Arg('key', () => FundFlowKeyInput, { description: '键 Project code and reference (or kind and date) of the flow to change.' }) key: FundFlowKeyInput,
    @Arg('input', () => FundFlowInput, { description: '字段 Fields to change.' }) input: FundFlowInput,
    @Ctx() ctx: RequestContext,
  ) {
    return updateFundFlow(ctx, key, input);
  }

  @Mutation(() => ID, { description: '删除资金流 Delete the fund flow with this key. Returns its ID.' })
  deleteFundFlow(
    @Arg('key', () => FundFlowKeyInput, { description: '键 Project code and reference (or kind and date).' }) key: FundFlowKeyInput,
    @Ctx() ctx: RequestContext,
  ) {
    return deleteFundFlow(ctx, key);
  }
}
