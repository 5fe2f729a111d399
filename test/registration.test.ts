/**
 * The importer's machinery (read, parse, check, write, report, template) iterates over the record
 * kinds registered in src/import/sheets.ts. A kind that lacks a part fails here instead of being
 * parsed and checked and then silently not written.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitsFromEnv } from '../src/import/limits.js';
import { type ImportOutcome, runImport } from '../src/import/run.js';
import { KINDS } from '../src/import/sheets.js';
import { templateWorkbook } from '../src/import/template.js';
import { startTestApi, type TestApi } from './support/api.js';

let api: TestApi;
let seed: ImportOutcome;
let tables: Set<string>;

beforeAll(async () => {
  api = await startTestApi();
  const client = new pg.Client({ connectionString: api.databaseUrl });
  await client.connect();
  tables = new Set(
    (await client.query(`select table_name from information_schema.tables where table_schema = current_schema()`)).rows.map((r) => r.table_name),
  );
  await client.end();
  // The seed workbook holds rows of every kind: importing it exercises every kind's writer.
  seed = await runImport(api.databaseUrl, { paths: ['seeds'], limits: limitsFromEnv() });
});
afterAll(async () => {
  await api?.close();
});

describe('registered record kinds', () => {
  it('each has a sheet: names unique in English and Chinese, a key among its columns, a header and a note per column', () => {
    expect(new Set(KINDS.map((k) => k.spec.name)).size).toBe(KINDS.length);
    expect(new Set(KINDS.map((k) => k.spec.zh)).size).toBe(KINDS.length);
    for (const { spec } of KINDS) {
      const keys = spec.columns.map((c) => c.key);
      expect(new Set(keys).size, spec.name).toBe(keys.length);
      for (const k of spec.key) expect(keys, `${spec.name} key ${k}`).toContain(k);
      for (const c of spec.columns) {
        expect(c.zh, `${spec.name}.${c.key} Chinese header`).toMatch(/\p{Script=Han}/u);
        expect(c.note.length, `${spec.name}.${c.key} note`).toBeGreaterThan(c.zh.length);
        if (c.type === 'code') expect(c.id, `${spec.name}.${c.key}: a code column names its code kind (the API's scalar)`).toBeDefined();
        if (c.type === 'enum') expect(Object.keys(c.values ?? {}).length, `${spec.name}.${c.key} words`).toBeGreaterThan(0);
      }
    }
  });

  it('each has its rules, a table the writer fills, and who may write it through the API', () => {
    for (const kind of KINDS) {
      expect(typeof kind.check, `${kind.spec.name}: rules`).toBe('function');
      expect(tables, `${kind.spec.name}: table ${kind.table}`).toContain(kind.table);
      expect(kind.access, `${kind.spec.name}: access`).toMatchObject({ noun: expect.any(String), area: expect.any(Boolean), partner: expect.any(Boolean) });
    }
  });

  it('each reference names a kind that some sheet provides, provided once', () => {
    const provided = KINDS.flatMap((k) => (k.provides ? [k.provides] : []));
    expect(new Set(provided).size).toBe(provided.length);
    for (const { spec } of KINDS) for (const c of spec.columns) if (c.ref) expect(provided, `${spec.name}.${c.key}`).toContain(c.ref);
  });

  it('each is in the template, with every header', () => {
    const wb = templateWorkbook();
    for (const { spec } of KINDS) {
      const ws = wb.getWorksheet(spec.name);
      expect(ws, `template sheet ${spec.name}`).toBeDefined();
      const headers = (ws!.getRow(1).values as unknown[]).filter(Boolean);
      expect(headers).toEqual(spec.columns.map((c) => c.zh));
    }
  });

  it('each is written: importing the seed workbook reports created rows for every registered sheet', () => {
    expect(seed.status, JSON.stringify(seed.problems.problems.slice(0, 5))).toBe('ok');
    const written = new Map(seed.summaries.map((s) => [s.sheet, s.created + s.updated + s.unchanged]));
    for (const { spec } of KINDS) expect(written.get(spec.name), `rows of ${spec.name} written`).toBeGreaterThan(0);
  });
});
