/** One thing wrong with an import, located the way the user sees their file. */
export interface Problem {
  severity: 'error' | 'warning';
  file: string;
  sheet: string;
  /** Row number as Excel shows it (or the CSV line); null for a whole-sheet problem. */
  row: number | null;
  /** Column header as written in the file, or the expected header. */
  column: string | null;
  value: string | null;
  rule: string;
}

/** Collects problems, keeping at most `max` of them but counting all. */
export class ProblemLog {
  readonly problems: Problem[] = [];
  errors = 0;
  warnings = 0;

  constructor(private readonly max: number) {}

  add(p: Problem): void {
    if (p.severity === 'error') this.errors++;
    else this.warnings++;
    if (this.problems.length < this.max) this.problems.push(p);
  }

  get truncated(): boolean {
    return this.errors + this.warnings > this.problems.length;
  }
}

/** "projects.xlsx › projects › row 12 › 签约金额: "abc": money is not a number" */
export function formatProblem(p: Problem): string {
  const where = [p.file, p.sheet, p.row === null ? null : `row ${p.row}`, p.column].filter(Boolean).join(' › ');
  const value = p.value === null ? '' : ` "${p.value.length > 80 ? `${p.value.slice(0, 77)}...` : p.value}"`;
  return `${p.severity === 'error' ? 'ERROR' : 'warning'} ${where}:${value} ${p.rule}`;
}

/** Makes a cell safe to open in Excel: text starting with = + - @ (or tab/CR) is prefixed with '. */
export function escapeFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** One CSV record: fields quoted where needed, each made formula-safe. */
export function csvRecord(fields: string[]): string {
  return fields
    .map((text) => {
      const safe = escapeFormula(text);
      return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
    })
    .join(',');
}
