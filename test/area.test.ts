import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './support/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api?.close());

const CREATE = `mutation($input: AreaInput!) { createArea(input: $input) { id code name kind mountain parent { code } } }`;

describe('areas', () => {
  it('builds the district tree and reads it back both ways', async () => {
    await api.data(CREATE, { input: { code: '330110', name: '余杭区', kind: 'DISTRICT', source: 'test' } });
    const town = await api.data(CREATE, {
      input: { code: '330110109', name: '径山镇', kind: 'TOWN', parentCode: '330110', mountain: true, source: 'test' },
    });
    expect(town.createArea).toMatchObject({ code: '330110109', kind: 'TOWN', mountain: true, parent: { code: '330110' } });
    await api.data(CREATE, { input: { code: '330110109201', name: '径山村', kind: 'VILLAGE', parentCode: '330110109', source: 'test' } });

    const res = await api.data(`{ area(code: "330110") { name children { totalCount nodes { code children { nodes { name parent { code } } } } } } }`);
    expect(res.area).toEqual({
      name: '余杭区',
      children: { totalCount: 1, nodes: [{ code: '330110109', children: { nodes: [{ name: '径山村', parent: { code: '330110109' } }] } }] },
    });
  });

  it('filters areas within a subtree and pages through them with cursors', async () => {
    const first = await api.data(`{ areas(first: 2, filter: { within: "330110" }) { totalCount pageInfo { hasNextPage endCursor } nodes { code } } }`);
    expect(first.areas.totalCount).toBe(3);
    expect(first.areas.nodes.map((n: { code: string }) => n.code)).toEqual(['330110', '330110109']);
    expect(first.areas.pageInfo.hasNextPage).toBe(true);
    const next = await api.data(
      `query($after: String) { areas(first: 2, after: $after, filter: { within: "330110" }) { pageInfo { hasNextPage hasPreviousPage } nodes { code } } }`,
      {
        after: first.areas.pageInfo.endCursor,
      },
    );
    expect(next.areas).toEqual({ pageInfo: { hasNextPage: false, hasPreviousPage: true }, nodes: [{ code: '330110109201' }] });
    const last = await api.data(`{ areas(last: 1, orderBy: [{ field: NAME, direction: DESC }]) { nodes { name } } }`);
    expect(last.areas.nodes).toEqual([{ name: '余杭区' }]);
  });

  it('rejects a page size above 100 naming the argument and the rule', async () => {
    const res = await api.gql(`{ areas(first: 101) { totalCount } }`);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first', rule: 'must be between 1 and 100' });
  });

  it('reports every invalid field of an input at once and writes nothing', async () => {
    // A malformed code is refused by the AreaCode scalar, before any rule runs, on its input path.
    const malformed = await api.gql(CREATE, { input: { code: '33x', kind: 'VILLAGE', mountain: true, source: 'test' } });
    expect(malformed.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.code', rule: 'must be a division code of 6 to 12 digits' });
    const res = await api.gql(CREATE, { input: { code: '330110109299', kind: 'VILLAGE', mountain: true, source: 'test' } });
    const problems = res.errors?.[0].extensions?.problems.map((p: { field: string }) => p.field);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(problems).toEqual(['input.name', 'input.parentCode', 'input.mountain']);
    const count = await api.data(`{ areas { totalCount } }`);
    expect(count.areas.totalCount).toBe(3);
  });

  it('refuses to delete an area that still has areas under it with CONFLICT', async () => {
    const res = await api.gql(`mutation { deleteArea(code: "330110109") }`);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', referencedBy: 'area' });
    expect((await api.data(`{ area(code: "330110109") { code } }`)).area).toEqual({ code: '330110109' });
  });

  it('answers CONFLICT for a duplicate division code', async () => {
    const res = await api.gql(CREATE, { input: { code: '330110', name: 'again', kind: 'DISTRICT', source: 'test' } });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'input.code' });
  });

  it('updates only the given fields and deletes a leaf', async () => {
    const upd = await api.data(
      `mutation { updateArea(code: "330110109201", input: { name: "径山村（新）", scenicGrade: GRADE_3A }) { name kind scenicGrade parent { code } } }`,
    );
    expect(upd.updateArea).toEqual({ name: '径山村（新）', kind: 'VILLAGE', scenicGrade: 'GRADE_3A', parent: { code: '330110109' } });
    const del = await api.data(`mutation { deleteArea(code: "330110109201") }`);
    const node = await api.data(`query($id: ID!) { node(id: $id) { id } }`, { id: del.deleteArea });
    expect(node.node).toBeNull();
  });
});
