import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Area } from '../area/area.entity.js';
import { type AreaScope, areaScope, areaScopeCodes, whereAreaScope } from '../common/area-scope.js';
import { ConnectionArgs } from '../common/connection.js';
import type { RequestContext } from '../common/context.js';
import { inUnit, orderTerms, UNIT_ARG } from '../common/inputs.js';
import { checkKnownCodes, type KnownCodes } from '../common/known-codes.js';
import { byIdLoader, likeContains, listConnection, type Where } from '../common/query.js';
import { MoneyScalar, MoneyUnit } from '../common/scalars.js';
import { normalizeCreditCode } from '../enterprise/credit-code.js';
import { Enterprise } from '../enterprise/enterprise.entity.js';
import { Workshop } from './workshop.entity.js';
import { WORKSHOP_ORDER_COLUMNS, WorkshopFilter, WorkshopInput, WorkshopKeyInput, WorkshopOrder, type WorkshopOrderField } from './workshop.inputs.js';
import { createWorkshop, deleteWorkshop, findWorkshop, updateWorkshop } from './workshop.service.js';
import { WorkshopConnection } from './workshop.types.js';

/** SQL conditions of the workshops filter on table alias `t`. */
export function workshopWhere(filter: WorkshopFilter | null | undefined): Where {
  return (qb) => {
    if (!filter) return;
    whereAreaScope(qb, workshopAreaScope(filter), 't.village_id');
    if (filter.types) qb.whereIn('t.type', filter.types);
    if (filter.hostEnterpriseCreditCode) {
      qb.whereRaw('t.host_enterprise_id = (select id from enterprise where credit_code = ?)', [normalizeCreditCode(filter.hostEnterpriseCreditCode)]);
    }
    if (filter.openedOn?.from) qb.where('t.opened_on', '>=', filter.openedOn.from);
    if (filter.openedOn?.to) qb.where('t.opened_on', '<=', filter.openedOn.to);
    if (filter.nameContains) qb.whereILike('t.name', likeContains(filter.nameContains));
  };
}

/** The area scope of a workshop filter, the deprecated `within` included. */
function workshopAreaScope(filter: WorkshopFilter | null | undefined): AreaScope {
  return areaScope('filter.area', filter?.area, [{ field: 'filter.within', codes: filter?.within }]);
}

/** The code checks of a workshop filter (its area codes). */
export function workshopFilterCodes(filter: WorkshopFilter | null | undefined): KnownCodes[] {
  return areaScopeCodes(workshopAreaScope(filter));
}

/** Queries, fields and mutations of common-prosperity workshops. */
@Resolver(() => Workshop)
export class WorkshopResolver {
  @Query(() => WorkshopConnection, { description: '共富工坊列表 Common-prosperity workshops, filtered and sorted, as a cursor connection.' })
  async workshops(
    @Args() page: ConnectionArgs,
    @Arg('filter', () => WorkshopFilter, { nullable: true, description: '筛选 Filter.' }) filter: WorkshopFilter | null,
    @Arg('orderBy', () => [WorkshopOrder], { nullable: true, description: '排序 Sort keys, in order; default by name.' })
    orderBy: { field: WorkshopOrderField; direction: never }[] | null,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const order = orderTerms(orderBy, WORKSHOP_ORDER_COLUMNS, [{ column: 'name', direction: 'asc' }]);
    await checkKnownCodes(ctx, workshopFilterCodes(filter));
    return listConnection(ctx, Workshop, workshopWhere(filter), order, page, { info, joins: ['village', 'hostEnterprise'] });
  }

  @Query(() => Workshop, { nullable: true, description: '共富工坊 One workshop by its village and name; null if there is none.' })
  workshop(@Arg('key', () => WorkshopKeyInput, { description: '键 Village code and name.' }) key: WorkshopKeyInput, @Ctx() ctx: RequestContext) {
    return findWorkshop(ctx.em, key);
  }

  @FieldResolver(() => Area, { description: '村社 The village (行政村) or community (社区) that set up the workshop.' })
  village(@Root() workshop: Workshop, @Ctx() ctx: RequestContext) {
    return byIdLoader(ctx, Area).load(workshop.village.id);
  }

  @FieldResolver(() => Enterprise, { nullable: true, description: '主办企业 The enterprise running the workshop with the village; null if none is recorded.' })
  hostEnterprise(@Root() workshop: Workshop, @Ctx() ctx: RequestContext) {
    return workshop.hostEnterprise ? byIdLoader(ctx, Enterprise).load(workshop.hostEnterprise.id) : null;
  }

  @FieldResolver(() => MoneyScalar, { nullable: true, description: '人均年增收 Income gain per employed person per year; null when not reported.' })
  incomeGainPerPerson(@Root() workshop: Workshop, @Arg('unit', () => MoneyUnit, UNIT_ARG) unit: MoneyUnit) {
    return inUnit(workshop.incomeGainPerPerson, unit);
  }

  @Mutation(() => Workshop, { description: '新建共富工坊 Create a workshop.' })
  createWorkshop(@Arg('input', () => WorkshopInput, { description: '字段 Fields.' }) input: WorkshopInput, @Ctx() ctx: RequestContext) {
    return createWorkshop(ctx, input);
  }

  @Mutation(() => Workshop, { description: '修改共富工坊 Update the workshop with this key; only given fields change.' })
  updateWorkshop(
    @Arg('key', () => WorkshopKeyInput, { description: '键 Village code and name of the workshop to change.' }) key: WorkshopKeyInput,
    @Arg('input', () => WorkshopInput, { description: '字段 Fields to change.' }) input: WorkshopInput,
    @Ctx() ctx: RequestContext,
  ) {
    return updateWorkshop(ctx, key, input);
  }

  @Mutation(() => ID, { description: '删除共富工坊 Delete the workshop with this key. Returns its ID.' })
  deleteWorkshop(@Arg('key', () => WorkshopKeyInput, { description: '键 Village code and name.' }) key: WorkshopKeyInput, @Ctx() ctx: RequestContext) {
    return deleteWorkshop(ctx, key);
  }
}
