import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Area } from '../area/area.entity.js';
import { type AreaScope, areaScope, areaScopeCodes, whereAreaScope } from '../common/area-scope.js';
import { ConnectionArgs } from '../common/connection.js';
import type { RequestContext } from '../common/context.js';
import { inUnit, orderTerms, UNIT_ARG } from '../common/inputs.js';
import { checkKnownCodes, trimmed } from '../common/known-codes.js';
import { byIdLoader, listConnection, type Where } from '../common/query.js';
import { MoneyScalar, MoneyUnit } from '../common/scalars.js';
import { CollectiveIncome } from './collective-income.entity.js';
import {
  COLLECTIVE_INCOME_ORDER_COLUMNS,
  CollectiveIncomeFilter,
  CollectiveIncomeInput,
  CollectiveIncomeKeyInput,
  CollectiveIncomeOrder,
  type CollectiveIncomeOrderField,
} from './collective-income.inputs.js';
import { createCollectiveIncome, deleteCollectiveIncome, findCollectiveIncome, updateCollectiveIncome } from './collective-income.service.js';
import { CollectiveIncomeConnection } from './collective-income.types.js';

function incomeWhere(filter: CollectiveIncomeFilter | null | undefined): Where {
  return (qb) => {
    if (!filter) return;
    whereAreaScope(qb, incomeListAreaScope(filter), 't.village_id');
    if (filter.year !== null && filter.year !== undefined) qb.where('t.year', filter.year);
    if (filter.years?.from !== null && filter.years?.from !== undefined) qb.where('t.year', '>=', filter.years.from);
    if (filter.years?.to !== null && filter.years?.to !== undefined) qb.where('t.year', '<=', filter.years.to);
    if (filter.villageCodes) {
      const codes = filter.villageCodes.map((c) => c.trim());
      qb.whereIn('t.village_id', (sub) => sub.select('id').from('area').whereIn('code', codes));
    }
  };
}

/** The area scope of a collective-income list filter, the deprecated `within` included. */
function incomeListAreaScope(filter: CollectiveIncomeFilter | null | undefined): AreaScope {
  return areaScope('filter.area', filter?.area, [{ field: 'filter.within', codes: filter?.within }]);
}

/** Queries, fields and mutations of village collective-economy income. */
@Resolver(() => CollectiveIncome)
export class CollectiveIncomeResolver {
  @Query(() => CollectiveIncomeConnection, {
    description: '村集体经济收入列表 Yearly collective-economy income of villages, filtered and sorted (default: latest year first), as a cursor connection.',
  })
  async collectiveIncomes(
    @Args() page: ConnectionArgs,
    @Arg('filter', () => CollectiveIncomeFilter, { nullable: true, description: '筛选 Filter.' }) filter: CollectiveIncomeFilter | null,
    @Arg('orderBy', () => [CollectiveIncomeOrder], { nullable: true, description: '排序 Sort keys, in order; default by year, latest first.' })
    orderBy: { field: CollectiveIncomeOrderField; direction: never }[] | null,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const order = orderTerms(orderBy, COLLECTIVE_INCOME_ORDER_COLUMNS, [{ column: 'year', direction: 'desc' }]);
    await checkKnownCodes(ctx, [
      ...areaScopeCodes(incomeListAreaScope(filter)),
      {
        field: 'filter.villageCodes',
        table: 'area',
        column: 'code',
        codes: trimmed(filter?.villageCodes),
        condition: `kind in ('VILLAGE', 'COMMUNITY')`,
        what: 'village or community',
      },
    ]);
    return listConnection(ctx, CollectiveIncome, incomeWhere(filter), order, page, { info, joins: ['village'] });
  }

  @Query(() => CollectiveIncome, { nullable: true, description: '村集体经济收入 One village’s collective income for one year; null if there is none.' })
  collectiveIncomeRecord(
    @Arg('key', () => CollectiveIncomeKeyInput, { description: '键 Village code and year.' }) key: CollectiveIncomeKeyInput,
    @Ctx() ctx: RequestContext,
  ) {
    return findCollectiveIncome(ctx.em, key);
  }

  @FieldResolver(() => Area, { description: '村社 The village (行政村) or community (社区).' })
  village(@Root() row: CollectiveIncome, @Ctx() ctx: RequestContext) {
    return byIdLoader(ctx, Area).load(row.village.id);
  }

  @FieldResolver(() => MoneyScalar, {
    description:
      '经营性收入 Village collective economy operating income (村集体经济经营性收入) = 经营收入 businessIncome + 发包及上交收入 contractingIncome + 投资收益 investmentIncome. ' +
      'Subsidies (补助收入) and other income (其他收入) are NOT part of it. Always present, even when the parts are not reported.',
  })
  operatingIncome(@Root() row: CollectiveIncome, @Arg('unit', () => MoneyUnit, UNIT_ARG) unit: MoneyUnit) {
    return inUnit(row.operatingIncome, unit);
  }

  @FieldResolver(() => MoneyScalar, {
    nullable: true,
    description: '经营收入 Business income from the collective’s own operations; part of operating income; null when not reported.',
  })
  businessIncome(@Root() row: CollectiveIncome, @Arg('unit', () => MoneyUnit, UNIT_ARG) unit: MoneyUnit) {
    return inUnit(row.businessIncome, unit);
  }

  @FieldResolver(() => MoneyScalar, {
    nullable: true,
    description:
      '发包及上交收入 Contracting-out and remitted income (leases of collective land and assets, remittances); part of operating income; null when not reported.',
  })
  contractingIncome(@Root() row: CollectiveIncome, @Arg('unit', () => MoneyUnit, UNIT_ARG) unit: MoneyUnit) {
    return inUnit(row.contractingIncome, unit);
  }

  @FieldResolver(() => MoneyScalar, {
    nullable: true,
    description: '投资收益 Investment income, negative for a loss; part of operating income; null when not reported.',
  })
  investmentIncome(@Root() row: CollectiveIncome, @Arg('unit', () => MoneyUnit, UNIT_ARG) unit: MoneyUnit) {
    return inUnit(row.investmentIncome, unit);
  }

  @FieldResolver(() => MoneyScalar, { nullable: true, description: '补助收入 Subsidy income; NOT part of operating income; null when not reported.' })
  subsidyIncome(@Root() row: CollectiveIncome, @Arg('unit', () => MoneyUnit, UNIT_ARG) unit: MoneyUnit) {
    return inUnit(row.subsidyIncome, unit);
  }

  @FieldResolver(() => MoneyScalar, { nullable: true, description: '其他收入 Other income; NOT part of operating income; null when not reported.' })
  otherIncome(@Root() row: CollectiveIncome, @Arg('unit', () => MoneyUnit, UNIT_ARG) unit: MoneyUnit) {
    return inUnit(row.otherIncome, unit);
  }

  @Mutation(() => CollectiveIncome, { description: '新建村集体经济收入 Record a village’s collective income for one year.' })
  createCollectiveIncome(@Arg('input', () => CollectiveIncomeInput, { description: '字段 Fields.' }) input: CollectiveIncomeInput, @Ctx() ctx: RequestContext) {
    return createCollectiveIncome(ctx, input);
  }

  @Mutation(() => CollectiveIncome, { description: '修改村集体经济收入 Update the row with this key; only given fields change.' })
  updateCollectiveIncome(
    @Arg('key', () => CollectiveIncomeKeyInput, { description: '键 Village code and year of the row to change.' }) key: CollectiveIncomeKeyInput,
    @Arg('input', () => CollectiveIncomeInput, { description: '字段 Fields to change.' }) input: CollectiveIncomeInput,
    @Ctx() ctx: RequestContext,
  ) {
    return updateCollectiveIncome(ctx, key, input);
  }

  @Mutation(() => ID, { description: '删除村集体经济收入 Delete the row with this key. Returns its ID.' })
  deleteCollectiveIncome(
    @Arg('key', () => CollectiveIncomeKeyInput, { description: '键 Village code and year.' }) key: CollectiveIncomeKeyInput,
    @Ctx() ctx: RequestContext,
  ) {
    return deleteCollectiveIncome(ctx, key);
  }
}
