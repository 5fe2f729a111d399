import { foldWidth, type Identifier, identifierScalar } from '../common/identifiers.js';

/** 行政区划代码: 6 to 12 digits (full-width digits folded, spaces trimmed). */
export const AREA_CODE: Identifier = {
  name: 'AreaCode',
  noun: 'division code',
  normalise: (text) => foldWidth(text),
  validate: (code) => (/^\d{6,12}$/.test(code) ? null : 'must be a division code of 6 to 12 digits'),
};

export const AreaCodeScalar = identifierScalar(
  AREA_CODE,
  '行政区划代码 Statistical division code: 6 to 12 digits, e.g. "330110109" (径山镇). Full-width digits and surrounding spaces are normalised; a blank value means none.',
);
