import ExcelJS from 'exceljs';
import { TEMPLATE_TITLE } from './parse/instructions.js';
import { README_SHEET, SHEETS } from './sheets.js';

export { README_SHEET };

/**
 * An empty import workbook: one sheet per record kind with its headers, a note on every header
 * (meaning, unit, example) and drop-down lists for the columns that take fixed words.
 */
export function templateWorkbook(): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Yuhang collaboration registry';
  wb.created = new Date(Date.UTC(2026, 0, 1));
  wb.modified = wb.created;
  const readme = wb.addWorksheet(README_SHEET);
  readme.columns = [{ width: 22 }, { width: 100 }];
  readme.addRows([
    // Note: the title in A1 marks this sheet as instructions: the importer skips it under any name.
    [TEMPLATE_TITLE, 'Yuhang collaboration registry: import template'],
    ['每个工作表一类记录', 'One sheet per kind of record. Rows refer to each other by codes (division code, credit code, project code).'],
    ['表头', 'Headers may be Chinese or English (e.g. 签约金额 or signed_amount); a unit in a header, like 签约金额(亿元), applies to the whole column.'],
    [
      '金额',
      'Money: yuan, or with a unit in the cell (7.1亿, 450万); thousands separators allowed. Dates: 2023-03-15, 2023/3/15, 2023年3月15日 or Excel dates.',
    ],
    ['导入', 'npm run import -- this-file.xlsx   (add --dry-run to check only; --report problems.csv to list problems)'],
  ]);
  readme.getRow(1).font = { bold: true };
  for (const spec of SHEETS) {
    const ws = wb.addWorksheet(spec.name);
    ws.columns = spec.columns.map((c) => ({ header: c.zh, key: c.key, width: Math.max(14, c.zh.length * 2 + 4) }));
    const header = ws.getRow(1);
    header.font = { bold: true };
    ws.views = [{ state: 'frozen', ySplit: 1 }];
    spec.columns.forEach((c, i) => {
      const cell = header.getCell(i + 1);
      cell.note = `${c.key}${c.required ? ' (required 必填)' : ''}\n${c.note}`;
      if (c.required) cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF2CC' } };
      const col = ws.getColumn(i + 1).letter;
      if (c.type === 'enum' || c.type === 'boolean') {
        const words = c.type === 'boolean' ? ['是', '否'] : Object.values(c.values ?? {}).map((w) => w[0]);
        (ws as unknown as { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } }).dataValidations.add(`${col}2:${col}5000`, {
          type: 'list',
          allowBlank: !c.required,
          formulae: [`"${words.join(',')}"`],
          showErrorMessage: true,
          errorTitle: c.zh,
          error: `请选择 Choose one of: ${words.join(', ')}`,
        });
      }
      if (c.type === 'date') ws.getColumn(i + 1).numFmt = 'yyyy-mm-dd';
      if (c.type === 'code') ws.getColumn(i + 1).numFmt = '@';
    });
  }
  return wb;
}
