import { templateWorkbook } from './template.js';

/** `npm run template -- out.xlsx`: writes an empty import workbook with notes and drop-downs. */
const out = process.argv[2];
if (!out) {
  console.error('usage: npm run template -- <out.xlsx>');
  process.exit(2);
}
await templateWorkbook().xlsx.writeFile(out);
console.log(`wrote ${out}`);
