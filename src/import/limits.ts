/** Bounds that keep an import small in memory and time, whatever the file. Configurable by env. */
export interface ImportLimits {
  /** Largest input file, in bytes. */
  maxFileBytes: number;
  /** Most bytes inflated out of one workbook (all its parts). */
  maxInflatedBytes: number;
  /** Most data rows over all sheets and files of one import. */
  maxRows: number;
  /** Most rows of the kinds held in memory while importing (all but projects, project stages and fund flows, which are staged in the database). */
  maxHeldRows: number;
  /** Longest cell text, in characters (Excel's own limit is 32,767). */
  maxCellChars: number;
  /** Most problems kept (the count of all problems is still reported). */
  maxProblems: number;
}

function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  return v && /^\d+$/.test(v) ? Number(v) : fallback;
}

export function limitsFromEnv(): ImportLimits {
  return {
    maxFileBytes: envInt('IMPORT_MAX_FILE_MB', 100) * 1024 * 1024,
    maxInflatedBytes: envInt('IMPORT_MAX_INFLATED_MB', 256) * 1024 * 1024,
    // Note: projects, their stages and fund flows stream to staging tables (memory does not grow
    // with them); the other kinds are held in memory, so they have their own, lower bound.
    maxRows: envInt('IMPORT_MAX_ROWS', 2_000_000),
    maxHeldRows: envInt('IMPORT_MAX_HELD_ROWS', 100_000),
    maxCellChars: envInt('IMPORT_MAX_CELL_CHARS', 32_767),
    maxProblems: envInt('IMPORT_MAX_PROBLEMS', 10_000),
  };
}

/** The file cannot be read at all (wrong format, too large, corrupt): reported with exit code 1. */
export class UnreadableFileError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'UnreadableFileError';
  }
}

/** A size limit was reached while reading: the message says which and how to raise it. */
export class LimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LimitError';
  }
}

/** "1.3 MiB" */
export function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}
