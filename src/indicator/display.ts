/**
 * Writes an indicator value the way the article does. The rules (README, "Display rules"):
 * - counts (人, 名, 家, 个): below 10,000 in full digits without separators (5770名, 9334人);
 *   from 10,000 in 万 when that needs at most two decimals (36万人, 2.3万个), else in full digits;
 * - money (元): from 1亿 in 亿元 when that needs at most two decimals (22.39亿元), else from 1万 in
 *   万元 likewise (40万元, 3000万元), else in 元;
 * - percentages: the value and % (55.77%); a growth rate carries its sign (+55.77%, -3.2%);
 * - qualifier words where the article puts them: 余 after the number, before 万/亿 and the unit
 *   (340余人, 40余万元); 超, 突破 and 约 before the number (超3000万元, 突破36万人, 约36万人);
 *   以上 after the unit (10%以上).
 */
import { compareYuan, roundDecimal, toUnit } from '../common/decimal.js';

export type UnitWord = '人' | '名' | '家' | '个' | '元' | '%';
export type QualifierWord = '余' | '超' | '以上' | '突破' | '约';

const fractionDigits = (v: string) => (v.includes('.') ? v.split('.')[1]!.length : 0);

/** The number and its 万/亿 multiplier for a value of this unit, e.g. ["22.39", "亿"]. */
export function scaled(value: string, unit: UnitWord): [string, string] {
  if (unit === '%') return [value, ''];
  const abs = value.replace(/^-/, '');
  const steps: [string, 'YI' | 'WAN', string][] =
    unit === '元'
      ? [
          ['100000000', 'YI', '亿'],
          ['10000', 'WAN', '万'],
        ]
      : [['10000', 'WAN', '万']];
  for (const [threshold, u, word] of steps) {
    if (compareYuan(abs, threshold) < 0) continue;
    const inUnit = toUnit(value, u);
    if (fractionDigits(inUnit) <= 2) return [inUnit, word];
  }
  return [value, ''];
}

/** The value as the article writes it, with its qualifier word, e.g. `340余人`, `22.39亿元`, `超3000万元`. */
export function displayValue(value: string, unit: UnitWord, word: QualifierWord | null): string {
  const [number, multiplier] = scaled(value, unit);
  switch (word) {
    case '余':
      return `${number}余${multiplier}${unit}`;
    case '以上':
      return `${number}${multiplier}${unit}以上`;
    case '超':
    case '突破':
    case '约':
      return `${word}${number}${multiplier}${unit}`;
    default:
      return `${number}${multiplier}${unit}`;
  }
}

/** A growth rate in percent with its sign and two decimals at most, e.g. `+55.77%`, `-3.2%`, `0%`. */
export function displayGrowth(percent: string): string {
  const r = roundDecimal(percent, 2);
  return `${compareYuan(r, '0') > 0 ? '+' : ''}${r}%`;
}
