import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildSchema, type EnumValueNode, type GraphQLEnumType, Kind, type ListValueNode, type OperationDefinitionNode, parse, validate } from 'graphql';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { benchLimitsEnv } from '../scripts/bench/api-process.js';
import { configure } from '../scripts/bench/database.js';
import { captureStatements, parseLog, parseParameters, runFloor, statementsOf } from '../scripts/bench/floor.js';
import { emptyPaths, QUERIES } from '../scripts/bench/queries.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { DEFAULT_LIMITS, limitConfigFromEnv } from '../src/server/limits/config.js';
import { measureQuery } from '../src/server/limits/measure.js';

const schema = buildSchema(readFileSync(path.resolve(import.meta.dirname, '..', 'schema.graphql'), 'utf8'));

/** The root fields of a query text with the enum values of their `groupBy` argument. */
function groupings(text: string): { root: string; groupBy: string[] }[] {
  const op = parse(text).definitions[0] as OperationDefinitionNode;
  return op.selectionSet.selections.flatMap((s) => {
    if (s.kind !== Kind.FIELD) return [];
    const arg = s.arguments?.find((a) => a.name.value === 'groupBy');
    const values = arg ? (arg.value as ListValueNode).values.map((v) => (v as EnumValueNode).value) : [];
    return [{ root: s.name.value, groupBy: values }];
  });
}

describe('the queries of npm run bench:api', () => {
  it('all validate against schema.graphql', () => {
    for (const q of QUERIES) expect(validate(schema, parse(q.query)).map((e) => `${q.name}: ${e.message}`)).toEqual([]);
  });

  it('pass the per-request limits, which the bench leaves at their defaults', () => {
    const limits = limitConfigFromEnv(benchLimitsEnv(16));
    for (const key of ['maxDepth', 'maxTokens', 'maxAliases', 'maxCost', 'maxNodes'] as const) expect(limits[key]).toBe(DEFAULT_LIMITS[key]);
    for (const q of QUERIES) {
      const m = measureQuery(schema, q.query);
      expect({
        name: q.name,
        depth: m.depth <= limits.maxDepth,
        tokens: m.tokens <= limits.maxTokens,
        aliases: m.aliases <= limits.maxAliases,
        cost: m.cost <= limits.maxCost,
        nodes: m.nodes <= limits.maxNodes,
      }).toEqual({
        name: q.name,
        depth: true,
        tokens: true,
        aliases: true,
        cost: true,
        nodes: true,
      });
    }
  });

  it('have unique names and operation names', () => {
    const names = QUERIES.map((q) => q.name);
    expect(new Set(names).size).toBe(names.length);
    const operations = QUERIES.map((q) => (parse(q.query).definitions[0] as OperationDefinitionNode).name?.value);
    expect(operations.every(Boolean)).toBe(true);
    expect(new Set(operations).size).toBe(operations.length);
  });

  it('cover every groupBy dimension of every aggregate root the schema offers', () => {
    const used = QUERIES.flatMap((q) => groupings(q.query));
    const missing: string[] = [];
    for (const field of Object.values(schema.getQueryType()!.getFields())) {
      const arg = field.args.find((a) => a.name === 'groupBy');
      if (!arg) continue;
      const enumType = (arg.type as unknown as { ofType: { ofType: GraphQLEnumType } }).ofType.ofType;
      for (const value of enumType.getValues()) {
        if (!used.some((u) => u.root === field.name && u.groupBy.includes(value.name))) missing.push(`${field.name}(groupBy: [${value.name}])`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('name only paths that the query selects', () => {
    for (const q of QUERIES) {
      for (const p of q.nonEmpty) {
        const fields = p.split('.').filter((step) => !/^\d+$/.test(step));
        for (const field of fields) expect(q.query, `${q.name}: ${p}`).toMatch(new RegExp(`\\b${field}\\b`));
      }
    }
  });

  it('find empty answers', () => {
    const q = QUERIES.find((x) => x.name === 'b-nested')!;
    expect(emptyPaths(q, { areas: { nodes: [] }, projects: { nodes: [{ fundFlows: { nodes: [{}] } }] } })).toEqual([
      'areas.nodes',
      'areas.nodes.0.children.nodes',
    ]);
    const c = QUERIES.find((x) => x.name.startsWith('c-'))!;
    expect(emptyPaths(c, { fundsLanded: { total: '0', groups: [{}] } })).toEqual(['fundsLanded.total']);
    expect(emptyPaths(c, { fundsLanded: { total: '12.5', groups: [{}] } })).toEqual([]);
  });
});

describe('the floor capture of npm run bench:api', () => {
  const prefix = (pid: number, user = 'registry_app', app = 'yuhang-registry') => `<<bench|${pid}|${user}|registry|${app}>> `;

  it('reads simple and extended-protocol statements, with their parameters, from the server log', () => {
    const log = [
      `${prefix(7)}LOG:  statement: begin`,
      `${prefix(7)}LOG:  execute <unnamed>: select a`,
      `\tfrom t where x = $1 and y = $2`,
      `${prefix(8, 'postgres', 'bench')}LOG:  statement: select pg_stat_statements_reset()`,
      `${prefix(7)}DETAIL:  Parameters: $1 = 'it''s', $2 = NULL`,
      `${prefix(9)}LOG:  execute agg_1/p1: select $1::int`,
      `${prefix(9)}DETAIL:  Parameters: $1 = '2022'`,
      `${prefix(7)}LOG:  statement: commit`,
    ].join('\n');
    expect(statementsOf(parseLog(log), 'registry')).toEqual([
      { text: 'begin', pid: 7 },
      { name: undefined, text: 'select a\nfrom t where x = $1 and y = $2', values: ["it's", null], pid: 7 },
      { name: 'agg_1', text: 'select $1::int', values: ['2022'], pid: 9 },
      { text: 'commit', pid: 7 },
    ]);
  });

  it('parses parameter values with quotes, commas and newlines', () => {
    expect(parseParameters(`$1 = '{a,b}', $2 = 'x, $3 = ''y''', $3 = 'line\n2'`)).toEqual(['{a,b}', "x, $3 = 'y'", 'line\n2']);
  });

  it('captures literal, bound and named prepared statements from a real server, and the floor replays them', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-capture-'));
    await chmod(dir, 0o755);
    const saved = process.env.PG_LOG;
    process.env.PG_LOG = '1';
    let sink: ((text: string) => void) | undefined;
    const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), log: (text) => sink?.(text) });
    const owner = new pg.Client({ connectionString: server.url });
    const app = new pg.Client({ connectionString: server.appUrl, application_name: 'yuhang-registry' });
    try {
      await configure(server.url);
      await owner.connect();
      await owner.query(`create table t (id int, name text); insert into t values (1, 'a'), (2, 'it''s'), (3, 'c'); grant select on t to registry_app`);
      await app.connect();
      const captured = await captureStatements(
        owner,
        (s) => (sink = s),
        async () => {
          await app.query(`select count(*)\n\tfrom t where name <> 'x'`);
          await app.query('select name from t where id = $1 and name <> $2', [2, "it's"]);
          await app.query({ name: 'by_ids', text: 'select name from t where id = any($1::int[])', values: [[1, 3]] });
          await app.query({ name: 'by_ids', text: 'select name from t where id = any($1::int[])', values: [[2]] });
          await owner.query('select 1 as not_the_api');
        },
      );
      expect(captured.map(({ pid: _pid, ...s }) => s)).toEqual([
        { text: `select count(*)\n\tfrom t where name <> 'x'` },
        { name: undefined, text: 'select name from t where id = $1 and name <> $2', values: ['2', "it's"] },
        { name: 'by_ids', text: 'select name from t where id = any($1::int[])', values: ['{1,3}'] },
        { name: 'by_ids', text: 'select name from t where id = any($1::int[])', values: ['{2}'] },
      ]);
      const floor = await runFloor(server.appUrl, captured, 2, 0.3, 0);
      expect(floor.completed).toBeGreaterThan(0);
      expect(floor.statements).toBe(4);
    } finally {
      await app.end().catch(() => {});
      await owner.end().catch(() => {});
      await server.stop();
      if (saved === undefined) delete process.env.PG_LOG;
      else process.env.PG_LOG = saved;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
