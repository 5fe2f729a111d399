import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ConnectionArgs } from '../common/connection.js';
import type { RequestContext } from '../common/context.js';
import { checkKnownCodes } from '../common/known-codes.js';
import { byIdLoader, findOneBy, listConnection, nestedConnectionLoader, nestedListLoader, type Where } from '../common/query.js';
import { INDICATOR_CODE } from '../programme/programme.code.js';
import { Programme } from '../programme/programme.entity.js';
import { Indicator, IndicatorValue } from './indicator.entity.js';
import { UNIT_WORD } from './indicator.enums.js';
import { IndicatorFilter, IndicatorInput } from './indicator.inputs.js';
import { createIndicator, deleteIndicator, updateIndicator } from './indicator.service.js';
import { IndicatorConnection, IndicatorValueConnection } from './indicator.types.js';

function indicatorWhere(filter: IndicatorFilter | null | undefined): Where {
  return (qb) => {
    if (!filter) return;
    if (filter.codes)
      qb.whereIn(
        't.code',
        filter.codes.map((c) => c.trim()),
      );
    if (filter.programme) qb.whereIn('t.programme_id', (sub) => sub.select('id').from('programme').where('code', filter.programme!.trim()));
    if (filter.parent) qb.whereIn('t.parent_id', (sub) => sub.select('id').from('indicator').where('code', filter.parent!.trim()));
    if (filter.topLevel === true) qb.whereNull('t.parent_id');
    if (filter.topLevel === false) qb.whereNotNull('t.parent_id');
  };
}

/** Queries, fields and mutations of monitoring indicators. */
@Resolver(() => Indicator)
export class IndicatorResolver {
  @Query(() => IndicatorConnection, { description: '监测指标列表 Monitoring indicators, by code, as a cursor connection.' })
  async indicators(
    @Args() page: ConnectionArgs,
    @Arg('filter', () => IndicatorFilter, { nullable: true, description: '筛选 Filter.' }) filter: IndicatorFilter | null,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    await checkKnownCodes(ctx, [
      { field: 'filter.programme', table: 'programme', column: 'code', codes: filter?.programme ? [filter.programme.trim()] : null, single: true },
      { field: 'filter.parent', table: 'indicator', column: 'code', codes: filter?.parent ? [filter.parent.trim()] : null, single: true, what: 'indicator' },
    ]);
    return listConnection(ctx, Indicator, indicatorWhere(filter), [{ column: 'code', direction: 'asc' }], page, { info, joins: ['parent', 'programme'] });
  }

  @Query(() => Indicator, { nullable: true, description: '监测指标 The indicator with this code; null if there is none.' })
  indicator(@Arg('code', { description: '编码 Indicator code.' }) code: string, @Ctx() ctx: RequestContext) {
    return findOneBy(ctx, Indicator, 'code', INDICATOR_CODE.normalise(code));
  }

  @FieldResolver(() => String, { description: '单位 The unit as the article writes it: 人, 名, 家, 个, 元 or %.' })
  unitWord(@Root() row: Indicator) {
    return UNIT_WORD[row.unit];
  }

  @FieldResolver(() => Indicator, { nullable: true, description: '上级指标 The indicator this one is a part (其中) of; null for a top-level indicator.' })
  parent(@Root() row: Indicator, @Ctx() ctx: RequestContext) {
    return row.parent ? byIdLoader(ctx, Indicator).load(row.parent.id) : null;
  }

  @FieldResolver(() => [Indicator], { description: '分项指标 The parts (其中) of this indicator, by code; see `breakdownComplete` before adding them up.' })
  parts(@Root() row: Indicator, @Ctx() ctx: RequestContext) {
    return nestedListLoader(ctx, 'Indicator.parts', Indicator, { from: 'indicator t', match: 't.parent_id = p._parent' }, [
      { column: 'code', direction: 'asc' },
    ]).load(row.id);
  }

  @FieldResolver(() => Programme, { nullable: true, description: '计划 The programme this indicator monitors, if any.' })
  programme(@Root() row: Indicator, @Ctx() ctx: RequestContext) {
    return row.programme ? byIdLoader(ctx, Programme).load(row.programme.id) : null;
  }

  @FieldResolver(() => IndicatorValueConnection, { description: '数值 This indicator’s values, latest period first.' })
  values(@Root() row: Indicator, @Args() page: ConnectionArgs, @Ctx() ctx: RequestContext) {
    return nestedConnectionLoader(
      ctx,
      'Indicator.values',
      IndicatorValue,
      { from: 'indicator_value t', match: 't.indicator_id = p._parent' },
      [{ column: 'period_end', direction: 'desc' }],
      page,
    ).load(row.id);
  }

  @FieldResolver(() => IndicatorValue, {
    nullable: true,
    description: '最新值 The value with the latest period end (any area; on a tie, the one recorded last); null when there is none.',
  })
  async latestValue(@Root() row: Indicator, @Ctx() ctx: RequestContext) {
    const page = await nestedConnectionLoader(
      ctx,
      'Indicator.latest',
      IndicatorValue,
      { from: 'indicator_value t', match: 't.indicator_id = p._parent' },
      [{ column: 'period_end', direction: 'desc' }],
      { first: 1 } as ConnectionArgs,
    ).load(row.id);
    return page.edges[0]?.node ?? null;
  }

  @Mutation(() => Indicator, { description: '新建指标 Create an indicator (admin or editor).' })
  createIndicator(@Arg('input', () => IndicatorInput, { description: '字段 Fields.' }) input: IndicatorInput, @Ctx() ctx: RequestContext) {
    return createIndicator(ctx, input);
  }

  @Mutation(() => Indicator, { description: '修改指标 Update the indicator with this code; only given fields change.' })
  updateIndicator(
    @Arg('code', { description: '编码 Code of the indicator to change.' }) code: string,
    @Arg('input', () => IndicatorInput, { description: '字段 Fields to change.' }) input: IndicatorInput,
    @Ctx() ctx: RequestContext,
  ) {
    return updateIndicator(ctx, code, input);
  }

  @Mutation(() => ID, { description: '删除指标 Delete the indicator with this code (CONFLICT while it has values or parts). Returns its ID.' })
  deleteIndicator(@Arg('code', { description: '编码 Code.' }) code: string, @Ctx() ctx: RequestContext) {
    return deleteIndicator(ctx, code);
  }
}
