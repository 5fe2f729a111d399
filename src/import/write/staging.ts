import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { RowStash, SheetRow } from '../parse/rows.js';
import type { SheetSpec } from '../sheets.js';

/**
 * Record kinds whose rows are not held in memory but streamed into staging tables as they are
 * parsed: the kinds a province has by the hundred thousand. Their cross-record checks run in SQL
 * (src/import/write/staged-checks.ts), their writes are set-based (write-staged.ts). The other
 * kinds (areas, enterprises, pairings, …: thousands) are held and checked in memory.
 */
export const STAGED_KINDS: readonly string[] = ['projects', 'project_stages', 'fund_flows'];

/** Rows sent per COPY: about a megabyte of text. */
const BATCH_ROWS = 5_000;

/** Where the rows of one sheet (or CSV file) came from, by the staging rows' `src` number. */
export interface StagedSource {
  file: string;
  sheet: string;
  kind: string;
  /** The header the user wrote for each column key. */
  headers: Readonly<Record<string, string>>;
  /** Column keys the sheet gives (an update only touches these). */
  given: ReadonlySet<string>;
}

/** The staging table of a kind (a temporary table, dropped at the end of the import's transaction). */
export const stagingTable = (kind: string) => `import_${kind}`;

/** SQL type of a staged column: money, dates and numbers stay text until they are written (cast there). */
const stagedType = (type: string) => (type === 'list' ? 'jsonb' : 'text');

/** One value in COPY's text format. */
function copyText(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/**
 * A RowStash that sends the rows of STAGED_KINDS to temporary tables with `COPY … FROM STDIN`,
 * a few thousand at a time, inside the import's transaction. Each staging row carries its reading
 * order (`seq`), its source (`src`: file, sheet, headers), its row number, whether a cell or a row
 * rule already failed (`invalid`), the cells as the file showed them (`raw`) and one column per
 * field of the sheet.
 */
export class Staging implements RowStash {
  readonly sources: StagedSource[] = [];
  /** Rows staged per kind. */
  readonly counts = new Map<string, number>();
  private readonly srcOf = new Map<ReadonlySet<string>, number>();
  private readonly buffers = new Map<string, string[]>();
  private seq = 0;
  /** The COPY being sent: reading goes on meanwhile, and waits for it only when the next batch is full. */
  private inflight: Promise<void> | undefined;

  private constructor(
    private readonly client: pg.ClientBase,
    private readonly specs: SheetSpec[],
    private readonly rowRules: (spec: SheetSpec, row: SheetRow) => void,
  ) {}

  /** Creates the staging tables (one per staged kind) in the client's transaction. */
  static async create(client: pg.ClientBase, specs: SheetSpec[], rowRules: (spec: SheetSpec, row: SheetRow) => void): Promise<Staging> {
    const staged = specs.filter((s) => STAGED_KINDS.includes(s.name));
    for (const spec of staged) {
      const columns = spec.columns.map((c) => `"${c.key}" ${stagedType(c.type)}`).join(', ');
      await client.query(
        `create temp table ${stagingTable(spec.name)} (seq bigint primary key, src int not null, row int not null, invalid boolean not null, raw jsonb, ${columns}) on commit drop`,
      );
    }
    await client.query(`create temp table import_source (src int primary key, file text, sheet text, kind text) on commit drop`);
    return new Staging(client, staged, rowRules);
  }

  takes(spec: SheetSpec): boolean {
    return STAGED_KINDS.includes(spec.name);
  }

  /** Checks the row's own rules, then queues it; every BATCH_ROWS rows of a kind go out in one COPY. */
  put(spec: SheetSpec, row: SheetRow): void | Promise<void> {
    this.rowRules(spec, row);
    let src = this.srcOf.get(row.given);
    if (src === undefined) {
      src = this.sources.length;
      this.sources.push({ file: row.file, sheet: row.sheet, kind: spec.name, headers: row.headers, given: row.given });
      this.srcOf.set(row.given, src);
    }
    const fields = [String(++this.seq), String(src), String(row.row), row.invalid ? 't' : 'f', row.raw ? copyText(row.raw) : '\\N'];
    for (const c of spec.columns) fields.push(copyText(row.values[c.key]));
    const buffer = this.buffers.get(spec.name) ?? [];
    this.buffers.set(spec.name, buffer);
    buffer.push(`${fields.join('\t')}\n`);
    this.counts.set(spec.name, (this.counts.get(spec.name) ?? 0) + 1);
    if (buffer.length >= BATCH_ROWS) {
      const previous = this.inflight;
      // Note: node-postgres queues statements on its connection, so this COPY starts when the previous one ends.
      const next = this.flush(spec.name);
      next.catch(() => undefined); // awaited below or in finish()
      this.inflight = next;
      return previous;
    }
  }

  /** Total rows staged. */
  get rows(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  private async flush(kind: string): Promise<void> {
    const lines = this.buffers.get(kind);
    if (!lines || lines.length === 0) return;
    this.buffers.set(kind, []);
    const spec = this.specs.find((s) => s.name === kind)!;
    const columns = ['seq', 'src', 'row', 'invalid', 'raw', ...spec.columns.map((c) => `"${c.key}"`)].join(', ');
    await pipeline(Readable.from([lines.join('')]), this.client.query(copyFrom(`copy ${stagingTable(kind)} (${columns}) from stdin`)));
  }

  /** Sends what is still queued, records the sources, and analyses the tables for the checks' plans. */
  async finish(): Promise<void> {
    await this.inflight;
    for (const kind of this.buffers.keys()) await this.flush(kind);
    if (this.sources.length > 0) {
      await this.client.query('insert into import_source (src, file, sheet, kind) select * from unnest($1::int[], $2::text[], $3::text[], $4::text[])', [
        this.sources.map((_, i) => i),
        this.sources.map((s) => s.file),
        this.sources.map((s) => s.sheet),
        this.sources.map((s) => s.kind),
      ]);
    }
    for (const spec of this.specs) await this.client.query(`analyze ${stagingTable(spec.name)}`);
  }
}
