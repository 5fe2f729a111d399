/**
 * The registry of record kinds the importer knows: one sheet (or CSV file) per kind, in the order a
 * workbook is written and imported (references point backwards). Each kind's sheet, rules and
 * check live in its own folder (`src/<kind>/<kind>.sheet.ts`); the importer, the template
 * generator and the seed builder iterate over this list. A new kind is one line here.
 */
import { areaSheet } from '../area/area.sheet.js';
import { enterpriseSheet } from '../enterprise/enterprise.sheet.js';
import { fundFlowSheet } from '../fund-flow/fund-flow.sheet.js';
import { collectiveIncomeSheet } from '../income/collective-income.sheet.js';
import { indicatorSheet, indicatorValueSheet } from '../indicator/indicator.sheet.js';
import { pairingSheet } from '../pairing/pairing.sheet.js';
import { programmeDocumentSheet, programmeEventSheet, programmeSheet } from '../programme/programme.sheet.js';
import { projectSheet, projectStageSheet } from '../project/project.sheet.js';
import { workshopSheet } from '../workshop/workshop.sheet.js';
import type { SheetKind, SheetSpec } from './sheet-spec.js';

export type { ColumnSpec, SheetKind, SheetSpec } from './sheet-spec.js';

/**
 * Name of the template's explanation sheet; the importer skips it. (Here rather than in
 * template.ts, so the importer, which the API loads to seed an empty registry, never loads exceljs.)
 */
export const README_SHEET = '说明 README';

/** Every record kind, in the order a workbook is written and imported. */
export const KINDS: readonly SheetKind[] = [
  areaSheet,
  enterpriseSheet,
  programmeSheet,
  programmeDocumentSheet,
  programmeEventSheet,
  pairingSheet,
  projectSheet,
  projectStageSheet,
  fundFlowSheet,
  collectiveIncomeSheet,
  workshopSheet,
  indicatorSheet,
  indicatorValueSheet,
];

/** Every sheet, in the order a workbook is written and imported. */
export const SHEETS: SheetSpec[] = KINDS.map((k) => k.spec);

/** The registered kind of a sheet spec. */
export function kindOf(spec: SheetSpec): SheetKind {
  // Note: a variant of a registered sheet (--replace-project-flows makes 凭证号 optional) is the same kind.
  const kind = KINDS.find((k) => k.spec === spec) ?? KINDS.find((k) => k.spec.name === spec.name);
  if (!kind) throw new Error(`sheet ${spec.name} is not registered in src/import/sheets.ts`);
  return kind;
}
