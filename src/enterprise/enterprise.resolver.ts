import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { ConnectionArgs } from '../common/connection.js';
import type { RequestContext } from '../common/context.js';
import { orderTerms } from '../common/inputs.js';
import { findOneBy, likeContains, listConnection, type Where } from '../common/query.js';
import { normalizeCreditCode } from './credit-code.js';
import { Enterprise } from './enterprise.entity.js';
import { ENTERPRISE_ORDER_COLUMNS, EnterpriseFilter, EnterpriseInput, EnterpriseOrder, type EnterpriseOrderField } from './enterprise.inputs.js';
import { createEnterprise, deleteEnterprise, updateEnterprise } from './enterprise.service.js';
import { EnterpriseConnection } from './enterprise.types.js';

function enterpriseWhere(filter: EnterpriseFilter | null | undefined): Where {
  return (qb) => {
    if (!filter) return;
    if (filter.creditCodes) qb.whereIn('t.credit_code', filter.creditCodes.map(normalizeCreditCode));
    if (filter.ownerships) qb.whereIn('t.ownership', filter.ownerships);
    // `@>` (rather than `? = any(t.tags)`) so the GIN index on tags can serve it.
    if (filter.tag !== null && filter.tag !== undefined) qb.whereRaw('t.tags @> array[?]::text[]', [filter.tag.trim()]);
    if (filter.nameContains) qb.whereILike('t.name', likeContains(filter.nameContains));
  };
}

/** Root fields and mutations of enterprises. */
@Resolver(() => Enterprise)
export class EnterpriseResolver {
  @Query(() => EnterpriseConnection, { description: '企业列表 Enterprises, filtered and sorted, as a cursor connection.' })
  enterprises(
    @Args() page: ConnectionArgs,
    @Arg('filter', () => EnterpriseFilter, { nullable: true, description: '筛选 Filter.' }) filter: EnterpriseFilter | null,
    @Arg('orderBy', () => [EnterpriseOrder], { nullable: true, description: '排序 Sort keys, in order; default by credit code.' })
    orderBy: { field: EnterpriseOrderField; direction: never }[] | null,
    @Ctx() ctx: RequestContext,
  ) {
    const order = orderTerms(orderBy, ENTERPRISE_ORDER_COLUMNS, [{ column: 'credit_code', direction: 'asc' }]);
    return listConnection(ctx, Enterprise, enterpriseWhere(filter), order, page);
  }

  @Query(() => Enterprise, { nullable: true, description: '企业 One enterprise by its unified social credit code; null if there is none.' })
  enterprise(
    @Arg('creditCode', { description: '统一社会信用代码 Credit code (case and full-width characters do not matter).' }) creditCode: string,
    @Ctx() ctx: RequestContext,
  ) {
    return findOneBy(ctx, Enterprise, 'credit_code', normalizeCreditCode(creditCode));
  }

  @Mutation(() => Enterprise, { description: '新建企业 Create an enterprise.' })
  createEnterprise(@Arg('input', () => EnterpriseInput, { description: '字段 Fields.' }) input: EnterpriseInput, @Ctx() ctx: RequestContext) {
    return createEnterprise(ctx, input);
  }

  @Mutation(() => Enterprise, { description: '修改企业 Update the enterprise with this credit code; only given fields change.' })
  updateEnterprise(
    @Arg('creditCode', { description: '统一社会信用代码 Credit code of the enterprise to change.' }) creditCode: string,
    @Arg('input', () => EnterpriseInput, { description: '字段 Fields to change.' }) input: EnterpriseInput,
    @Ctx() ctx: RequestContext,
  ) {
    return updateEnterprise(ctx, creditCode, input);
  }

  @Mutation(() => ID, { description: '删除企业 Delete the enterprise with this credit code; CONFLICT while anything refers to it. Returns its ID.' })
  deleteEnterprise(@Arg('creditCode', { description: '统一社会信用代码 Credit code.' }) creditCode: string, @Ctx() ctx: RequestContext) {
    return deleteEnterprise(ctx, creditCode);
  }
}
