import { identifierScalar, patternIdentifier } from '../common/identifiers.js';

/** 项目编号: 1–64 of A–Z 0–9 . _ - /, starting with a letter or digit; upper-cased (codes are case-insensitive). */
export const PROJECT_CODE = patternIdentifier({
  name: 'ProjectCode',
  noun: 'project code',
  max: 64,
  pattern: /^[A-Z0-9][A-Z0-9._\-/]*$/,
  rule: 'may only contain letters, digits, ".", "_", "-" and "/", starting with a letter or digit',
  upper: true,
});

export const ProjectCodeScalar = identifierScalar(
  PROJECT_CODE,
  '项目编号 Project code: 1–64 letters, digits, ".", "_", "-" or "/", starting with a letter or digit, e.g. "WKC-2023-001". ' +
    'Stored upper-cased ("mt-1" is MT-1, in the API and in spreadsheets alike); full-width characters and surrounding spaces are normalised.',
);
