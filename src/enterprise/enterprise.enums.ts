import { registerEnumType } from 'type-graphql';

/** Ownership of an enterprise. */
export enum Ownership {
  STATE_OWNED = 'STATE_OWNED',
  PRIVATE = 'PRIVATE',
  COLLECTIVE = 'COLLECTIVE',
  FOREIGN_INVESTED = 'FOREIGN_INVESTED',
  OTHER = 'OTHER',
}
registerEnumType(Ownership, {
  name: 'Ownership',
  description: '所有制 Ownership of an enterprise.',
  valuesConfig: {
    STATE_OWNED: { description: '国有企业 state-owned' },
    PRIVATE: { description: '民营企业 private' },
    COLLECTIVE: { description: '集体企业 collective' },
    FOREIGN_INVESTED: { description: '外商投资企业 foreign-invested' },
    OTHER: { description: '其他 other' },
  },
});
