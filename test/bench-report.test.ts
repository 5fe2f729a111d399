import { describe, expect, it } from 'vitest';
import { type QueryResult, tableHeader, tableRow } from '../scripts/bench/report.js';

const result: QueryResult = {
  name: 'a-projects-page',
  label: '(a)',
  kind: 'list',
  reqPerSec: 357.5,
  p50Ms: 41.5,
  p99Ms: 86.7,
  completed: 1788,
  sent: 1800,
  handled: 1800,
  seconds: 5,
  statementsPerRequest: 2,
  statementCalls: [],
  statementsPerRequestUnderLoad: 2,
  apiCpuMsPerRequest: 3.22,
  pgCpuMsPerRequest: 0.02,
  apiRssMaxMiB: 161,
  errors: { non200: 0, graphqlErrors: 0, connectionErrors: 0, samples: [] },
  loadAverageBefore: [1, 1, 1],
  targets: [],
};

/** The cells of a table line, split on runs of two or more spaces (the columns are padded). */
const cells = (line: string) => line.trim().split(/\s{2,}/);

describe('the table of npm run bench:api', () => {
  it('has no replica columns without --replica', () => {
    expect(tableHeader()).not.toContain('repl');
    const header = cells(tableHeader());
    const row = cells(tableRow(result));
    expect(row[header.indexOf('PG CPU')]).toBe('0.02');
    expect(row[header.indexOf('RSS MiB')]).toBe('161');
  });

  it('shows the statements on the replica and its CPU after PG CPU with --replica', () => {
    const header = cells(tableHeader(true));
    expect(header.slice(header.indexOf('PG CPU'), header.indexOf('PG CPU') + 4)).toEqual(['PG CPU', 'on repl', 'repl CPU', 'RSS MiB']);
    const row = cells(
      tableRow({
        ...result,
        replica: {
          statementsAlone: 2,
          statementsAlonePrimary: 0,
          statementCalls: [],
          statementsPerRequestUnderLoad: 1.99,
          statementsPerRequestUnderLoadPrimary: 0,
          pgCpuMsPerRequest: 0.8,
        },
      }),
    );
    expect(row[header.indexOf('PG CPU')]).toBe('0.02');
    expect(row[header.indexOf('on repl')]).toBe('2.00');
    expect(row[header.indexOf('repl CPU')]).toBe('0.80');
    expect(row[header.indexOf('RSS MiB')]).toBe('161');
  });
});
