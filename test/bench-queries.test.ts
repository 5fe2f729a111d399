import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, Kind, parse, validate, type EnumValueNode, type GraphQLEnumType, type ListValueNode, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { benchLimitsEnv } from '../scripts/bench/api-process.js';
import { parseLog, parseParameters, statementsOf } from '../scripts/bench/floor.js';
import { emptyPaths, QUERIES } from '../scripts/bench/queries.js';
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
      expect({ name: q.name, depth: m.depth <= limits.maxDepth, tokens: m.tokens <= limits.maxTokens, aliases: m.aliases <= limits.maxAliases, cost: m.cost <= limits.maxCost, nodes: m.nodes <= limits.maxNodes }).toEqual({
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
    expect(emptyPaths(q, { areas: { nodes: [] }, projects: { nodes: [{ fundFlows: { nodes: [{}] } }] } })).toEqual(['areas.nodes', 'areas.nodes.0.children.nodes']);
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
});
