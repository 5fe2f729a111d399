import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitsFromEnv } from '../src/import/limits.js';
import { runImport } from '../src/import/run.js';
import { startTestApi, type TestApi } from './support/api.js';

/**
 * The article's figures (F1–F11 of the brief), asked over GraphQL of the registry filled from the
 * shipped seed workbook, with the example queries in queries/.
 */
let api: TestApi;
const queries = new Map<string, string>();

beforeAll(async () => {
  api = await startTestApi();
  const outcome = await runImport(api.databaseUrl, { paths: ['seeds'], limits: limitsFromEnv() });
  expect(outcome.status).toBe('ok');
  for (const file of await readdir('queries')) {
    const id = /^F(\d+)-/.exec(file)?.[1];
    if (id) queries.set(`F${Number(id)}`, await readFile(`queries/${file}`, 'utf8'));
  }
}, 180_000);
afterAll(async () => api?.close());

async function ask(figure: string): Promise<any> {
  const query = queries.get(figure);
  expect(query, `queries/ has a file for ${figure}`).toBeTruthy();
  return api.data(query!);
}

describe('the seeded registry reproduces the article', () => {
  it('F1: 54 projects landed in the five mountain towns in 2022', async () => {
    expect((await ask('F1')).projectTiers.projectCount).toBe(54);
  });

  it('F2: 7.1亿 of funds landed there in 2022', async () => {
    const { fundsLanded } = await ask('F2');
    expect(fundsLanded.total).toBe('710000000');
    expect(fundsLanded.yi).toBe('7.1');
    expect(fundsLanded.projectCount).toBe(54);
    expect(fundsLanded.groups).toHaveLength(5);
  });

  it('F3: the mountain towns’ collective operating income was 1.3亿 in 2022, up 13.04%', async () => {
    expect((await ask('F3')).collectiveIncome).toEqual({
      total: '130000000',
      previousTotal: '115000000',
      change: '15000000',
      growthRate: '13.04',
      complete: true,
      villageCount: 41,
      missingCurrent: [],
    });
  });

  it('F4: 鸬鸟镇 has 7 common-prosperity workshops, among them 村团长 and 鸬鸟味·道不完', async () => {
    const { workshops } = await ask('F4');
    expect(workshops.totalCount).toBe(7);
    expect(workshops.nodes.map((n: { name: string }) => n.name)).toEqual(expect.arrayContaining(['村团长', '鸬鸟味·道不完']));
  });

  it('F5: they employ 1,256 people, each earning 1.5万 more a year', async () => {
    expect((await ask('F5')).workshopSummary).toEqual({ workshopCount: 7, jobsCreated: 1256, incomeGainPerPerson: '15000', wan: '1.5' });
  });

  it('F6: 鸬鸟’s six scenic villages’ collective income grew by 450万 in 2022', async () => {
    expect((await ask('F6')).collectiveIncome).toEqual({ change: '4500000', wan: '450', comparableVillageCount: 6 });
  });

  it('F7: the district’s village collective operating income was 9.44亿 in 2022, 660万 per village', async () => {
    expect((await ask('F7')).collectiveIncome).toEqual({ total: '944000000', yi: '9.44', villageCount: 143, average: '660' });
  });

  it('F8: 未来科技城 signed 25 projects of ≥1亿 in 2023 Q1, 5 of ≥10亿 and 1 of ≥50亿', async () => {
    const tiers = (await ask('F8')).projectTiers.tiers.map((t: { tier: string; projectCount: number }) => [t.tier, t.projectCount]);
    expect(tiers).toEqual([
      ['YI_1', 25],
      ['YI_10', 5],
      ['YI_50', 1],
    ]);
  });

  it('F9: 良渚新城 signed 60 projects of ≥1亿 in 2023 Q1', async () => {
    expect((await ask('F9')).projectTiers.atLeast.projectCount).toBe(60);
  });

  it('F10: "1+5" pairs 未来科技城 with each of the five mountain towns', async () => {
    const { pairings } = await ask('F10');
    expect(pairings.totalCount).toBe(5);
    for (const p of pairings.nodes) {
      expect(p.lead.name).toBe('杭州未来科技城');
      expect(p.partner.mountain).toBe(true);
    }
    expect(new Set(pairings.nodes.map((p: any) => p.partner.name)).size).toBe(5);
  });

  it('F11: 15 rural-innovation brand enterprises, among them 未来村庄集团 and 小咖资本', async () => {
    const { enterprises } = await ask('F11');
    expect(enterprises.totalCount).toBe(15);
    expect(enterprises.nodes.map((n: { name: string }) => n.name)).toEqual(expect.arrayContaining(['未来村庄集团', '小咖资本']));
  });

  it('answers every root field over HTTP', async () => {
    const data = await api.data(`{
      areas(first: 1) { totalCount nodes { id } }
      area(code: "330110") { name }
      enterprises(first: 1) { totalCount }
      enterprise(creditCode: "9133011030900922C6") { name }
      pairings(first: 1) { totalCount }
      pairing(code: "CM-330110109") { scheme }
      projects(first: 1) { totalCount }
      project(code: "WKC-2023-001") { host { name } }
      fundFlows(first: 1) { totalCount }
      workshops(first: 1) { totalCount }
      collectiveIncomes(first: 1) { totalCount }
      collectiveIncomeRecord(key: { villageCode: "330110111201", year: 2022 }) { village { name } }
    }`);
    expect(data).toMatchObject({
      area: { name: '余杭区' },
      enterprise: { name: '余杭区文旅集团' },
      pairing: { scheme: 'CITY_MOUNTAIN' },
      project: { host: { name: '杭州未来科技城' } },
      collectiveIncomeRecord: { village: { name: '仙佰坑村' } },
    });
    for (const list of ['areas', 'enterprises', 'pairings', 'projects', 'fundFlows', 'workshops', 'collectiveIncomes'])
      expect(data[list].totalCount).toBeGreaterThan(0);
    const node = await api.data(`query($id: ID!) { node(id: $id) { id ... on Area { code } } }`, { id: data.areas.nodes[0].id });
    expect(node.node.id).toBe(data.areas.nodes[0].id);
  });

  it('re-importing the seed changes nothing', async () => {
    const outcome = await runImport(api.databaseUrl, { paths: ['seeds'], limits: limitsFromEnv() });
    expect(outcome.summaries.every((s) => s.created === 0 && s.updated === 0 && s.unchanged > 0)).toBe(true);
  });
});
