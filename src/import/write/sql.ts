import pg from 'pg';

/** Query config that returns DATE columns as 'YYYY-MM-DD' text (not JS Dates in local time). */
const TYPES = {
  getTypeParser: (oid: number, format?: string) => (oid === 1082 ? (v: string) => v : pg.types.getTypeParser(oid, format as 'text')),
};

/** Something that runs SQL: a pg Client inside the import's transaction. */
export interface Sql {
  // Note: rows are untyped unless the caller names their shape (`sql.query<{ code: string }>(…)`).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query<R extends Record<string, unknown> = Record<string, any>>(text: string, values?: unknown[]): Promise<R[]>;
}

export function sqlOf(client: pg.ClientBase): Sql {
  return {
    async query(text, values = []) {
      const res = await client.query({ text, values, types: TYPES } as pg.QueryConfig);
      return res.rows;
    },
  };
}

/** The most rows per INSERT, so parameters stay under PostgreSQL's 65,535. */
export function batchSize(columns: number): number {
  return Math.max(1, Math.floor(60_000 / Math.max(1, columns)));
}
