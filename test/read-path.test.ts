import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnsOf, rowMapper } from '../src/common/rows.js';
import { ENTITIES } from '../src/entities.js';
import { limitsFromEnv } from '../src/import/limits.js';
import { runImport } from '../src/import/run.js';
import { startTestApi, type TestApi } from './support/api.js';

/**
 * The read path: plain rows, keyset pagination on every order (nulls, ties and mixed directions
 * included), `totalCount` only when asked, and a fixed, small number of SQL statements per request.
 */
let api: TestApi;
let sql: pg.Client;

const GENERATED_PROJECTS = 240;
const GENERATED_WORKSHOPS = 60;

beforeAll(async () => {
  api = await startTestApi();
  const outcome = await runImport(api.databaseUrl, { paths: ['seeds'], limits: limitsFromEnv() });
  expect(outcome.status).toBe('ok');
  sql = new pg.Client({ connectionString: api.databaseUrl });
  await sql.connect();
  // Many ties (7 amounts, 5 dates) so the id tie-breaker and the keyset conditions on equal keys matter.
  await sql.query(`insert into project (source, created_at, updated_at, code, name, sector, host_id, signed_amount, signed_on)
    select 'test', now(), now(), 'RP-' || lpad(g::text, 4, '0'), 'RPNAME' || lpad((g % 50)::text, 3, '0'), '数字经济',
      (select id from area where kind = 'VILLAGE' order by id limit 1 offset g % 5),
      ((g % 7) * 1000000 + 0.5)::numeric, date '2022-01-01' + (g % 5)
    from generate_series(1, ${GENERATED_PROJECTS}) g`);
  await sql.query(`insert into project_investor (project_id, enterprise_id)
    select p.id, (select id from enterprise order by id limit 1 offset p.id % 3) from project p where p.code like 'RP-%'`);
  await sql.query(`insert into fund_flow (source, created_at, updated_at, project_id, kind, amount, occurred_on)
    select 'test', now(), now(), p.id, 'LANDED', 100 + k, p.signed_on + k from project p, generate_series(0, 2) k where p.code like 'RP-%'`);
  // Nullable sort keys: every third opening date and every fourth income gain missing.
  await sql.query(`insert into workshop (source, created_at, updated_at, name, type, village_id, opened_on, jobs_created, low_income_jobs, income_gain_per_person)
    select 'test', now(), now(), 'RPWS' || lpad(g::text, 3, '0'), 'PROCESSING', (select id from area where kind = 'VILLAGE' order by id limit 1),
      case when g % 3 = 0 then null else date '2021-01-01' + (g % 4) end, g % 5, 0,
      case when g % 4 = 0 then null else (g % 6) * 100 end
    from generate_series(1, ${GENERATED_WORKSHOPS}) g`);
}, 180_000);

afterAll(async () => {
  await sql?.end();
  await api?.close();
});

type Row = { code: string; id: number; keys: (string | null)[] };
type KeySpec = { direction: 'asc' | 'desc'; numeric?: boolean };

/** Compares two values as PostgreSQL orders them (nulls last ascending, first descending). */
function compareKey(a: string | null, b: string | null, spec: KeySpec): number {
  if (a === b) return 0;
  if (a === null) return spec.direction === 'asc' ? 1 : -1;
  if (b === null) return spec.direction === 'asc' ? -1 : 1;
  const c = spec.numeric ? Math.sign(Number(a) - Number(b)) : a < b ? -1 : 1;
  return spec.direction === 'asc' ? c : -c;
}

/** The expected order, computed here: the keys in turn, then the id in the last key's direction. */
function expectedOrder(rows: Row[], specs: KeySpec[]): string[] {
  const last = specs[specs.length - 1].direction;
  return [...rows]
    .sort((x, y) => {
      for (let i = 0; i < specs.length; i++) {
        const c = compareKey(x.keys[i], y.keys[i], specs[i]);
        if (c !== 0) return c;
      }
      return last === 'asc' ? x.id - y.id : y.id - x.id;
    })
    .map((r) => r.code);
}

/** Walks a list page by page forwards (first/after) and backwards (last/before). */
async function walk(field: string, args: string, pick: string, size: number) {
  const forward: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 200; page++) {
    const res: any = await api.data(
      `query($after: String) { ${field}(${args}, first: ${size}, after: $after) { pageInfo { hasNextPage hasPreviousPage endCursor } nodes { ${pick} } } }`,
      { after },
    );
    const conn = res[field];
    expect(conn.nodes.length).toBeLessThanOrEqual(size);
    expect(conn.pageInfo.hasPreviousPage).toBe(page > 0);
    forward.push(...conn.nodes.map((n: Record<string, string>) => n[pick]));
    if (!conn.pageInfo.hasNextPage) break;
    expect(conn.nodes.length).toBe(size);
    after = conn.pageInfo.endCursor;
  }
  const backward: string[] = [];
  let before: string | null = null;
  for (let page = 0; page < 200; page++) {
    const res: any = await api.data(
      `query($before: String) { ${field}(${args}, last: ${size}, before: $before) { pageInfo { hasNextPage hasPreviousPage startCursor } nodes { ${pick} } } }`,
      { before },
    );
    const conn = res[field];
    expect(conn.pageInfo.hasNextPage).toBe(page > 0);
    backward.unshift(...conn.nodes.map((n: Record<string, string>) => n[pick]));
    if (!conn.pageInfo.hasPreviousPage) break;
    before = conn.pageInfo.startCursor;
  }
  return { forward, backward };
}

describe('keyset pagination', () => {
  const projectOrders: { orderBy: string; columns: string[]; specs: KeySpec[] }[] = [
    { orderBy: '[{ field: SIGNED_AMOUNT, direction: DESC }]', columns: ['signed_amount'], specs: [{ direction: 'desc', numeric: true }] },
    {
      orderBy: '[{ field: SIGNED_ON, direction: ASC }, { field: SIGNED_AMOUNT, direction: DESC }]',
      columns: ['signed_on', 'signed_amount'],
      specs: [{ direction: 'asc' }, { direction: 'desc', numeric: true }],
    },
    {
      orderBy: '[{ field: NAME, direction: DESC }, { field: CODE, direction: ASC }]',
      columns: ['name', 'code'],
      specs: [{ direction: 'desc' }, { direction: 'asc' }],
    },
  ];
  for (const order of projectOrders) {
    it(`pages through projects ordered by ${order.orderBy} both ways, each project once, in the order computed here`, async () => {
      const { rows } = await sql.query(`select code, id, ${order.columns.map((c) => `${c}::text as ${c}`).join(', ')} from project where code like 'RP-%'`);
      const expected = expectedOrder(
        rows.map((r) => ({ code: r.code, id: r.id, keys: order.columns.map((c) => r[c]) })),
        order.specs,
      );
      expect(expected).toHaveLength(GENERATED_PROJECTS);
      const { forward, backward } = await walk(
        'projects',
        `filter: { codes: ${JSON.stringify(rows.map((r) => r.code))} }, orderBy: ${order.orderBy}`,
        'code',
        17,
      );
      expect(forward).toEqual(expected);
      expect(backward).toEqual(expected);
    });
  }

  const workshopOrders: { orderBy: string; columns: string[]; specs: KeySpec[] }[] = [
    { orderBy: '[{ field: OPENED_ON, direction: ASC }]', columns: ['opened_on'], specs: [{ direction: 'asc' }] },
    { orderBy: '[{ field: OPENED_ON, direction: DESC }]', columns: ['opened_on'], specs: [{ direction: 'desc' }] },
    {
      orderBy: '[{ field: INCOME_GAIN_PER_PERSON, direction: DESC }, { field: OPENED_ON, direction: ASC }, { field: JOBS_CREATED, direction: DESC }]',
      columns: ['income_gain_per_person', 'opened_on', 'jobs_created'],
      specs: [{ direction: 'desc', numeric: true }, { direction: 'asc' }, { direction: 'desc', numeric: true }],
    },
  ];
  for (const order of workshopOrders) {
    it(`pages through workshops ordered by ${order.orderBy} (nullable keys) both ways`, async () => {
      const { rows } = await sql.query(
        `select name as code, id, ${order.columns.map((c) => `${c}::text as ${c}`).join(', ')} from workshop where name like 'RPWS%'`,
      );
      const expected = expectedOrder(
        rows.map((r) => ({ code: r.code, id: r.id, keys: order.columns.map((c) => r[c]) })),
        order.specs,
      );
      expect(expected).toHaveLength(GENERATED_WORKSHOPS);
      const { forward, backward } = await walk('workshops', `filter: { nameContains: "RPWS" }, orderBy: ${order.orderBy}`, 'name', 7);
      expect(forward).toEqual(expected);
      expect(backward).toEqual(expected);
    });
  }

  it('pages a nested list per parent with cursors, and refuses a cursor made for another order', async () => {
    const { rows } = await sql.query(
      `select p.code, f.occurred_on::text as d from fund_flow f join project p on p.id = f.project_id where p.code = 'RP-0001' order by f.occurred_on`,
    );
    const q = `query($after: String) { project(code: "RP-0001") { fundFlows(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { occurredOn } } } }`;
    const one = await api.data(q);
    expect(one.project.fundFlows.nodes.map((n: { occurredOn: string }) => n.occurredOn)).toEqual(rows.slice(0, 2).map((r) => r.d));
    expect(one.project.fundFlows.totalCount).toBe(rows.length);
    const two = await api.data(q, { after: one.project.fundFlows.pageInfo.endCursor });
    expect(two.project.fundFlows.nodes.map((n: { occurredOn: string }) => n.occurredOn)).toEqual(rows.slice(2, 4).map((r) => r.d));
    expect(two.project.fundFlows.pageInfo.hasNextPage).toBe(rows.length > 4);

    const page = await api.data(`{ projects(first: 1, orderBy: [{ field: SIGNED_ON }]) { pageInfo { endCursor } } }`);
    const wrong = await api.gql(`query($after: String) { projects(first: 1, after: $after, orderBy: [{ field: NAME }]) { nodes { code } } }`, {
      after: page.projects.pageInfo.endCursor,
    });
    expect(wrong.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'after',
      rule: 'was returned for a different order (orderBy); ask again without it',
    });
    const forged = await api.gql(`{ projects(first: 1, after: "${Buffer.from('offset:20').toString('base64url')}") { nodes { code } } }`);
    expect(forged.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after', rule: 'is not a cursor returned by this API' });
  });
});

describe('SQL statements per request', () => {
  const A = `{ projects(first: 20, orderBy: [{ field: SIGNED_AMOUNT, direction: DESC }]) { nodes { code name signedAmount signedOn host { code name } investors { creditCode name } } } }`;
  const B = `{ areas(filter: { kinds: [TOWN] }, first: 20) { nodes { code name children(first: 20) { nodes { code name workshops(first: 20) { nodes { name jobsCreated } } } } } }
    projects(first: 20) { nodes { code fundFlows(first: 20) { nodes { kind amount occurredOn } } } } }`;

  async function run(query: string, variables?: Record<string, unknown>) {
    const start = api.statements();
    const res = await api.gql(query, variables);
    expect(res.errors).toBeUndefined();
    const log = api.statementLog();
    return { data: res.data, statements: log.slice(log.length - (api.statements() - start)) };
  }

  it('answers a page of 20 projects with host and investors in 2 statements, none of them a COUNT or an OFFSET', async () => {
    const { data, statements } = await run(A);
    expect(data.projects.nodes).toHaveLength(20);
    const { rows: expected } = await sql.query(
      `select p.code, h.code as host, coalesce(array_agg(e.credit_code order by e.credit_code) filter (where e.id is not null), '{}') as investors
      from project p join area h on h.id = p.host_id left join project_investor pi on pi.project_id = p.id left join enterprise e on e.id = pi.enterprise_id
      where p.code = any($1) group by p.code, h.code`,
      [data.projects.nodes.map((n: { code: string }) => n.code)],
    );
    const got = data.projects.nodes.map((n: { code: string; host: { code: string }; investors: { creditCode: string }[] }) => ({
      code: n.code,
      host: n.host.code,
      investors: n.investors.map((i) => i.creditCode).sort(),
    }));
    expect(got.sort((a: { code: string }, b: { code: string }) => (a.code < b.code ? -1 : 1))).toEqual(expected.sort((a, b) => (a.code < b.code ? -1 : 1)));
    expect(got.some((g: { investors: string[] }) => g.investors.length > 0)).toBe(true);
    expect(statements).toHaveLength(2);
    expect(statements.join('\n')).not.toMatch(/\bcount\(|\boffset\b/i);
    // totalCount costs one more statement, only when asked for.
    const counted = await run(A.replace('{ nodes', '{ totalCount nodes'));
    expect(counted.statements).toHaveLength(3);
    const { rows } = await sql.query('select count(*)::int as n from project');
    expect(counted.data.projects.totalCount).toBe(rows[0].n);
  });

  it('answers towns → villages → workshops and projects → fund flows in 5 statements, and a deep page in as many', async () => {
    const { data, statements } = await run(B);
    expect(data.areas.nodes.length).toBeGreaterThan(1);
    expect(data.areas.nodes.some((t: any) => t.children.nodes.some((v: any) => v.workshops.nodes.length > 0))).toBe(true);
    expect(statements).toHaveLength(5);
    expect(statements.join('\n')).not.toMatch(/\bcount\(|\boffset\b/i);
    // Page 8 of the projects: the same statements, no OFFSET.
    let after: string | null = null;
    for (let i = 0; i < 7; i++) {
      const res: any = await api.data(`query($after: String) { projects(first: 20, after: $after) { pageInfo { endCursor } } }`, { after });
      after = res.projects.pageInfo.endCursor;
    }
    const deep = await run(B.replace('projects(first: 20)', 'projects(first: 20, after: $after)').replace(/^\{/, 'query($after: String) {'), { after });
    expect(deep.statements).toHaveLength(5);
    expect(deep.statements.join('\n')).not.toMatch(/\boffset\b/i);
  });

  it('reads the same project through a fragment and an edge as through nodes', async () => {
    const viaEdges = await run(`fragment P on Project { code host { code } } { projects(first: 5) { edges { node { ...P } } } }`);
    const viaNodes = await run(`{ projects(first: 5) { nodes { code host { code } } } }`);
    expect(viaEdges.statements).toHaveLength(1);
    expect(viaNodes.statements).toHaveLength(1);
    expect(viaEdges.data.projects.edges.map((e: { node: unknown }) => e.node)).toEqual(viaNodes.data.projects.nodes);
  });
});

describe('plain rows', () => {
  it('map every column of every record exactly as the ORM hydrates it', async () => {
    for (const entity of ENTITIES) {
      const em = api.orm.em.fork();
      const hydrated = (await em.find(entity as never, {}, { limit: 200, orderBy: { id: 'asc' } as never })) as Record<string, unknown>[];
      expect(hydrated.length, entity.name).toBeGreaterThan(0);
      const table = em.getMetadata().get(entity.name).tableName;
      // Note: through the ORM's own connection, which reads dates and timestamps as text as the API does.
      const rows = await em.execute<Record<string, unknown>[]>(`select * from ${table} where id = any(?::int[]) order by id`, [
        `{${hydrated.map((h) => h.id).join(',')}}`,
      ]);
      const map = rowMapper(em as never, entity as never);
      const plain = rows.map((r) => map(r)) as Record<string, unknown>[];
      const norm = (v: unknown) => (v instanceof Date ? v.toISOString() : v && typeof v === 'object' && 'id' in v ? { id: (v as { id: number }).id } : v);
      for (let i = 0; i < hydrated.length; i++) {
        expect(plain[i] instanceof entity, entity.name).toBe(true);
        for (const c of columnsOf(em as never, entity as never)) {
          expect(norm(plain[i][c.property]), `${entity.name}.${c.property}`).toEqual(norm(hydrated[i][c.property]));
        }
      }
    }
  });
});
