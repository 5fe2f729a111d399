import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { type AreaScope, areaScope, areaScopeCodes, whereAreaScope } from '../common/area-scope.js';
import { ConnectionArgs } from '../common/connection.js';
import type { RequestContext } from '../common/context.js';
import { orderTerms } from '../common/inputs.js';
import { checkKnownCodes, type KnownCodes, trimmed } from '../common/known-codes.js';
import { byIdLoader, findOneBy, likeContains, listConnection, nestedConnectionLoader, type Where } from '../common/query.js';
import { Area } from './area.entity.js';
import { AREA_ORDER_COLUMNS, AreaFilter, AreaInput, AreaOrder, type AreaOrderField } from './area.inputs.js';
import { createArea, deleteArea, updateArea } from './area.service.js';
import { AreaConnection } from './area.types.js';

function areaWhere(filter: AreaFilter | null | undefined): Where {
  return (qb) => {
    if (!filter) return;
    if (filter.codes)
      qb.whereIn(
        't.code',
        filter.codes.map((c) => c.trim()),
      );
    if (filter.kinds) qb.whereIn('t.kind', filter.kinds);
    whereAreaScope(qb, areaFilterScope(filter), 't.id');
    if (filter.parentCode) qb.whereRaw('t.parent_id = (select id from area where code = ?)', [filter.parentCode.trim()]);
    if (filter.mountain !== null && filter.mountain !== undefined) qb.where('t.mountain', filter.mountain);
    if (filter.scenicGrades) qb.whereIn('t.scenic_grade', filter.scenicGrades);
    if (filter.nameContains) qb.whereILike('t.name', likeContains(filter.nameContains));
  };
}

/** The area scope of an area filter, the deprecated `within` included (the deprecated `mountain` means something else). */
function areaFilterScope(filter: AreaFilter | null | undefined): AreaScope {
  return areaScope('filter.area', filter?.area, [{ field: 'filter.within', codes: filter?.within }]);
}

/** The code checks of an area filter: its scope, parent and listed codes. */
function areaFilterCodes(filter: AreaFilter | null | undefined): KnownCodes[] {
  return [
    ...areaScopeCodes(areaFilterScope(filter)),
    { field: 'filter.parentCode', table: 'area', column: 'code', codes: filter?.parentCode ? [filter.parentCode.trim()] : null, single: true },
    { field: 'filter.codes', table: 'area', column: 'code', codes: trimmed(filter?.codes) },
  ];
}

/** A division code: 6–12 digits. */
const DIVISION_CODE = /^\d{6,12}$/;

@Resolver(() => Area)
export class AreaResolver {
  @Query(() => AreaConnection, { description: '区域列表 Areas, filtered and sorted, as a cursor connection.' })
  async areas(
    @Args() page: ConnectionArgs,
    @Arg('filter', () => AreaFilter, { nullable: true, description: '筛选 Filter.' }) filter: AreaFilter | null,
    @Arg('orderBy', () => [AreaOrder], { nullable: true, description: '排序 Sort keys, in order; default by code.' })
    orderBy: { field: AreaOrderField; direction: never }[] | null,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const order = orderTerms(orderBy, AREA_ORDER_COLUMNS, [{ column: 'code', direction: 'asc' }]);
    await checkKnownCodes(ctx, areaFilterCodes(filter));
    return listConnection(ctx, Area, areaWhere(filter), order, page, { info, joins: ['parent'] });
  }

  @Query(() => Area, {
    nullable: true,
    description:
      '区域 One area by its division code; null if there is none. A value that is not a division code (e.g. a name) is refused with BAD_USER_INPUT, naming the code to use where a name matches.',
  })
  async area(@Arg('code', { description: '行政区划代码 Division code (6–12 digits), e.g. "330110111" for 鸬鸟镇.' }) code: string, @Ctx() ctx: RequestContext) {
    const found = await findOneBy(ctx, Area, 'code', code.trim());
    if (!found && !DIVISION_CODE.test(code.trim()))
      await checkKnownCodes(ctx, [{ field: 'code', table: 'area', column: 'code', codes: [code.trim()], single: true }]);
    return found;
  }

  @FieldResolver(() => Area, { nullable: true, description: '上级 The area this one belongs to; null for the district.' })
  parent(@Root() area: Area, @Ctx() ctx: RequestContext) {
    return area.parent ? byIdLoader(ctx, Area).load(area.parent.id) : null;
  }

  @FieldResolver(() => AreaConnection, { description: '下级 Areas directly under this one, by code.' })
  children(@Root() area: Area, @Args() page: ConnectionArgs, @Ctx() ctx: RequestContext) {
    return nestedConnectionLoader(
      ctx,
      'Area.children',
      Area,
      { from: 'area t', match: 't.parent_id = p._parent' },
      [{ column: 'code', direction: 'asc' }],
      page,
    ).load(area.id);
  }

  @Mutation(() => Area, { description: '新建区域 Create an area.' })
  createArea(@Arg('input', () => AreaInput, { description: '字段 Fields.' }) input: AreaInput, @Ctx() ctx: RequestContext) {
    return createArea(ctx, input);
  }

  @Mutation(() => Area, { description: '修改区域 Update the area with this code; only given fields change.' })
  updateArea(
    @Arg('code', { description: '行政区划代码 Division code of the area to change.' }) code: string,
    @Arg('input', () => AreaInput, { description: '字段 Fields to change.' }) input: AreaInput,
    @Ctx() ctx: RequestContext,
  ) {
    return updateArea(ctx, code, input);
  }

  @Mutation(() => ID, { description: '删除区域 Delete the area with this code; CONFLICT while anything refers to it. Returns its ID.' })
  deleteArea(@Arg('code', { description: '行政区划代码 Division code.' }) code: string, @Ctx() ctx: RequestContext) {
    return deleteArea(ctx, code);
  }
}
