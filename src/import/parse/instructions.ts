import { normalizeHeader } from './headers.js';

/** The first cell of the template's instructions sheet: how the importer knows that sheet whatever it is named. */
export const TEMPLATE_TITLE = '余杭区协作登记库 导入模板';

const INSTRUCTION_WORDS = ['说明', '填表说明', '使用说明', 'readme', 'instructions', 'instruction', 'notes', '备注'];

/**
 * Whether a sheet that is no record kind is an instructions sheet, to be skipped without a
 * warning: its name holds 说明, README or Instructions (any case or width), or its first cell is
 * the template's title (the template marks its instructions sheet so).
 */
export function isInstructionsSheet(name: string, firstCell: string | undefined): boolean {
  const folded = normalizeHeader(name);
  if (INSTRUCTION_WORDS.some((w) => folded.includes(w))) return true;
  return firstCell !== undefined && normalizeHeader(firstCell).startsWith(normalizeHeader(TEMPLATE_TITLE));
}
