/**
 * The two write paths must not drift: random records (valid and invalid) are written through
 * GraphQL into one empty registry and through a one-row spreadsheet (a real CSV file, the real
 * import) into another; both must make the same accept/refuse decision and, when they accept,
 * hold identical rows (compared by natural keys, without ids or timestamps). The seed is printed;
 * `TWO_PATHS_SEED=… npx vitest run test/two-paths.test.ts` replays a run.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../scripts/seed-data/util.js';
import { limitsFromEnv } from '../src/import/limits.js';
import { runImport } from '../src/import/run.js';
import { startTestApi, type TestApi } from './support/api.js';
import { creditCode } from './support/fixtures.js';

const SEED = Number(process.env.TWO_PATHS_SEED ?? Date.now() % 2 ** 31);
/** Records per kind. */
const PER_KIND = 14;

const rng = new Rng(SEED);
const random = () => rng.nextU32() / 2 ** 32;
/** The first record of each kind takes the first choice everywhere: a valid record. */
let firstChoice = false;
/** A random choice; the first of each list is always valid, and comes up half of the time. */
const pick = <T>(xs: readonly T[]): T => (firstChoice || random() < 0.5 ? xs[0]! : xs[Math.floor(random() * xs.length)]!);
const fullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/** One record as both paths write it: a GraphQL mutation and a one-row sheet. */
interface Case {
  kind: string;
  table: string;
  mutation: string;
  input: Record<string, unknown>;
  sheet: string;
  cells: Record<string, string>;
}

/** A GraphQL value given (undefined: left out) and the cell that says the same. */
const cell = (v: unknown): string => (v === undefined || v === null ? '' : Array.isArray(v) ? v.join('、') : String(v));

let A: TestApi;
let B: TestApi;
let tmp: string;
let n = 0;

const TOWN = '330110101';
const TOWN2 = '330110102';
const VILLAGE = '330110101201';
const VILLAGE2 = '330110102201';
const PLATFORM = '330110801';
const STATE = creditCode(1);
const PRIVATE = creditCode(2);

async function base(api: TestApi): Promise<void> {
  const areas = [
    { code: '330110', name: '余杭区', kind: 'DISTRICT', source: 't' },
    { code: PLATFORM, name: '未来科技城', kind: 'PLATFORM', parentCode: '330110', source: 't' },
    { code: TOWN, name: '山镇', kind: 'TOWN', parentCode: '330110', mountain: true, source: 't' },
    { code: TOWN2, name: '平镇', kind: 'TOWN', parentCode: '330110', source: 't' },
    { code: VILLAGE, name: '山村', kind: 'VILLAGE', parentCode: TOWN, source: 't' },
    { code: VILLAGE2, name: '平村', kind: 'VILLAGE', parentCode: TOWN2, source: 't' },
  ];
  for (const input of areas) await api.data(`mutation($i: AreaInput!) { createArea(input: $i) { code } }`, { i: input });
  await api.data(
    `mutation { a: createEnterprise(input: { creditCode: "${STATE}", name: "国企", ownership: STATE_OWNED, source: "t" }) { name } b: createEnterprise(input: { creditCode: "${PRIVATE}", name: "民企", ownership: PRIVATE, source: "t" }) { name } }`,
  );
  await api.data(
    `mutation { createPairing(input: { code: "BASE-1", scheme: OTHER, leadAreaCode: "${PLATFORM}", partnerAreaCode: "${TOWN2}", startDate: "2021-01-01", source: "t" }) { code } }`,
  );
  await api.data(
    `mutation { createProject(input: { code: "P-BASE", name: "基础项目", sector: "文旅", hostAreaCode: "${TOWN}", signedAmount: "100", signedOn: "2022-01-01", source: "t" }) { code } }`,
  );
}

const names = () => pick(['一号', ' 两头有空格 ', '名'.repeat(200), '名'.repeat(201), 'Name with spaces']);
const sources = () => pick(['t', '来源', 's'.repeat(500), 's'.repeat(501)]);
const money = (negative = true) => pick(['1', '0', '1234.5', '7.1亿', '450万', ...(negative ? ['-5'] : []), '1.234']);
const date = () => pick(['2023-03-15', '2022-12-31', '2023-02-30', '2024-02-29']);

function areaCase(): Case {
  const i = ++n;
  const parent = pick([TOWN, '330110', TOWN2, VILLAGE, PLATFORM, '330110999']);
  const kind = pick(['VILLAGE', 'COMMUNITY', 'TOWN', 'PLATFORM']);
  const code = pick([`3301109${String(i).padStart(5, '0')}`, fullWidth(`3301108${String(i).padStart(5, '0')}`), `33A${i}`]);
  const mountain = pick([undefined, true, false]);
  const scenic = pick([undefined, 'NONE', 'GRADE_3A']);
  const input = { code, name: names(), kind, parentCode: parent, mountain, scenicGrade: scenic, source: sources() };
  const KIND_WORD: Record<string, string> = { VILLAGE: '村', COMMUNITY: '社区', TOWN: '镇', PLATFORM: '平台' };
  return {
    kind: 'area',
    table: 'area',
    mutation: `mutation($i: AreaInput!) { createArea(input: $i) { code } }`,
    input,
    sheet: 'areas',
    cells: {
      行政区划代码: code,
      名称: input.name,
      类型: KIND_WORD[kind]!,
      上级代码: parent,
      山区镇: mountain === undefined ? '' : mountain ? '是' : '否',
      景区村庄等级: scenic === undefined ? '' : scenic === 'NONE' ? '无' : '3A',
      来源: input.source,
    },
  };
}

function enterpriseCase(): Case {
  const i = ++n;
  const good = creditCode(1000 + i);
  const code = pick([good, good.toLowerCase(), fullWidth(good), `${good.slice(0, 17)}${good[17] === '0' ? '1' : '0'}`]);
  const tags = pick([undefined, ['乡创'], ['a', 'b', 'a'], ['t'.repeat(51)], ['数字经济', '文旅']]);
  const input = { creditCode: code, name: names(), ownership: pick(['PRIVATE', 'STATE_OWNED', 'COLLECTIVE']), tags, source: sources() };
  const OWN: Record<string, string> = { PRIVATE: '民营', STATE_OWNED: '国有', COLLECTIVE: '集体' };
  return {
    kind: 'enterprise',
    table: 'enterprise',
    mutation: `mutation($i: EnterpriseInput!) { createEnterprise(input: $i) { creditCode } }`,
    input,
    sheet: 'enterprises',
    cells: { 统一社会信用代码: code, 名称: input.name, 所有制: OWN[input.ownership]!, 标签: cell(tags), 来源: input.source },
  };
}

function pairingCase(): Case {
  const i = ++n;
  const code = pick([`PR-${i}`, `pr-${i}`, `EV/${i}`, `P R${i}`]);
  const scheme = pick(['OTHER', 'CITY_MOUNTAIN', 'SOE_TOWN', 'ENTERPRISE_VILLAGE']);
  const party = () =>
    pick([{ area: PLATFORM }, { area: TOWN }, { area: TOWN2 }, { area: VILLAGE }, { area: '330110999' }, { ent: STATE }, { ent: PRIVATE }]) as {
      area?: string;
      ent?: string;
    };
  const lead = party();
  const partner = pick([{ area: TOWN }, { area: TOWN2 }, { area: PLATFORM }, { area: VILLAGE }, { ent: PRIVATE }]) as { area?: string; ent?: string };
  const start = date();
  const end = pick([undefined, '2020-01-01', '2030-12-31']);
  const note = pick([undefined, '备注', 'n'.repeat(2001)]);
  const input = {
    code,
    scheme,
    leadAreaCode: lead.area,
    leadEnterpriseCreditCode: lead.ent,
    partnerAreaCode: partner.area,
    partnerEnterpriseCreditCode: partner.ent,
    startDate: start,
    endDate: end,
    note,
    source: sources(),
  };
  const SCHEME: Record<string, string> = { OTHER: '其他', CITY_MOUNTAIN: '1+5', SOE_TOWN: '5+5', ENTERPRISE_VILLAGE: '百企百社' };
  return {
    kind: 'pairing',
    table: 'pairing',
    mutation: `mutation($i: PairingInput!) { createPairing(input: $i) { code } }`,
    input,
    sheet: 'pairings',
    cells: {
      结对编号: code,
      结对机制: SCHEME[scheme]!,
      牵头方区域代码: cell(lead.area),
      牵头方信用代码: cell(lead.ent),
      结对方区域代码: cell(partner.area),
      结对方信用代码: cell(partner.ent),
      开始日期: start,
      结束日期: cell(end),
      备注: cell(note),
      来源: input.source,
    },
  };
}

function projectCase(): Case {
  const i = ++n;
  const code = pick([`pj-${i}`, `PJ-${i}`, fullWidth(`PJ-${i}`), `pj ${i}`, `X${'9'.repeat(64)}${i}`]);
  const investors = pick([undefined, [STATE], [STATE, PRIVATE], [creditCode(999)]]);
  const input = {
    code,
    name: names(),
    sector: pick(['文旅', '数字经济', 's'.repeat(101)]),
    hostAreaCode: pick([TOWN, VILLAGE, PLATFORM, '330110', '330110999']),
    pairingCode: pick([undefined, 'BASE-1', 'base-1', 'NOPE-9']),
    signedAmount: money(),
    signedOn: date(),
    investorCreditCodes: investors,
    source: sources(),
  };
  return {
    kind: 'project',
    table: 'project',
    mutation: `mutation($i: ProjectInput!) { createProject(input: $i) { code } }`,
    input,
    sheet: 'projects',
    cells: {
      项目编号: code,
      项目名称: input.name,
      行业: input.sector,
      所在区域代码: input.hostAreaCode,
      结对编号: cell(input.pairingCode),
      签约金额: input.signedAmount,
      签约日期: input.signedOn,
      投资企业信用代码: cell(investors),
      来源: input.source,
    },
  };
}

function fundFlowCase(): Case {
  const i = ++n;
  const day = new Date(Date.UTC(2023, 0, 1) + i * 86400000).toISOString().slice(0, 10);
  const input = {
    projectCode: pick(['P-BASE', 'p-base', 'NOPE-1']),
    reference: pick([`记-${i}`, ` 记-${i} `, 'r'.repeat(65)]),
    kind: pick(['COMMITMENT', 'LANDED']),
    amount: money(),
    occurredOn: pick([day, day, '2023-02-30']),
    source: sources(),
  };
  return {
    kind: 'fund flow',
    table: 'fund_flow',
    mutation: `mutation($i: FundFlowInput!) { createFundFlow(input: $i) { amount } }`,
    input,
    sheet: 'fund_flows',
    cells: {
      项目编号: input.projectCode,
      凭证号: input.reference,
      资金类型: input.kind === 'LANDED' ? '落地' : '承诺',
      金额: input.amount,
      日期: input.occurredOn,
      来源: input.source,
    },
  };
}

function workshopCase(): Case {
  const i = ++n;
  const jobs = pick([undefined, 0, 5, 1_000_000, 5_000_000, -1]);
  const low = pick([undefined, 0, 3, 6]);
  const input = {
    villageCode: pick([VILLAGE, VILLAGE2, TOWN, '330110101999']),
    name: pick([`工坊${i}`, ` 工坊${i} `, '坊'.repeat(201)]),
    type: pick(['PROCESSING', 'LIVE_COMMERCE']),
    hostEnterpriseCreditCode: pick([undefined, PRIVATE, creditCode(998)]),
    openedOn: pick([undefined, '2022-05-01']),
    jobsCreated: jobs,
    lowIncomeJobs: low,
    incomeGainPerPerson: pick([undefined, '15000', '-1']),
    source: sources(),
  };
  return {
    kind: 'workshop',
    table: 'workshop',
    mutation: `mutation($i: WorkshopInput!) { createWorkshop(input: $i) { name } }`,
    input,
    sheet: 'workshops',
    cells: {
      村代码: input.villageCode,
      名称: input.name,
      类型: input.type === 'PROCESSING' ? '来料加工' : '电商直播',
      合作企业信用代码: cell(input.hostEnterpriseCreditCode),
      开办日期: cell(input.openedOn),
      带动就业人数: cell(jobs),
      其中低收入人数: cell(low),
      人均年增收: cell(input.incomeGainPerPerson),
      来源: input.source,
    },
  };
}

function incomeCase(): Case {
  const i = ++n;
  const parts = pick([undefined, ['1', '2', '3'], ['1', '2', '-30'], ['-1', '2', '3']]);
  const operating = pick(['6', undefined, '7', '-6', '100']);
  const input = {
    villageCode: pick([VILLAGE, VILLAGE2, TOWN]),
    year: pick([1950 + i, 1950 + i, 1900]),
    operatingIncome: operating,
    businessIncome: parts?.[0],
    contractingIncome: parts?.[1],
    investmentIncome: parts?.[2],
    subsidyIncome: pick([undefined, '5', '-5']),
    source: sources(),
  };
  return {
    kind: 'collective income',
    table: 'collective_income',
    mutation: `mutation($i: CollectiveIncomeInput!) { createCollectiveIncome(input: $i) { year } }`,
    input,
    sheet: 'collective_incomes',
    cells: {
      村代码: input.villageCode,
      年度: String(input.year),
      经营性收入: cell(operating),
      经营收入: cell(parts?.[0]),
      发包及上交收入: cell(parts?.[1]),
      投资收益: cell(parts?.[2]),
      补助收入: cell(input.subsidyIncome),
      来源: input.source,
    },
  };
}

/** Each table's rows by natural keys (references as codes), without ids or timestamps, sorted. */
const SNAPSHOT: Record<string, string> = {
  area: `select a.code, a.name, a.kind, p.code as parent, a.mountain, a.scenic_grade, a.source from area a left join area p on p.id = a.parent_id order by 1`,
  enterprise: `select credit_code, name, ownership, tags, source from enterprise order by 1`,
  pairing: `select p.code, p.scheme, la.code la, le.credit_code le, pa.code pa, pe.credit_code pe, p.start_date::text, p.end_date::text, p.note, p.source from pairing p left join area la on la.id = p.lead_area_id left join enterprise le on le.id = p.lead_enterprise_id left join area pa on pa.id = p.partner_area_id left join enterprise pe on pe.id = p.partner_enterprise_id order by 1`,
  project: `select p.code, p.name, p.sector, h.code host, pr.code pairing, p.signed_amount::text, p.signed_on::text, p.source,
      (select string_agg(e.credit_code, ',' order by e.credit_code) from project_investor i join enterprise e on e.id = i.enterprise_id where i.project_id = p.id) investors,
      (select string_agg(s.stage || '@' || s.reached_on, ',' order by s.stage) from project_stage s where s.project_id = p.id) stages
    from project p join area h on h.id = p.host_id left join pairing pr on pr.id = p.pairing_id order by 1`,
  fund_flow: `select p.code, f.reference, f.kind, f.amount::text, f.occurred_on::text, f.source from fund_flow f join project p on p.id = f.project_id order by 1, 2, 4`,
  workshop: `select v.code, w.name, w.type, e.credit_code, w.opened_on::text, w.jobs_created, w.low_income_jobs, w.income_gain_per_person::text, w.source from workshop w join area v on v.id = w.village_id left join enterprise e on e.id = w.host_enterprise_id order by 1, 2`,
  collective_income: `select v.code, c.year, c.operating_income::text, c.business_income::text, c.contracting_income::text, c.investment_income::text, c.subsidy_income::text, c.other_income::text, c.source from collective_income c join area v on v.id = c.village_id order by 1, 2`,
};

async function snapshot(api: TestApi, table: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: api.databaseUrl });
  await client.connect();
  try {
    return (await client.query(SNAPSHOT[table]!)).rows;
  } finally {
    await client.end();
  }
}

/** Writes the case's one-row sheet as a CSV file (quoted cells) and imports it into B. */
async function viaSheet(c: Case): Promise<{ ok: boolean; problems: string[] }> {
  const file = path.join(tmp, `${c.sheet}.csv`);
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  await writeFile(file, `${Object.keys(c.cells).map(quote).join(',')}\r\n${Object.values(c.cells).map(quote).join(',')}\r\n`);
  const outcome = await runImport(B.databaseUrl, { paths: [file], limits: limitsFromEnv() });
  if (outcome.status === 'failed') throw new Error(`import failed: ${outcome.message}`);
  return { ok: outcome.status === 'ok', problems: outcome.problems.problems.filter((p) => p.severity === 'error').map((p) => `${p.column}: ${p.rule}`) };
}

async function viaApi(c: Case): Promise<{ ok: boolean; problems: string[] }> {
  const res = await A.gql(c.mutation, { i: Object.fromEntries(Object.entries(c.input).filter(([, v]) => v !== undefined)) });
  return { ok: !res.errors, problems: (res.errors ?? []).map((e) => `${e.extensions?.code} ${e.message}`) };
}

beforeAll(async () => {
  console.log(`two-paths seed: ${SEED} (replay with TWO_PATHS_SEED=${SEED})`);
  [A, B] = await Promise.all([startTestApi(), startTestApi()]);
  await base(A);
  await base(B);
  tmp = await mkdtemp(path.join(os.tmpdir(), 'registry-two-paths-'));
  await chmod(tmp, 0o755);
});
afterAll(async () => {
  await A?.close();
  await B?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe(`GraphQL and a one-row spreadsheet decide alike and write alike (seed ${SEED})`, () => {
  const kinds: [string, () => Case][] = [
    ['areas', areaCase],
    ['enterprises', enterpriseCase],
    ['pairings', pairingCase],
    ['projects', projectCase],
    ['fund flows', fundFlowCase],
    ['workshops', workshopCase],
    ['collective income', incomeCase],
  ];
  for (const [label, make] of kinds) {
    it(`${label}: ${PER_KIND} random records`, async () => {
      let accepted = 0;
      for (let k = 0; k < PER_KIND; k++) {
        firstChoice = k === 0;
        const c = make();
        const api = await viaApi(c);
        const sheet = await viaSheet(c);
        const what = `seed ${SEED}, ${c.kind} ${JSON.stringify(c.input)}\n  API: ${api.ok ? 'accepted' : api.problems.join(' | ')}\n  sheet: ${sheet.ok ? 'accepted' : sheet.problems.join(' | ')}`;
        expect(sheet.ok, what).toBe(api.ok);
        if (api.ok) accepted++;
        expect(await snapshot(B, c.table), what).toEqual(await snapshot(A, c.table));
      }
      console.log(`${label}: ${accepted} of ${PER_KIND} accepted by both paths, ${PER_KIND - accepted} refused by both`);
      expect(accepted, `seed ${SEED}: the first ${label} record is valid`).toBeGreaterThanOrEqual(1);
    });
  }
});
