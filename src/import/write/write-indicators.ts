import { QUALIFIER_OF_WORD } from '../../indicator/indicator.rules.js';
import { parsePeriod } from '../../indicator/period.js';
import type { ParsedSheet, SheetRow } from '../parse/rows.js';
import type { Sql } from './sql.js';
import { cols, upsert, type UpsertResult } from './upsert.js';

type Counts = Pick<UpsertResult, 'created' | 'updated' | 'unchanged'>;

async function idsOf(sql: Sql, table: string, column: string, keys: unknown[]): Promise<Map<string, number>> {
  const wanted = [...new Set(keys.filter((k) => k !== null && k !== undefined && k !== '').map(String))];
  if (wanted.length === 0) return new Map();
  const rows = await sql.query(`select id, ${column} as k from ${table} where ${column} = any($1)`, [wanted]);
  return new Map(rows.map((r) => [String(r.k), Number(r.id)]));
}
const idOf = (map: Map<string, number>, key: unknown) => (key ? (map.get(String(key)) ?? null) : null);

/**
 * Writes the programme sheets (programmes, their documents and events) inside the import's
 * transaction, before the pairings, projects and workshops that may name a programme.
 */
export async function writeProgrammeSheets(
  sql: Sql,
  sheets: ParsedSheet[],
  progress: (n: number) => void,
  record: (sheet: string, r: Counts) => void,
): Promise<void> {
  const rowsOf = (name: string) => sheets.find((s) => s.spec.name === name)?.rows ?? [];

  const progRows = rowsOf('programmes');
  const leadAreas = await idsOf(
    sql,
    'area',
    'code',
    progRows.map((r) => r.values.lead_area_code),
  );
  const programmes = await upsert(
    sql,
    { table: 'programme', keyCols: ['code'], timestamps: true },
    progRows.map((r) => ({
      key: String(r.values.code),
      cols: {
        ...cols(r, { code: 'code', name_zh: 'name_zh', name_en: 'name_en', kind: 'kind', lead_body: 'lead_body', started_on: 'started_on', source: 'source' }),
        ...(r.given.has('lead_area_code') ? { lead_area_id: idOf(leadAreas, r.values.lead_area_code) } : {}),
      },
    })),
    progress,
  );
  record('programmes', programmes);

  const docRows = rowsOf('programme_documents');
  const eventRows = rowsOf('programme_events');
  const progIds = await idsOf(
    sql,
    'programme',
    'code',
    [...docRows, ...eventRows].map((r) => r.values.programme_code),
  );
  const docs = await upsert(
    sql,
    { table: 'programme_document', keyCols: ['programme_id', 'title'] },
    docRows.map((r) => {
      const pid = idOf(progIds, r.values.programme_code);
      return { key: `${pid}|${r.values.title}`, cols: { programme_id: pid, ...cols(r, { title: 'title', issued_on: 'issued_on', source: 'source' }) } };
    }),
    progress,
  );
  record('programme_documents', docs);
  const events = await upsert(
    sql,
    { table: 'programme_event', keyCols: ['programme_id', 'occurred_on', 'title'] },
    eventRows.map((r) => {
      const pid = idOf(progIds, r.values.programme_code);
      return {
        key: `${pid}|${r.values.occurred_on}|${r.values.title}`,
        cols: { programme_id: pid, ...cols(r, { occurred_on: 'occurred_on', title: 'title', source: 'source' }) },
      };
    }),
    progress,
  );
  record('programme_events', events);
}

/** The `programme_id` column of a pairing, project or workshop row that gives `programme_code`. */
export async function programmeColumn(sql: Sql, rows: SheetRow[]): Promise<(r: SheetRow) => Record<string, unknown>> {
  const ids = await idsOf(
    sql,
    'programme',
    'code',
    rows.map((r) => r.values.programme_code),
  );
  return (r) => (r.given.has('programme_code') ? { programme_id: idOf(ids, r.values.programme_code) } : {});
}

/** Writes the indicators, then their values, after every other sheet; the rows were all checked before. */
export async function writeIndicatorSheets(
  sql: Sql,
  sheets: ParsedSheet[],
  progress: (n: number) => void,
  record: (sheet: string, r: Counts) => void,
): Promise<void> {
  const rowsOf = (name: string) => sheets.find((s) => s.spec.name === name)?.rows ?? [];

  // Indicators first without their parents (a part may come before its whole), then the parents.
  const indRows = rowsOf('indicators');
  const indProgs = await idsOf(
    sql,
    'programme',
    'code',
    indRows.map((r) => r.values.programme_code),
  );
  const indicators = await upsert(
    sql,
    { table: 'indicator', keyCols: ['code'], timestamps: true },
    indRows.map((r) => ({
      key: String(r.values.code),
      cols: {
        ...cols(
          r,
          {
            code: 'code',
            name_zh: 'name_zh',
            name_en: 'name_en',
            unit: 'unit',
            measure: 'measure',
            additive: 'additive',
            breakdown_complete: 'breakdown_complete',
            note: 'note',
            source: 'source',
          },
          { additive: false, breakdown_complete: false },
        ),
        ...(r.given.has('programme_code') ? { programme_id: idOf(indProgs, r.values.programme_code) } : {}),
      },
    })),
    progress,
  );
  const parents = await idsOf(
    sql,
    'indicator',
    'code',
    indRows.map((r) => r.values.parent_code),
  );
  for (const r of indRows.filter((x) => x.given.has('parent_code'))) {
    const id = indicators.ids.get(String(r.values.code))!;
    const changed = await sql.query('update indicator set parent_id = $2, updated_at = now() where id = $1 and parent_id is distinct from $2 returning id', [
      id,
      idOf(parents, r.values.parent_code),
    ]);
    if (changed.length > 0 && indicators.unchangedKeys.has(String(r.values.code))) {
      indicators.unchanged--;
      indicators.updated++;
      indicators.unchangedKeys.delete(String(r.values.code));
    }
  }
  record('indicators', indicators);

  const valRows = rowsOf('indicator_values');
  const valInds = await idsOf(
    sql,
    'indicator',
    'code',
    valRows.map((r) => r.values.indicator_code),
  );
  const valAreas = await idsOf(
    sql,
    'area',
    'code',
    valRows.map((r) => r.values.area_code),
  );
  const values = await upsert(
    sql,
    { table: 'indicator_value', keyCols: ['indicator_id', 'area_id', 'period'], decimalCols: ['value'], timestamps: true },
    valRows.map((r) => {
      const indicatorId = idOf(valInds, r.values.indicator_code);
      const areaId = idOf(valAreas, r.values.area_code);
      const p = parsePeriod(String(r.values.period))!;
      const word = (r.values.qualifier_word as string | null)?.trim() || null;
      return {
        key: `${indicatorId}|${areaId}|${p.text}`,
        cols: {
          indicator_id: indicatorId,
          area_id: areaId,
          period: p.text,
          period_kind: p.kind,
          period_start: p.start,
          period_end: p.end,
          value: r.values.value,
          qualifier: word ? QUALIFIER_OF_WORD[word] : 'EXACT',
          qualifier_word: word,
          derived: r.values.derived === true,
          derivation: (r.values.derivation as string | null) ?? null,
          items: (r.values.items as string[] | null) ?? [],
          source: r.values.source,
        },
      };
    }),
    progress,
  );
  record('indicator_values', values);
}
