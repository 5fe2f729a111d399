import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Area } from '../area/area.entity.js';
import { areaScope, areaScopeCodes, whereAreaScope } from '../common/area-scope.js';
import { ConnectionArgs } from '../common/connection.js';
import type { RequestContext } from '../common/context.js';
import { orderTerms } from '../common/inputs.js';
import { checkKnownCodes } from '../common/known-codes.js';
import { byIdLoader, findOneBy, listConnection, type Where } from '../common/query.js';
import { normalizeCreditCode } from '../enterprise/credit-code.js';
import { Enterprise } from '../enterprise/enterprise.entity.js';
import { PAIRING_CODE } from './pairing.code.js';
import { Pairing } from './pairing.entity.js';
import { Party } from './pairing.enums.js';
import { PAIRING_ORDER_COLUMNS, PairingFilter, PairingInput, PairingOrder, type PairingOrderField } from './pairing.inputs.js';
import { createPairing, deletePairing, updatePairing } from './pairing.service.js';
import { PairingConnection } from './pairing.types.js';

function pairingWhere(filter: PairingFilter | null | undefined): Where {
  return (qb) => {
    if (!filter) return;
    if (filter.codes) qb.whereIn('t.code', filter.codes);
    if (filter.schemes) qb.whereIn('t.scheme', filter.schemes);
    if (filter.areaCode) {
      qb.whereRaw('(select id from area where code = ?) in (t.lead_area_id, t.partner_area_id)', [filter.areaCode.trim()]);
    }
    whereAreaScope(qb, areaScope('filter.area', filter.area), 't.lead_area_id', 't.partner_area_id');
    if (filter.enterpriseCreditCode) {
      qb.whereRaw('(select id from enterprise where credit_code = ?) in (t.lead_enterprise_id, t.partner_enterprise_id)', [
        normalizeCreditCode(filter.enterpriseCreditCode),
      ]);
    }
    if (filter.activeOn) qb.whereRaw('t.start_date <= ?::date and (t.end_date is null or t.end_date >= ?::date)', [filter.activeOn, filter.activeOn]);
  };
}

/** Loads one side of a pairing (an area or an enterprise), batched per request. */
function loadParty(ctx: RequestContext, area: Area | null | undefined, enterprise: Enterprise | null | undefined) {
  if (area) return byIdLoader(ctx, Area).load(area.id);
  if (enterprise) return byIdLoader(ctx, Enterprise).load(enterprise.id);
  return null;
}

/** Root fields, mutations and the two sides of pairings. */
@Resolver(() => Pairing)
export class PairingResolver {
  @Query(() => PairingConnection, { description: '结对列表 Pairings, filtered and sorted, as a cursor connection.' })
  async pairings(
    @Args() page: ConnectionArgs,
    @Arg('filter', () => PairingFilter, { nullable: true, description: '筛选 Filter.' }) filter: PairingFilter | null,
    @Arg('orderBy', () => [PairingOrder], { nullable: true, description: '排序 Sort keys, in order; default by code.' })
    orderBy: { field: PairingOrderField; direction: never }[] | null,
    @Ctx() ctx: RequestContext,
  ) {
    const order = orderTerms(orderBy, PAIRING_ORDER_COLUMNS, [{ column: 'code', direction: 'asc' }]);
    await checkKnownCodes(ctx, [
      ...areaScopeCodes(areaScope('filter.area', filter?.area)),
      { field: 'filter.areaCode', table: 'area', column: 'code', codes: filter?.areaCode ? [filter.areaCode.trim()] : null, single: true },
    ]);
    return listConnection(ctx, Pairing, pairingWhere(filter), order, page);
  }

  @Query(() => Pairing, { nullable: true, description: '结对 One pairing by its code; null if there is none.' })
  pairing(@Arg('code', { description: '结对编号 Pairing code.' }) code: string, @Ctx() ctx: RequestContext) {
    return findOneBy(ctx, Pairing, 'code', PAIRING_CODE.normalise(code));
  }

  @FieldResolver(() => Party, { description: '牵头方 The lead party: an area (e.g. 未来科技城) or an enterprise.' })
  lead(@Root() pairing: Pairing, @Ctx() ctx: RequestContext) {
    return loadParty(ctx, pairing.leadArea, pairing.leadEnterprise);
  }

  @FieldResolver(() => Party, { description: '结对方 The partner party: an area (e.g. a mountain town or a village) or an enterprise.' })
  partner(@Root() pairing: Pairing, @Ctx() ctx: RequestContext) {
    return loadParty(ctx, pairing.partnerArea, pairing.partnerEnterprise);
  }

  @Mutation(() => Pairing, { description: '新建结对 Create a pairing.' })
  createPairing(@Arg('input', () => PairingInput, { description: '字段 Fields.' }) input: PairingInput, @Ctx() ctx: RequestContext) {
    return createPairing(ctx, input);
  }

  @Mutation(() => Pairing, { description: '修改结对 Update the pairing with this code; only given fields change.' })
  updatePairing(
    @Arg('code', { description: '结对编号 Code of the pairing to change.' }) code: string,
    @Arg('input', () => PairingInput, { description: '字段 Fields to change.' }) input: PairingInput,
    @Ctx() ctx: RequestContext,
  ) {
    return updatePairing(ctx, code, input);
  }

  @Mutation(() => ID, { description: '删除结对 Delete the pairing with this code; CONFLICT while anything refers to it. Returns its ID.' })
  deletePairing(@Arg('code', { description: '结对编号 Pairing code.' }) code: string, @Ctx() ctx: RequestContext) {
    return deletePairing(ctx, code);
  }
}
