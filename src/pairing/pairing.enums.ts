import { createUnionType, registerEnumType } from 'type-graphql';
import { Area } from '../area/area.entity.js';
import { Enterprise } from '../enterprise/enterprise.entity.js';

/** The collaboration scheme a pairing belongs to. */
export enum PairingScheme {
  CITY_MOUNTAIN = 'CITY_MOUNTAIN',
  SOE_TOWN = 'SOE_TOWN',
  ENTERPRISE_VILLAGE = 'ENTERPRISE_VILLAGE',
  OTHER = 'OTHER',
}
registerEnumType(PairingScheme, {
  name: 'PairingScheme',
  description: '结对机制 Pairing scheme.',
  valuesConfig: {
    CITY_MOUNTAIN: { description: '"1+5" 山城协作 city–mountain: 未来科技城 with each of the five mountain towns' },
    SOE_TOWN: { description: '"5+5" 镇企合作 a district state-owned enterprise with a mountain town' },
    ENTERPRISE_VILLAGE: { description: '百企百社结对 an enterprise with a village or community' },
    OTHER: { description: '其他 other pairing' },
  },
});

/** Either side of a pairing: an area or an enterprise. */
export const Party = createUnionType({
  name: 'Party',
  description: '结对方 A party to a pairing: an area (platform, town, village) or an enterprise.',
  types: () => [Area, Enterprise] as const,
  resolveType: (value) => (value instanceof Enterprise ? Enterprise : Area),
});
