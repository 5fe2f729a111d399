import { compareYuan } from '../common/decimal.js';
import { InvestmentTier, TIER_THRESHOLD } from './project.enums.js';

const DESCENDING: InvestmentTier[] = [InvestmentTier.YI_50, InvestmentTier.YI_10, InvestmentTier.YI_1];

/** The highest tier whose threshold the signed amount (decimal yuan) reaches. */
export function tierOf(signedAmount: string): InvestmentTier {
  return DESCENDING.find((t) => compareYuan(signedAmount, TIER_THRESHOLD[t]) >= 0) ?? InvestmentTier.BELOW_1YI;
}
