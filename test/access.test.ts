import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitsFromEnv } from '../src/import/limits.js';
import { runImport } from '../src/import/run.js';
import { startTestApi, type TestApi } from './support/api.js';
import { runCli } from './support/cli.js';
import { creditCode, insertAreaTree, insertEnterprises } from './support/fixtures.js';

let api: TestApi;
const E1 = creditCode(1);
const E2 = creditCode(2);
const TOWN1 = '330110101';
const TOWN2 = '330110102';
const V11 = '330110101201';
const V12 = '330110101202';
const V21 = '330110102201';

async function sql<T = any>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: api.databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

async function admin(query: string, variables?: Record<string, unknown>) {
  const res = await api.gqlAs(api.adminKey, query, variables);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data;
}

beforeAll(async () => {
  api = await startTestApi();
  await insertAreaTree(api.orm, 2, 2);
  await insertEnterprises(api.orm, 3);
  const project = (code: string, host: string, investor: string) =>
    admin(`mutation($i: ProjectInput!) { createProject(input: $i) { code } }`, {
      i: {
        code,
        name: code,
        sector: '数字经济',
        hostAreaCode: host,
        signedAmount: '150000000',
        signedOn: '2023-02-01',
        investorCreditCodes: [investor],
        source: 'test',
      },
    });
  await project('P-A', V11, E1);
  await project('P-B', TOWN2, E2);
  const workshop = (name: string, village: string, host: string) =>
    admin(`mutation($i: WorkshopInput!) { createWorkshop(input: $i) { name } }`, {
      i: { name, type: 'PROCESSING', villageCode: village, hostEnterpriseCreditCode: host, source: 'test' },
    });
  await workshop('W-A', V11, E1);
  await workshop('W-B', V21, E2);
  const pairing = (code: string, lead: string, village: string) =>
    admin(`mutation($i: PairingInput!) { createPairing(input: $i) { code } }`, {
      i: { code, scheme: 'ENTERPRISE_VILLAGE', leadEnterpriseCreditCode: lead, partnerAreaCode: village, startDate: '2022-01-01', source: 'test' },
    });
  await pairing('EV-A', E1, V11);
  await pairing('EV-B', E2, V21);
  const income = (village: string) =>
    admin(`mutation($i: CollectiveIncomeInput!) { createCollectiveIncome(input: $i) { year } }`, {
      i: { villageCode: village, year: 2022, operatingIncome: '1000000', source: 'test' },
    });
  await income(V11);
  await income(V21);
});
afterAll(async () => api?.close());

/** One write and the outcome each role should get: 'ok', or the error code. */
interface Case {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  /** Undo an allowed write so the next role starts from the same state (run as admin). */
  undo?: { query: string; variables?: Record<string, unknown> };
  expect: Record<'admin' | 'editor' | 'area' | 'partner' | 'reader' | 'anonymous', 'ok' | 'FORBIDDEN' | 'UNAUTHENTICATED'>;
}

const ws = (name: string, village: string, host?: string) => ({
  i: { name, type: 'PROCESSING', villageCode: village, hostEnterpriseCreditCode: host, source: 'test' },
});
const deleteWs = (name: string, village: string) => ({
  query: `mutation($k: WorkshopKeyInput!) { deleteWorkshop(key: $k) }`,
  variables: { k: { villageCode: village, name } },
});
const ALL_WRITERS = { admin: 'ok', editor: 'ok', reader: 'FORBIDDEN', anonymous: 'UNAUTHENTICATED' } as const;

const CASES: Case[] = [
  {
    name: 'create a workshop in a village of town 1, hosted by E1',
    query: `mutation($i: WorkshopInput!) { createWorkshop(input: $i) { name } }`,
    variables: ws('W-new', V12, E1),
    undo: deleteWs('W-new', V12),
    expect: { ...ALL_WRITERS, area: 'ok', partner: 'ok' },
  },
  {
    name: 'create a workshop in town 2 (outside the area key), hosted by E2 (not the partner)',
    query: `mutation($i: WorkshopInput!) { createWorkshop(input: $i) { name } }`,
    variables: ws('W-out', V21, E2),
    undo: deleteWs('W-out', V21),
    expect: { ...ALL_WRITERS, area: 'FORBIDDEN', partner: 'FORBIDDEN' },
  },
  {
    name: "move E1's workshop W-A to a village of town 2 and hand it to E2",
    query: `mutation($k: WorkshopKeyInput!, $i: WorkshopInput!) { updateWorkshop(key: $k, input: $i) { name } }`,
    variables: { k: { villageCode: V11, name: 'W-A' }, i: { villageCode: V21, hostEnterpriseCreditCode: E2 } },
    undo: {
      query: `mutation($k: WorkshopKeyInput!, $i: WorkshopInput!) { updateWorkshop(key: $k, input: $i) { name } }`,
      variables: { k: { villageCode: V21, name: 'W-A' }, i: { villageCode: V11, hostEnterpriseCreditCode: E1 } },
    },
    expect: { ...ALL_WRITERS, area: 'FORBIDDEN', partner: 'FORBIDDEN' },
  },
  {
    name: 'record that P-A (in town 1, invested by E1) landed',
    query: `mutation { setProjectStage(code: "P-A", stage: LANDED, reachedOn: "2023-05-01") { stage } }`,
    undo: { query: `mutation { updateProject(code: "P-A", input: { stages: [] }) { stage } }` },
    expect: { ...ALL_WRITERS, area: 'ok', partner: 'ok' },
  },
  {
    name: 'record that P-B (in town 2, invested by E2) landed',
    query: `mutation { setProjectStage(code: "P-B", stage: LANDED, reachedOn: "2023-05-01") { stage } }`,
    undo: { query: `mutation { updateProject(code: "P-B", input: { stages: [] }) { stage } }` },
    expect: { ...ALL_WRITERS, area: 'FORBIDDEN', partner: 'FORBIDDEN' },
  },
  {
    name: 'rename P-A (more than its stages)',
    query: `mutation { updateProject(code: "P-A", input: { name: "改名" }) { name } }`,
    undo: { query: `mutation { updateProject(code: "P-A", input: { name: "P-A" }) { name } }` },
    expect: { ...ALL_WRITERS, area: 'ok', partner: 'FORBIDDEN' },
  },
  {
    name: 'add a landed fund flow to P-A',
    query: `mutation { createFundFlow(input: { projectCode: "P-A", kind: LANDED, occurredOn: "2023-06-01", amount: "1000", source: "t" }) { amount } }`,
    undo: { query: `mutation { deleteFundFlow(key: { projectCode: "P-A", kind: LANDED, occurredOn: "2023-06-01" }) }` },
    expect: { ...ALL_WRITERS, area: 'ok', partner: 'ok' },
  },
  {
    name: 'add a landed fund flow to P-B',
    query: `mutation { createFundFlow(input: { projectCode: "P-B", kind: LANDED, occurredOn: "2023-06-01", amount: "1000", source: "t" }) { amount } }`,
    undo: { query: `mutation { deleteFundFlow(key: { projectCode: "P-B", kind: LANDED, occurredOn: "2023-06-01" }) }` },
    expect: { ...ALL_WRITERS, area: 'FORBIDDEN', partner: 'FORBIDDEN' },
  },
  {
    name: "change a village's collective income in town 1",
    query: `mutation { updateCollectiveIncome(key: { villageCode: "${V11}", year: 2022 }, input: { source: "changed" }) { source } }`,
    undo: { query: `mutation { updateCollectiveIncome(key: { villageCode: "${V11}", year: 2022 }, input: { source: "test" }) { source } }` },
    expect: { ...ALL_WRITERS, area: 'ok', partner: 'FORBIDDEN' },
  },
  {
    name: "change a village's collective income in town 2",
    query: `mutation { updateCollectiveIncome(key: { villageCode: "${V21}", year: 2022 }, input: { source: "changed" }) { source } }`,
    undo: { query: `mutation { updateCollectiveIncome(key: { villageCode: "${V21}", year: 2022 }, input: { source: "test" }) { source } }` },
    expect: { ...ALL_WRITERS, area: 'FORBIDDEN', partner: 'FORBIDDEN' },
  },
  {
    name: 'create a village under town 1',
    query: `mutation { createArea(input: { code: "330110101299", name: "新村", kind: VILLAGE, parentCode: "${TOWN1}", source: "t" }) { code } }`,
    undo: { query: `mutation { deleteArea(code: "330110101299") }` },
    expect: { ...ALL_WRITERS, area: 'ok', partner: 'FORBIDDEN' },
  },
  {
    name: 'create a town under the district',
    query: `mutation { createArea(input: { code: "330110199", name: "新镇", kind: TOWN, parentCode: "330110", source: "t" }) { code } }`,
    undo: { query: `mutation { deleteArea(code: "330110199") }` },
    expect: { ...ALL_WRITERS, area: 'FORBIDDEN', partner: 'FORBIDDEN' },
  },
  {
    name: 'change the pairing of E1 with a village of town 1',
    query: `mutation { updatePairing(code: "EV-A", input: { note: "n" }) { note } }`,
    undo: { query: `mutation { updatePairing(code: "EV-A", input: { note: null }) { note } }` },
    expect: { ...ALL_WRITERS, area: 'ok', partner: 'FORBIDDEN' },
  },
  {
    name: 'change the pairing of E2 with a village of town 2',
    query: `mutation { updatePairing(code: "EV-B", input: { note: "n" }) { note } }`,
    undo: { query: `mutation { updatePairing(code: "EV-B", input: { note: null }) { note } }` },
    expect: { ...ALL_WRITERS, area: 'FORBIDDEN', partner: 'FORBIDDEN' },
  },
  {
    name: "change another enterprise's record (E2)",
    query: `mutation { updateEnterprise(creditCode: "${E2}", input: { name: "改名" }) { name } }`,
    undo: { query: `mutation { updateEnterprise(creditCode: "${E2}", input: { name: "企业2" }) { name } }` },
    expect: { ...ALL_WRITERS, area: 'FORBIDDEN', partner: 'FORBIDDEN' },
  },
];

describe('who may write what', () => {
  it('applies the role matrix to every write, and a refused write changes nothing', async () => {
    const keys = {
      admin: await api.createKey({ role: 'admin' }),
      editor: await api.createKey({ role: 'editor' }),
      area: await api.createKey({ role: 'area', areaCode: TOWN1 }),
      partner: await api.createKey({ role: 'partner', creditCode: E1 }),
      reader: await api.createKey({ role: 'reader' }),
      anonymous: null,
    };
    const outcomes: string[] = [];
    const wanted: string[] = [];
    for (const c of CASES) {
      for (const [role, key] of Object.entries(keys)) {
        const auditBefore = (await sql<{ n: string }>('select count(*) as n from audit_log'))[0]!.n;
        const res = await api.gqlAs(key, c.query, c.variables);
        const got = res.errors ? String(res.errors[0]?.extensions?.code) : 'ok';
        outcomes.push(`${role}: ${c.name} → ${got}`);
        wanted.push(`${role}: ${c.name} → ${c.expect[role as keyof Case['expect']]}`);
        if (got === 'ok' && c.undo) await admin(c.undo.query, c.undo.variables);
        if (got !== 'ok') {
          const auditAfter = (await sql<{ n: string }>('select count(*) as n from audit_log'))[0]!.n;
          expect(auditAfter, `${role}: ${c.name} wrote something`).toBe(auditBefore);
          if (got === 'FORBIDDEN') {
            expect(res.errors![0]!.message).toMatch(/^Forbidden: /);
            expect(res.errors![0]!.extensions!.scope.role).toBe(role);
          }
        }
      }
    }
    expect(outcomes).toEqual(wanted);
  });

  it('names the record and the scope when refusing, and only reads for reader and anonymous callers', async () => {
    const area = await api.createKey({ role: 'area', areaCode: TOWN1 });
    const res = await api.gqlAs(area, `mutation { setProjectStage(code: "P-B", stage: LANDED, reachedOn: "2023-05-01") { stage } }`);
    expect(res.errors?.[0]).toMatchObject({
      message: `Forbidden: project P-B is outside the scope of an area credential for ${TOWN1} and the areas under it`,
      extensions: { code: 'FORBIDDEN', record: 'project P-B', scope: { role: 'area', areaCode: TOWN1 } },
    });
    const partner = await api.createKey({ role: 'partner', creditCode: E1 });
    const areaWrite = await api.gqlAs(partner, `mutation { deleteArea(code: "${V12}") }`);
    expect(areaWrite.errors?.[0]?.message).toBe(`Forbidden: a partner credential for enterprise ${E1} may not write areas`);
    const reader = await api.createKey({ role: 'reader' });
    expect((await api.gqlAs(reader, `{ project(code: "P-A") { code } }`)).data).toEqual({ project: { code: 'P-A' } });
    expect((await api.gqlAs(null, `{ project(code: "P-A") { code } }`)).data).toEqual({ project: { code: 'P-A' } });
    const anonymousWrite = await api.gqlAs(null, `mutation { deleteArea(code: "${V12}") }`);
    expect(anonymousWrite.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await api.gqlAs(null, `{ area(code: "${V12}") { code } }`)).data).toEqual({ area: { code: V12 } });
  });

  it('keeps the keys and the audit log to admins', async () => {
    for (const role of ['editor', 'reader'] as const) {
      const key = await api.createKey({ role });
      for (const query of [
        `{ auditLog { totalCount } }`,
        `{ apiKeys { id } }`,
        `mutation { revokeApiKey(id: 1) { id } }`,
        `mutation { createApiKey(role: "admin", label: "x") { key } }`,
      ]) {
        const res = await api.gqlAs(key, query);
        expect(res.errors?.[0]?.extensions?.code, `${role}: ${query}`).toBe('FORBIDDEN');
      }
    }
    expect((await api.gqlAs(null, `{ auditLog { totalCount } }`)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const keys = await admin(`{ apiKeys { id prefix role label revokedAt } }`);
    expect(keys.apiKeys.length).toBeGreaterThan(3);
    expect(JSON.stringify(keys)).not.toMatch(/yhr_[A-Za-z0-9_-]{20,}/);
  });

  it('refuses revoked, expired, unknown and malformed credentials with 401, even for reads', async () => {
    const issued = await admin(`mutation { createApiKey(role: "reader", label: "to revoke") { key info { id prefix } } }`);
    const { key, info } = issued.createApiKey;
    expect(key).toMatch(/^yhr_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(info.prefix)).toBe(true);
    const stored = await sql('select hash from api_key where id = $1', [info.id]);
    expect(stored[0].hash).toBe(createHash('sha256').update(key).digest('hex'));
    expect((await api.gqlAs(key, `{ areas { totalCount } }`)).status).toBe(200);
    await admin(`mutation($id: Int!) { revokeApiKey(id: $id) { revokedAt } }`, { id: info.id });
    const revoked = await api.gqlAs(key, `{ areas { totalCount } }`);
    expect(revoked.status).toBe(401);
    expect(revoked.errors?.[0]).toMatchObject({ message: 'Unauthenticated: this API key has been revoked', extensions: { code: 'UNAUTHENTICATED' } });

    const expiring = await api.createKey({ role: 'editor', expires: '2099-01-01' });
    await sql(`update api_key set expires_at = now() - interval '1 second' where hash = $1`, [createHash('sha256').update(expiring).digest('hex')]);
    const expired = await api.gqlAs(expiring, `{ areas { totalCount } }`);
    expect(expired.status).toBe(401);
    expect(expired.errors?.[0]?.message).toBe('Unauthenticated: this API key has expired');

    expect((await api.gqlAs(`yhr_${'A'.repeat(43)}`, `{ areas { totalCount } }`)).errors?.[0]?.message).toBe('Unauthenticated: unknown API key');
    const res = await fetch(api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic dXNlcjpwYXNz' },
      body: '{"query":"{ areas { totalCount } }"}',
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses anonymous reads when ANONYMOUS_READ=false', async () => {
    const closed = await startTestApi({ auth: { anonymousRead: false } });
    try {
      const anonymous = await closed.gqlAs(null, `{ areas { totalCount } }`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const reader = await closed.createKey({ role: 'reader' });
      expect((await closed.gqlAs(reader, `{ areas { totalCount } }`)).data).toEqual({ areas: { totalCount: 0 } });
    } finally {
      await closed.close();
    }
  });
});

describe('keys through the command line', () => {
  it('creates a key that works, lists it, revokes it, and the key is refused afterwards', async () => {
    const env = { DATABASE_URL: api.databaseUrl };
    const created = await runCli(
      'src/auth/keys.cli.ts',
      ['create', '--role', 'area', '--area', TOWN1, '--label', '镇1 portal', '--expires', '2099-12-31', '--as', 'tester'],
      env,
    );
    expect(created.code).toBe(0);
    const key = created.stdout.trim().split('\n').at(-1)!;
    expect(key).toMatch(/^yhr_[A-Za-z0-9_-]{43}$/);
    const ok = await api.gqlAs(key, `mutation { updateCollectiveIncome(key: { villageCode: "${V11}", year: 2022 }, input: { source: "cli key" }) { source } }`);
    expect(ok.data).toEqual({ updateCollectiveIncome: { source: 'cli key' } });

    const listed = await runCli('src/auth/keys.cli.ts', ['list'], env);
    expect(listed.code).toBe(0);
    const line = listed.stdout.split('\n').find((l) => l.includes('镇1 portal'))!;
    const [id, prefix, role, scope, label, , lastUsed, expires, state] = line.split('\t');
    expect({ prefix, role, scope, label, state }).toEqual({
      prefix: `${key.slice(0, 10)}…`,
      role: 'area',
      scope: `area ${TOWN1}`,
      label: '"镇1 portal"',
      state: 'active',
    });
    expect(lastUsed).not.toBe('never');
    expect(expires).toBe('2099-12-31T16:00:00.000Z');
    expect(listed.stdout).not.toContain(key);

    const revoked = await runCli('src/auth/keys.cli.ts', ['revoke', id!], env);
    expect(revoked.code).toBe(0);
    expect((await api.gqlAs(key, `{ areas { totalCount } }`)).status).toBe(401);
    expect((await runCli('src/auth/keys.cli.ts', ['revoke', id!], env)).code).toBe(1);

    const bad = await runCli('src/auth/keys.cli.ts', ['create', '--role', 'partner', '--label', 'x'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('enterprise: is required for role partner');
    const entries = await sql(`select actor, operation, details from audit_log where action = 'KEY' and record_key = $1 order by id`, [id]);
    expect(entries.map((e) => [e.actor, e.operation])).toEqual([
      ['cli:tester', 'createApiKey'],
      [`cli:${os.userInfo().username}`, 'revokeApiKey'],
    ]);
    expect(JSON.stringify(entries)).not.toContain(key.slice(10));
  }, 60_000);
});

describe('tokens of the identity provider', () => {
  it('accepts a valid token and refuses an expired one and one for another audience', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwtApi = await startTestApi({
      auth: {
        jwt: {
          publicKey: await exportSPKI(publicKey),
          issuer: 'https://idp.yuhang.example',
          audience: 'registry',
          algorithms: ['ES256'],
          roleClaim: 'registry_role',
          areaClaim: 'registry_area',
          enterpriseClaim: 'registry_enterprise',
        },
      },
    });
    try {
      await insertAreaTree(jwtApi.orm, 1, 1);
      const sign = (claims: Record<string, unknown>, audience = 'registry', expires: string | number = '5m') =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'ES256' })
          .setSubject('zhang.san')
          .setIssuer('https://idp.yuhang.example')
          .setAudience(audience)
          .setIssuedAt()
          .setExpirationTime(expires)
          .sign(privateKey);
      const write = `mutation { updateArea(code: "${TOWN1}", input: { name: "镇一" }) { name } }`;
      const valid = await jwtApi.gqlAs(await sign({ registry_role: 'editor' }), write);
      expect(valid.data).toEqual({ updateArea: { name: '镇一' } });
      const audit = await jwtApi.gqlAs(
        jwtApi.adminKey,
        `{ auditLog(filter: { recordKind: "Area", key: "${TOWN1}" }) { nodes { actor role operation action before after } } }`,
      );
      expect(audit.data.auditLog.nodes[0]).toEqual({
        actor: 'jwt:zhang.san',
        role: 'editor',
        operation: 'updateArea',
        action: 'UPDATE',
        before: { name: '镇1' },
        after: { name: '镇一' },
      });

      const expired = await jwtApi.gqlAs(await sign({ registry_role: 'editor' }, 'registry', Math.floor(Date.now() / 1000) - 60), write);
      expect(expired.status).toBe(401);
      expect(expired.errors?.[0]?.message).toBe('Unauthenticated: the token has expired');
      const otherAudience = await jwtApi.gqlAs(await sign({ registry_role: 'editor' }, 'another-app'), write);
      expect(otherAudience.status).toBe(401);
      expect(otherAudience.errors?.[0]?.message).toBe("Unauthenticated: the token's aud claim is not accepted");
      const areaToken = await sign({ registry_role: 'area', registry_area: '330110101201' });
      const outside = await jwtApi.gqlAs(areaToken, write);
      expect(outside.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const noRole = await jwtApi.gqlAs(await sign({}), write);
      expect(noRole.errors?.[0]?.message).toBe('Unauthenticated: the token has no valid registry_role claim');
    } finally {
      await jwtApi.close();
    }
  });
});

describe('the audit trail', () => {
  it('records a mutation with the caller, the operation and the changed fields before and after', async () => {
    const partner = await api.createKey({ role: 'partner', creditCode: E1, label: 'E1 portal' });
    const [{ id }] = await sql(`select id from api_key where label = 'E1 portal' order by id desc limit 1`);
    const http = await fetch(api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${partner}`, 'x-request-id': 'portal-req-0001' },
      body: JSON.stringify({ query: `mutation { updateWorkshop(key: { villageCode: "${V11}", name: "W-A" }, input: { jobsCreated: 42 }) { jobsCreated } }` }),
    });
    expect(await http.json()).toEqual({ data: { updateWorkshop: { jobsCreated: 42 } } });
    const log = await admin(
      `{ auditLog(first: 5, filter: { actor: "key:${id}" }) { totalCount nodes { actor role requestId operation action recordKind recordKey before after runId } } }`,
    );
    expect(log.auditLog).toEqual({
      totalCount: 1,
      nodes: [
        {
          actor: `key:${id}`,
          role: 'partner',
          requestId: 'portal-req-0001',
          operation: 'updateWorkshop',
          action: 'UPDATE',
          recordKind: 'Workshop',
          recordKey: `${V11}/W-A`,
          before: { jobs_created: 0 },
          after: { jobs_created: 42 },
          runId: null,
        },
      ],
    });
    const tamper = await sql('select 1').then(async () => {
      try {
        await sql('delete from audit_log');
        return 'deleted';
      } catch (e) {
        return (e as Error).message;
      }
    });
    expect(tamper).toBe('audit_log is append-only');
  });

  it('records an import as one entry with file hashes and counts, and every record it changed with the run id', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'audit-import-'));
    try {
      const file = path.join(dir, 'areas.csv');
      const csv = `code,name,kind,parent_code,source\n330110101203,导入村甲,村,${TOWN1},test\n330110101204,导入村乙,村,${TOWN1},test\n${TOWN1},镇1,镇,330110,test\n`;
      await writeFile(file, csv);
      const outcome = await runImport(api.databaseUrl, { paths: [file], limits: limitsFromEnv(), actor: 'cli:data-manager' });
      expect(outcome.status).toBe('ok');
      const entries = await sql(`select actor, role, operation, action, record_kind, record_key, after, details from audit_log where run_id = $1 order by id`, [
        outcome.runId,
      ]);
      expect(entries.map((e) => [e.actor, e.role, e.operation, e.action, e.record_kind, e.record_key])).toEqual([
        ['cli:data-manager', 'operator', 'import', 'INSERT', 'Area', '330110101203'],
        ['cli:data-manager', 'operator', 'import', 'INSERT', 'Area', '330110101204'],
        ['cli:data-manager', 'operator', 'import', 'IMPORT', null, null],
      ]);
      expect(entries[0].after).toMatchObject({ code: '330110101203', name: '导入村甲', kind: 'VILLAGE' });
      expect(entries[2].details).toEqual({
        files: [{ name: 'areas.csv', sha256: createHash('sha256').update(csv).digest('hex') }],
        sheets: [{ sheet: 'areas', created: 2, updated: 0, unchanged: 1 }],
        dryRun: false,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('mutations in one request', () => {
  it('each payload shows the state after its own mutation', async () => {
    const res = await admin(`mutation {
      a: createProject(input: { code: "P-STALE", name: "x", sector: "s", hostAreaCode: "${V11}", signedAmount: "1", signedOn: "2023-01-01", source: "t" }) { stage landedOn }
      b: setProjectStage(code: "P-STALE", stage: LANDED, reachedOn: "2023-02-01") { stage landedOn stages { stage } }
      c: updateProject(code: "P-STALE", input: { name: "y" }) { name stage }
    }`);
    expect(res).toEqual({
      a: { stage: 'SIGNED', landedOn: null },
      b: { stage: 'LANDED', landedOn: '2023-02-01', stages: [{ stage: 'SIGNED' }, { stage: 'LANDED' }] },
      c: { name: 'y', stage: 'LANDED' },
    });
  });
});
