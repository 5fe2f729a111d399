import { registerEnumType } from 'type-graphql';

/** Stages a signed project goes through. */
export enum Stage {
  SIGNED = 'SIGNED',
  LANDED = 'LANDED',
  STARTED = 'STARTED',
  OPERATING = 'OPERATING',
  CANCELLED = 'CANCELLED',
}
registerEnumType(Stage, {
  name: 'Stage',
  description: '项目阶段 Project stage: 签约 signed → 落地 landed → 开工 started → 投产 operating, or 取消 cancelled.',
  valuesConfig: {
    SIGNED: { description: '签约 signed' },
    LANDED: { description: '落地 landed (registered and settled in its host area)' },
    STARTED: { description: '开工 construction started' },
    OPERATING: { description: '投产 in operation' },
    CANCELLED: { description: '取消 cancelled' },
  },
});

/** Order of stages, for "current stage" and validation of stage dates. */
export const STAGE_ORDER: readonly Stage[] = [Stage.SIGNED, Stage.LANDED, Stage.STARTED, Stage.OPERATING];

/** Investment tier derived from the signed amount; thresholds are cumulative in filters. */
export enum InvestmentTier {
  BELOW_1YI = 'BELOW_1YI',
  YI_1 = 'YI_1',
  YI_10 = 'YI_10',
  YI_50 = 'YI_50',
}
registerEnumType(InvestmentTier, {
  name: 'InvestmentTier',
  description: '投资规模档次 Investment tier, derived from the signed amount (1亿 = 100,000,000 元). As a filter ("tier at least") thresholds are cumulative.',
  valuesConfig: {
    BELOW_1YI: { description: '亿元以下 below 1亿 (< 100,000,000 元)' },
    YI_1: { description: '亿元以上 1亿 or more (≥ 100,000,000 元)' },
    YI_10: { description: '10亿元以上 10亿 or more (≥ 1,000,000,000 元)' },
    YI_50: { description: '50亿元以上 50亿 or more (≥ 5,000,000,000 元)' },
  },
});

/** Lower bound in yuan of each tier. */
export const TIER_THRESHOLD: Record<InvestmentTier, string> = {
  BELOW_1YI: '0',
  YI_1: '100000000',
  YI_10: '1000000000',
  YI_50: '5000000000',
};
