import { type Identifier, identifierScalar } from '../common/identifiers.js';
/**
 * Unified social credit code (统一社会信用代码), GB 32100-2015.
 *
 * Layout (18 characters):
 * - 1: registration authority code (登记管理部门码)
 * - 2: entity type code (机构类别码)
 * - 3–8: administrative division code (登记管理机关行政区划码), 6 digits
 * - 9–17: organisation code / body identifier (主体标识码, GB 11714)
 * - 18: check character (校验码)
 */

/** The 31 characters allowed in a credit code; a character's value is its index here. */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Human-readable description of {@link CREDIT_CODE_ALPHABET}, used in error messages. */
const ALPHABET_DESCRIPTION = '0-9 and A-H, J-N, P-R, T, U, W-Y';

/** Weights for positions 1–17 (3^(i-1) mod 31). */
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

function charValue(c: string): number {
  return CREDIT_CODE_ALPHABET.indexOf(c);
}

/**
 * Computes the check character (position 18) for the first 17 characters of a credit code.
 * C18 = 31 − (Σ value(Ci)·Wi mod 31), where 31 maps to 0.
 * @throws Error if `first17` is not 17 characters from the credit-code alphabet.
 */
export function creditCodeCheckChar(first17: string): string {
  if (first17.length !== 17) {
    throw new Error(`credit code prefix must be 17 characters, got ${first17.length}`);
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = charValue(first17[i]!);
    if (v < 0) {
      throw new Error(`character ${i + 1} '${first17[i]}' is not allowed (allowed: ${ALPHABET_DESCRIPTION})`);
    }
    sum += v * WEIGHTS[i]!;
  }
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/**
 * Validates an (already upper-case, see {@link normalizeCreditCode}) unified social credit code.
 * @returns `null` when valid, otherwise a human-readable description of the first rule that failed,
 *   e.g. `must be 18 characters, got 17` or `check character should be 'X', got 'Y'`.
 */
export function validateCreditCode(code: string): string | null {
  const chars = Array.from(code);
  if (chars.length !== 18) return `must be 18 characters, got ${chars.length}`;
  for (let i = 0; i < 18; i++) {
    if (charValue(chars[i]!) < 0) {
      return `character ${i + 1} '${chars[i]}' is not allowed (allowed: ${ALPHABET_DESCRIPTION})`;
    }
  }
  if (!/^[0-9]{6}$/.test(code.slice(2, 8))) {
    return 'characters 3-8 must be a 6-digit division code';
  }
  const expected = creditCodeCheckChar(code.slice(0, 17));
  if (code[17] !== expected) return `check character should be '${expected}', got '${code[17]}'`;
  return null;
}

/**
 * Normalises user input: converts full-width ASCII (U+FF01–U+FF5E) and the ideographic space
 * to half-width, trims surrounding whitespace and upper-cases. Does not validate.
 */
export function normalizeCreditCode(s: string): string {
  return s
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .trim()
    .toUpperCase();
}

/**
 * Builds a valid credit code from 17 characters by appending the check character
 * (convenience for tests and seed data).
 * @throws Error if `seed17` is not 17 characters from the credit-code alphabet.
 */
export function makeCreditCode(seed17: string): string {
  return seed17 + creditCodeCheckChar(seed17);
}

/** 统一社会信用代码 as an identifier kind: normalised by {@link normalizeCreditCode}, checked by {@link validateCreditCode}. */
export const CREDIT_CODE: Identifier = { name: 'CreditCode', noun: 'credit code', normalise: normalizeCreditCode, validate: validateCreditCode };

export const CreditCodeScalar = identifierScalar(
  CREDIT_CODE,
  '统一社会信用代码 Unified social credit code (GB 32100-2015): 18 characters with its check character, e.g. "91110000600037341L". ' +
    'Upper-cased; full-width characters and surrounding spaces are normalised.',
);
