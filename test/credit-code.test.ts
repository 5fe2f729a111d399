import { describe, expect, it } from 'vitest';
import { CREDIT_CODE_ALPHABET, creditCodeCheckChar, makeCreditCode, normalizeCreditCode, validateCreditCode } from '../src/enterprise/credit-code.js';

/** Small deterministic PRNG (mulberry32) so property checks are reproducible. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomPrefix(next: () => number): string {
  const pick = (alphabet: string) => alphabet[Math.floor(next() * alphabet.length)]!;
  let s = pick(CREDIT_CODE_ALPHABET) + pick(CREDIT_CODE_ALPHABET);
  for (let i = 0; i < 6; i++) s += pick('0123456789');
  for (let i = 0; i < 9; i++) s += pick(CREDIT_CODE_ALPHABET);
  return s;
}

describe('creditCodeCheckChar', () => {
  it('computes the check character of real published codes', () => {
    expect(creditCodeCheckChar('91110000600037341')).toBe('L');
    expect(creditCodeCheckChar('91440300192203821')).toBe('6');
    expect(creditCodeCheckChar('9144030071526726X')).toBe('G');
  });

  it('maps a remainder of zero to the character 0', () => {
    expect(creditCodeCheckChar('00000000000000000')).toBe('0');
  });

  it('rejects prefixes that are not 17 characters', () => {
    expect(() => creditCodeCheckChar('9111000060003734')).toThrow(/17 characters/);
  });

  it('rejects prefixes containing characters outside the alphabet', () => {
    expect(() => creditCodeCheckChar('9111000060003734I')).toThrow(/character 17 'I'/);
  });
});

describe('validateCreditCode', () => {
  it('accepts real published codes', () => {
    expect(validateCreditCode('91110000600037341L')).toBeNull();
    expect(validateCreditCode('914403001922038216')).toBeNull();
    expect(validateCreditCode('9144030071526726XG')).toBeNull();
    expect(validateCreditCode('91330100716105852F')).toBeNull();
  });

  it('rejects codes whose check character does not match', () => {
    expect(validateCreditCode('91110000600037341M')).toBe("check character should be 'L', got 'M'");
    expect(validateCreditCode('91330000MA27U0T46X')).toBe("check character should be '1', got 'X'");
    expect(validateCreditCode('91330110MA27XE2B6A')).toBe("check character should be '9', got 'A'");
  });

  it('reports the length when the code is not 18 characters', () => {
    expect(validateCreditCode('91110000600037341')).toBe('must be 18 characters, got 17');
    expect(validateCreditCode('')).toBe('must be 18 characters, got 0');
    expect(validateCreditCode('91110000600037341LL')).toBe('must be 18 characters, got 19');
  });

  it('reports each disallowed letter I, O, Z, S and V with its position', () => {
    for (const bad of ['I', 'O', 'Z', 'S', 'V']) {
      const code = '9111' + bad + '000600037341L';
      expect(validateCreditCode(code)).toBe(`character 5 '${bad}' is not allowed (allowed: 0-9 and A-H, J-N, P-R, T, U, W-Y)`);
    }
  });

  it('rejects lower-case letters, which must be normalised first', () => {
    expect(validateCreditCode('91330100716105852f')).toMatch(/^character 18 'f' is not allowed/);
  });

  it('requires characters 3 to 8 to be a 6-digit division code', () => {
    const code = makeCreditCode('9111A000600037341');
    expect(validateCreditCode(code)).toBe('characters 3-8 must be a 6-digit division code');
  });

  it('counts code points rather than UTF-16 units for the length', () => {
    expect(validateCreditCode('９１１１００００６０００３７３４１Ｌ')).toMatch(/^character 1 '９'/);
  });
});

describe('normalizeCreditCode', () => {
  it('trims, upper-cases and converts full-width characters to half-width', () => {
    expect(normalizeCreditCode('  ９１３３０１００７１６１０５８５２ｆ\u3000')).toBe('91330100716105852F');
    expect(normalizeCreditCode(' 91330100716105852f\n')).toBe('91330100716105852F');
  });

  it('makes full-width real codes valid', () => {
    expect(validateCreditCode(normalizeCreditCode('９１１１００００６０００３７３４１Ｌ'))).toBeNull();
  });
});

describe('makeCreditCode', () => {
  it('appends the check character to the seed', () => {
    expect(makeCreditCode('91110000600037341')).toBe('91110000600037341L');
  });

  it('produces valid codes for 200 random prefixes, and any single-character change invalidates them', () => {
    const next = rng(20150101);
    const invalidGenerated: string[] = [];
    const undetected: string[] = [];
    for (let n = 0; n < 200; n++) {
      const code = makeCreditCode(randomPrefix(next));
      if (validateCreditCode(code) !== null) invalidGenerated.push(code);
      for (let pos = 0; pos < 18; pos++) {
        for (const c of CREDIT_CODE_ALPHABET) {
          if (c === code[pos]) continue;
          const mutated = code.slice(0, pos) + c + code.slice(pos + 1);
          if (validateCreditCode(mutated) === null) undetected.push(`${code} -> ${mutated}`);
        }
      }
    }
    expect(invalidGenerated).toEqual([]);
    expect(undetected).toEqual([]);
  });

  it('detects transpositions of adjacent distinct characters', () => {
    const next = rng(7);
    const undetected: string[] = [];
    for (let n = 0; n < 200; n++) {
      const code = makeCreditCode(randomPrefix(next));
      for (let pos = 0; pos < 17; pos++) {
        if (code[pos] === code[pos + 1]) continue;
        const swapped = code.slice(0, pos) + code[pos + 1] + code[pos] + code.slice(pos + 2);
        if (validateCreditCode(swapped) === null) undetected.push(`${code} -> ${swapped}`);
      }
    }
    expect(undetected).toEqual([]);
  });
});
