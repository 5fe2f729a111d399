import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Area } from '../area/area.entity.js';
import { ConnectionArgs } from '../common/connection.js';
import type { RequestContext } from '../common/context.js';
import { nestedConnectionLoader, type NestedSource, type OrderTerm } from '../common/query.js';
import { Enterprise } from '../enterprise/enterprise.entity.js';
import { Pairing } from './pairing.entity.js';
import { PairingConnection } from './pairing.types.js';

/** Nested pairing lists run oldest first, then by code. */
const NESTED_ORDER: OrderTerm[] = [
  { column: 'start_date', direction: 'asc' },
  { column: 'code', direction: 'asc' },
];

/** Pairings in which a party is lead or partner: listed under each of its sides. */
function pairingsOfParty(leadColumn: string, partnerColumn: string): NestedSource {
  return { from: 'pairing t', match: `(t.${leadColumn} = p._parent or t.${partnerColumn} = p._parent)` };
}

/** `Area.pairings`: the pairings an area takes part in. */
@Resolver(() => Area)
export class AreaPairingsResolver {
  @FieldResolver(() => PairingConnection, { description: '结对 Pairings in which this area itself is the lead or the partner, by start date then code.' })
  pairings(@Root() area: Area, @Args() page: ConnectionArgs, @Ctx() ctx: RequestContext) {
    return nestedConnectionLoader(ctx, 'Area.pairings', Pairing, pairingsOfParty('lead_area_id', 'partner_area_id'), NESTED_ORDER, page).load(area.id);
  }
}

/** `Enterprise.pairings`: the pairings an enterprise takes part in. */
@Resolver(() => Enterprise)
export class EnterprisePairingsResolver {
  @FieldResolver(() => PairingConnection, { description: '结对 Pairings in which this enterprise is the lead or the partner, by start date then code.' })
  pairings(@Root() enterprise: Enterprise, @Args() page: ConnectionArgs, @Ctx() ctx: RequestContext) {
    return nestedConnectionLoader(ctx, 'Enterprise.pairings', Pairing, pairingsOfParty('lead_enterprise_id', 'partner_enterprise_id'), NESTED_ORDER, page).load(
      enterprise.id,
    );
  }
}
