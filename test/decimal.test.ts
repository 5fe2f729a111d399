import { describe, expect, it } from 'vitest';
import { addYuan, compareYuan, DecimalError, parseYuan, ratio, roundDecimal, subYuan, sumYuan, toUnit } from '../src/common/decimal.js';

describe('parseYuan', () => {
  it('returns canonical strings for plain amounts', () => {
    expect(parseYuan('710000000')).toBe('710000000');
    expect(parseYuan('1234.50')).toBe('1234.5');
    expect(parseYuan('0.01')).toBe('0.01');
    expect(parseYuan('007.10')).toBe('7.1');
    expect(parseYuan('5.00')).toBe('5');
    expect(parseYuan('+12')).toBe('12');
    expect(parseYuan('-12.3')).toBe('-12.3');
  });

  it('normalises negative zero to zero', () => {
    expect(parseYuan('-0')).toBe('0');
    expect(parseYuan('-0.00')).toBe('0');
    expect(parseYuan(-0)).toBe('0');
  });

  it('accepts safe integer numbers', () => {
    expect(parseYuan(710000000)).toBe('710000000');
    expect(parseYuan(-5)).toBe('-5');
  });

  it('rejects non-integer numbers and asks for strings', () => {
    expect(() => parseYuan(0.1)).toThrow(DecimalError);
    expect(() => parseYuan(0.1)).toThrow(/pass decimals as strings/);
    expect(() => parseYuan(Number.NaN)).toThrow(DecimalError);
    expect(() => parseYuan(Infinity)).toThrow(DecimalError);
    expect(() => parseYuan(2 ** 60)).toThrow(/safe integer/);
  });

  it('accepts thousands separators only in correct positions', () => {
    expect(parseYuan('1,234.50')).toBe('1234.5');
    expect(parseYuan('12,345,678')).toBe('12345678');
    expect(() => parseYuan('1,23')).toThrow(/thousands separators/);
    expect(() => parseYuan('1234,567')).toThrow(DecimalError);
    expect(() => parseYuan(',123')).toThrow(DecimalError);
    expect(() => parseYuan('1,234,')).toThrow(DecimalError);
  });

  it('accepts full-width digits, separators and surrounding spaces', () => {
    expect(parseYuan('  １，２３４．５０\u3000')).toBe('1234.5');
    expect(parseYuan('\t42\n')).toBe('42');
  });

  it('converts the unit suffixes 元, 万, 万元, 亿 and 亿元', () => {
    expect(parseYuan('12.5元')).toBe('12.5');
    expect(parseYuan('450万')).toBe('4500000');
    expect(parseYuan('450万元')).toBe('4500000');
    expect(parseYuan('7.1亿')).toBe('710000000');
    expect(parseYuan('7.1 亿元')).toBe('710000000');
    expect(parseYuan('0.0001万')).toBe('1');
    expect(parseYuan('1.2345678亿')).toBe('123456780');
    expect(parseYuan('-3万')).toBe('-30000');
  });

  it('allows at most 2 decimal places (fen) after unit conversion', () => {
    expect(() => parseYuan('0.001')).toThrow(/at most 2 decimal places \(fen\)/);
    expect(() => parseYuan('0.0000001万')).toThrow(/at most 2 decimal places \(fen\)/);
    expect(() => parseYuan('1.00000000001亿')).toThrow(/at most 2 decimal places \(fen\)/);
    expect(parseYuan('1.000000001亿')).toBe('100000000.1');
    expect(parseYuan('1.0000000001亿')).toBe('100000000.01');
    expect(parseYuan('0.000001万')).toBe('0.01');
    expect(parseYuan('0.010')).toBe('0.01');
  });

  it('rejects empty and whitespace-only input', () => {
    expect(() => parseYuan('')).toThrow(/empty/);
    expect(() => parseYuan('   ')).toThrow(/empty/);
  });

  it('rejects NaN-like input', () => {
    expect(() => parseYuan('NaN')).toThrow(/not a number/);
    expect(() => parseYuan('Infinity')).toThrow(/not a number/);
    expect(() => parseYuan('-inf')).toThrow(/not a number/);
  });

  it('rejects exponent notation', () => {
    expect(() => parseYuan('1e5')).toThrow(/exponent notation/);
    expect(() => parseYuan('1.5E+3')).toThrow(/exponent notation/);
  });

  it('rejects malformed numbers', () => {
    for (const bad of ['.5', '5.', '1.2.3', '--1', '12abc', '亿', '0x10', '1 000', '万5']) {
      expect(() => parseYuan(bad), bad).toThrow(DecimalError);
    }
  });

  it('rejects input longer than 40 characters', () => {
    expect(() => parseYuan('1'.repeat(41))).toThrow(/too long/);
    expect(parseYuan('1'.repeat(40))).toBe('1'.repeat(40));
  });

  it('throws errors that are instances of DecimalError and Error', () => {
    try {
      parseYuan('x');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecimalError);
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).name).toBe('DecimalError');
    }
  });
});

describe('toUnit', () => {
  it('shifts the decimal point exactly', () => {
    expect(toUnit('710000000', 'YI')).toBe('7.1');
    expect(toUnit('4500000', 'WAN')).toBe('450');
    expect(toUnit('1234.5', 'WAN')).toBe('0.12345');
    expect(toUnit('1234.5', 'YUAN')).toBe('1234.5');
    expect(toUnit('0.01', 'YI')).toBe('0.0000000001');
    expect(toUnit('-30000', 'WAN')).toBe('-3');
    expect(toUnit('0', 'YI')).toBe('0');
  });

  it('round-trips with parseYuan', () => {
    expect(parseYuan('7.1亿')).toBe('710000000');
    expect(toUnit(parseYuan('7.1亿'), 'YI')).toBe('7.1');
    for (const s of ['0.01', '1234.5', '987654321.99', '-42']) {
      expect(parseYuan(toUnit(s, 'WAN') + '万')).toBe(s);
      expect(parseYuan(toUnit(s, 'YI') + '亿')).toBe(s);
    }
  });
});

describe('addYuan, subYuan, sumYuan and compareYuan', () => {
  it('adds decimals exactly where floats would not', () => {
    expect(addYuan('0.1', '0.2')).toBe('0.3');
    expect(sumYuan(Array(10).fill('0.1'))).toBe('1');
    expect(addYuan('9007199254740993', '0.01')).toBe('9007199254740993.01');
  });

  it('subtracts into canonical form, including negatives and zero', () => {
    expect(subYuan('0.3', '0.1')).toBe('0.2');
    expect(subYuan('1', '1.50')).toBe('-0.5');
    expect(subYuan('2.5', '2.50')).toBe('0');
  });

  it('sums an empty list to zero', () => {
    expect(sumYuan([])).toBe('0');
  });

  it('compares by value regardless of scale', () => {
    expect(compareYuan('1.5', '1.50')).toBe(0);
    expect(compareYuan('1.49', '1.5')).toBe(-1);
    expect(compareYuan('10', '9.99')).toBe(1);
    expect(compareYuan('-1', '0')).toBe(-1);
  });

  it('rejects malformed operands', () => {
    expect(() => addYuan('1e3', '1')).toThrow(DecimalError);
    expect(() => compareYuan('', '1')).toThrow(DecimalError);
  });
});

describe('ratio', () => {
  it('divides and rounds half-up to the requested scale', () => {
    expect(ratio('15000000', '115000000', 4)).toBe('0.1304');
    expect(ratio('2', '3', 2)).toBe('0.67');
    expect(ratio('1', '8', 2)).toBe('0.13');
    expect(ratio('1.5', '0.5', 3)).toBe('3');
    expect(ratio('10', '4', 0)).toBe('3');
  });

  it('rounds negative halves away from zero', () => {
    expect(ratio('-1', '8', 2)).toBe('-0.13');
    expect(ratio('1', '-8', 2)).toBe('-0.13');
    expect(ratio('-1', '-8', 2)).toBe('0.13');
  });

  it('returns null when the denominator is zero', () => {
    expect(ratio('5', '0', 2)).toBeNull();
    expect(ratio('5', '0.00', 2)).toBeNull();
  });

  it('rejects an invalid scale', () => {
    expect(() => ratio('1', '3', -1)).toThrow(DecimalError);
    expect(() => ratio('1', '3', 1.5)).toThrow(DecimalError);
  });
});

describe('roundDecimal', () => {
  it('rounds half away from zero', () => {
    expect(roundDecimal('1.005', 2)).toBe('1.01');
    expect(roundDecimal('1.004', 2)).toBe('1');
    expect(roundDecimal('-1.005', 2)).toBe('-1.01');
    expect(roundDecimal('2.5', 0)).toBe('3');
    expect(roundDecimal('-2.5', 0)).toBe('-3');
    expect(roundDecimal('0.12345', 4)).toBe('0.1235');
  });

  it('leaves values already within scale unchanged but canonical', () => {
    expect(roundDecimal('1.50', 4)).toBe('1.5');
    expect(roundDecimal('007', 2)).toBe('7');
  });

  it('never produces negative zero', () => {
    expect(roundDecimal('-0.004', 2)).toBe('0');
  });
});
