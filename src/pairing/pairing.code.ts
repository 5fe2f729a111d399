import { identifierScalar, patternIdentifier } from '../common/identifiers.js';

/** 结对编号: 1–64 of A–Z 0–9 . _ -, starting with a letter or digit; upper-cased. */
export const PAIRING_CODE = patternIdentifier({
  name: 'PairingCode',
  noun: 'pairing code',
  max: 64,
  pattern: /^[A-Z0-9][A-Z0-9._-]*$/,
  rule: 'must be letters, digits, ".", "_" or "-", starting with a letter or digit',
  upper: true,
});

export const PairingCodeScalar = identifierScalar(
  PAIRING_CODE,
  '结对编号 Pairing code: 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit, e.g. "CM-330110109". ' +
    'Stored upper-cased; full-width characters and surrounding spaces are normalised.',
);
