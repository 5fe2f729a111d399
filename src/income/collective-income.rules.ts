/** The rules of village collective income (plain functions over plain values), for the mutations and the importer. */
import type { KindAccess } from '../auth/scope.js';
import { compareYuan, sumYuan } from '../common/decimal.js';
import { amount, integer, type Problem, problem, SOURCE_MAX, text } from '../common/rules.js';

/** Years accepted (also a database check). */
export const MIN_YEAR = 1949;
export const MAX_YEAR = 2100;

/** The three parts whose sum is the operating income (经营收入 + 发包及上交收入 + 投资收益). */
export const PARTS = ['businessIncome', 'contractingIncome', 'investmentIncome'] as const;
export type Part = (typeof PARTS)[number];

/** Every optional amount, and whether it may be negative (only 投资收益 may). */
export const AMOUNTS = { businessIncome: false, contractingIncome: false, investmentIncome: true, subsidyIncome: false, otherIncome: false } as const;
export type Amount = keyof typeof AMOUNTS;

export const PARTS_TEXT = '经营收入 businessIncome + 发包及上交收入 contractingIncome + 投资收益 investmentIncome';

export interface IncomeValues {
  year?: number | null;
  source?: string | null;
  /** The optional amounts given (undefined: not given, null: cleared). */
  amounts: Partial<Record<Amount, string | null>>;
  /** Each part as the record will have it (null: none), when it is not being given. */
  currentParts?: Partial<Record<Part, string | null>>;
  /** 经营性收入 as given: undefined = left out (an empty cell), null = explicitly null. */
  operatingIncome: string | null | undefined;
  /** Whether a left-out operating income is computed from the parts (create, a sheet row, or an update giving a part). */
  derive: boolean;
  /** Whether it must be there in the end (create, a sheet row). */
  requireOperating: boolean;
}

/**
 * Years, amounts (only 投资收益 may be negative) and the operating income: equal to the sum of its
 * three parts when all three are known, that sum (which must be 0 or more) when left out.
 * Returns the operating income to store (undefined: unchanged or invalid).
 */
export function incomeRules(v: IncomeValues): { problems: Problem[]; operatingIncome?: string; amounts: Partial<Record<Amount, string | null>> } {
  const out: Problem[] = [];
  if (typeof v.year === 'number') integer(out, 'year', v.year, MIN_YEAR, MAX_YEAR);
  if (typeof v.source === 'string') text(out, 'source', v.source, SOURCE_MAX);
  const valid: Partial<Record<Amount, string | null>> = {};
  const invalid = new Set<Amount>();
  for (const [name, mayBeNegative] of Object.entries(AMOUNTS) as [Amount, boolean][]) {
    const x = v.amounts[name];
    if (x === undefined) continue;
    if (x === null) valid[name] = null;
    else if (amount(out, name, x, mayBeNegative ? 'any' : 'nonnegative') === undefined) invalid.add(name);
    else valid[name] = x;
  }
  const part = (k: Part) => (v.amounts[k] === undefined ? (v.currentParts?.[k] ?? null) : (valid[k] ?? null));
  const parts = PARTS.map(part);
  const sum = PARTS.some((k) => invalid.has(k)) || parts.some((x) => x === null) ? undefined : sumYuan(parts as string[]);

  let operatingIncome: string | undefined;
  if (v.operatingIncome === null) out.push(problem('operatingIncome', 'REQUIRED', 'must not be null'));
  else if (v.operatingIncome !== undefined) {
    operatingIncome = amount(out, 'operatingIncome', v.operatingIncome, 'nonnegative');
    if (operatingIncome !== undefined && sum !== undefined && compareYuan(operatingIncome, sum) !== 0) {
      out.push(problem('operatingIncome', 'SUM', `must equal ${PARTS_TEXT} = ${sum}`, operatingIncome));
      operatingIncome = undefined;
    }
  } else if (sum !== undefined && v.derive) {
    // Left out while all three parts are known: it is their exact sum.
    if (compareYuan(sum, '0') < 0) out.push(problem('operatingIncome', 'NEGATIVE', `must be 0 or more, but ${PARTS_TEXT} = ${sum}`));
    else operatingIncome = sum;
  } else if (v.requireOperating) {
    out.push(problem('operatingIncome', 'REQUIRED', `is required unless ${PARTS.join(', ')} are all given (it is then their sum)`));
  }
  return { problems: out, operatingIncome, amounts: valid };
}

/** Who may write collective income through the API (src/auth/scope.ts). */
export const INCOME_ACCESS: KindAccess = { noun: 'collective income', area: true, partner: false };
