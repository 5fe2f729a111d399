import { identifierScalar, patternIdentifier } from '../common/identifiers.js';

const CODE = {
  max: 40,
  pattern: /^[A-Z0-9][A-Z0-9_-]{1,39}$/,
  rule: 'must be 2–40 characters of A–Z, 0–9, _ and -, starting with a letter or digit (e.g. TALENT_TOTAL)',
  upper: true,
};

/** 计划编码: 2–40 of A–Z 0–9 _ -; upper-cased. */
export const PROGRAMME_CODE = patternIdentifier({ name: 'ProgrammeCode', noun: 'programme code', ...CODE });
/** 指标编码: the same rule as programme codes. */
export const INDICATOR_CODE = patternIdentifier({ name: 'IndicatorCode', noun: 'indicator code', ...CODE });

export const ProgrammeCodeScalar = identifierScalar(
  PROGRAMME_CODE,
  '计划编码 Programme code: 2–40 characters of A–Z, 0–9, _ and -, e.g. "TALENT_ENCLAVE". Stored upper-cased; full-width characters and surrounding spaces are normalised.',
);
export const IndicatorCodeScalar = identifierScalar(
  INDICATOR_CODE,
  '指标编码 Indicator code: 2–40 characters of A–Z, 0–9, _ and -, e.g. "TALENT_TOTAL". Stored upper-cased; full-width characters and surrounding spaces are normalised.',
);
