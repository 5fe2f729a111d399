import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Kind, parse, type DocumentNode, type SelectionSetNode } from 'graphql';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitsFromEnv } from '../src/import/limits.js';
import { runImport } from '../src/import/run.js';
import { parseQuestion } from '../src/web/questions.js';
import { startTestApi, type TestApi } from './support/api.js';

/**
 * The planners' workbench in a real browser: Debian's chromium driven by playwright-core, against
 * an API on the seed workbook, with every request that does not go to the API's own host blocked.
 * Screenshots go to test/artifacts/ (and to docs/ with UPDATE_DOCS_SCREENSHOTS=1, for README).
 */
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARTIFACTS = 'test/artifacts';

let api: TestApi;
let browser: Browser;
let origin: string;
let apiHost: string;
/** Requests the route guard refused (anything not to the API's host). */
const blocked: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests need Debian's chromium at ${CHROMIUM} (or CHROMIUM_PATH): install it with ` +
        '`apt-get update && apt-get install -y chromium` (.ci/run does this itself). These tests are not skipped without it.',
    );
  }
  api = await startTestApi();
  const outcome = await runImport(api.databaseUrl, { paths: ['seeds'], limits: limitsFromEnv() });
  expect(outcome.status).toBe('ok');
  origin = new URL(api.url).origin;
  apiHost = new URL(api.url).host;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  await mkdir(ARTIFACTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

interface Session {
  context: BrowserContext;
  page: Page;
  /** console errors and uncaught exceptions of the page */
  errors: string[];
  requests: { url: string; headers: Record<string, string>; body: string | null }[];
}

/** A fresh browser profile (empty localStorage) whose requests may go to the API's host only. */
async function session(): Promise<Session> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true, locale: 'zh-CN' });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).host === apiHost) return route.continue();
    blocked.push(url);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: Session['requests'] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  page.on('request', (r) => requests.push({ url: r.url(), headers: r.headers(), body: r.postData() }));
  return { context, page, errors, requests };
}

/** Aliases of an operation as the API's limits count them: every aliased field, fragments expanded where spread. */
function aliasCount(doc: DocumentNode): number {
  const fragments = new Map(doc.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d.selectionSet]));
  const count = (set: SelectionSetNode): number =>
    set.selections.reduce((n, sel) => {
      if (sel.kind === Kind.FIELD) return n + (sel.alias ? 1 : 0) + (sel.selectionSet ? count(sel.selectionSet) : 0);
      if (sel.kind === Kind.INLINE_FRAGMENT) return n + count(sel.selectionSet);
      return n + count(fragments.get(sel.name.value)!);
    }, 0);
  return Math.max(0, ...doc.definitions.map((d) => (d.kind === Kind.OPERATION_DEFINITION ? count(d.selectionSet) : 0)));
}

async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, name), fullPage });
  if (process.env.UPDATE_DOCS_SCREENSHOTS === '1') {
    await mkdir('docs', { recursive: true });
    await page.screenshot({ path: path.join('docs', name), fullPage });
  }
}

describe('question titles, from the files of queries/', () => {
  it('reads "中文 · English — comment" lines, the F files\' "F2 · 中文: gloss" lines, and explicit title lines', () => {
    expect(parseQuestion('Q01-committed-vs-landed-by-town.graphql', '# 山区五镇承诺资金与落地资金 · Committed vs landed by town — how much was committed.\nquery Q01 { x }')).toMatchObject({
      id: 'Q01',
      titleZh: '山区五镇承诺资金与落地资金',
      titleEn: 'Committed vs landed by town',
      comment: 'how much was committed.',
    });
    expect(parseQuestion('F09-liangzhu-tiers-2023q1.graphql', '# F9 · 良渚新城招引亿元以上重大项目60个 (signed in 2023 Q1).\nquery F9 { x }')).toMatchObject({
      id: 'F9',
      titleZh: '良渚新城招引亿元以上重大项目60个',
      titleEn: 'Liangzhu tiers 2023 Q1',
      comment: 'F9 · 良渚新城招引亿元以上重大项目60个 (signed in 2023 Q1).',
    });
    expect(parseQuestion('x.graphql', '# 标题: 中文\n# Title: English\n# what it answers\n{ x }')).toMatchObject({ id: 'x', titleZh: '中文', titleEn: 'English', comment: 'what it answers' });
  });
});

describe('landing page, schema and /graphql from a browser', () => {
  it('GET / links to the playground, the dashboard and the schema, Chinese first', async () => {
    const res = await fetch(`${origin}/`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    for (const href of ['href="playground"', 'href="dashboard"', 'href="schema.graphql"']) expect(html).toContain(href);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/); // no inline script
    expect(html).not.toMatch(/https?:\/\//); // nothing from elsewhere
    expect(html.indexOf('余杭区山城协作登记库')).toBeLessThan(html.indexOf('Yuhang collaboration registry'));
  });

  it('GET /schema.graphql serves the committed SDL', async () => {
    const res = await fetch(`${origin}/schema.graphql`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; charset=utf-8/);
    expect(await res.text()).toBe(await readFile('schema.graphql', 'utf8'));
  });

  it('GET /graphql from a browser goes to the playground, carrying a query; API clients are not redirected', async () => {
    const plain = await fetch(`${origin}/graphql`, { headers: { accept: 'text/html,application/xhtml+xml' }, redirect: 'manual' });
    expect(plain.status).toBe(302);
    expect(new URL(plain.headers.get('location')!, api.url).pathname).toBe('/playground');
    const withQuery = await fetch(`${origin}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    const target = new URL(withQuery.headers.get('location')!, api.url);
    expect(target.pathname).toBe('/playground');
    expect(target.searchParams.get('query')).toBe('{ __typename }');
    const client = await fetch(`${origin}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
      redirect: 'manual',
    });
    expect(client.status).toBe(200);
    expect(await client.json()).toEqual({ data: { __typename: 'Query' } });
    const anyType = await fetch(`${origin}/graphql`, { headers: { accept: '*/*' }, redirect: 'manual' });
    expect(anyType.status).not.toBe(302);
  });

  it('the landing page in the browser reaches the playground and the dashboard', async () => {
    const { context, page, errors } = await session();
    await page.goto(`${origin}/`);
    await expect(page.locator('h1').innerText()).resolves.toContain('余杭区山城协作登记库');
    await page.locator('#link-dashboard').click();
    await page.waitForURL(/\/dashboard/);
    await page.goto(`${origin}/graphql`);
    await page.waitForURL(/\/playground$/);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('playground', () => {
  it('loads from the API alone, lists the queries/ questions, runs F2 and shows 7.1亿 exactly', async () => {
    const { context, page, errors } = await session();
    await page.goto(`${origin}/playground`);
    const files = (await readdir('queries')).filter((f) => f.endsWith('.graphql'));
    const items = page.locator('.yhr-question-list > li');
    await expect.poll(() => items.count(), { timeout: 30_000 }).toBe(files.length);
    const ids = await items.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-question')));
    for (const f of ['F1', 'F2', 'F5', 'F8', 'F11']) expect(ids).toContain(f);
    await expect(page.locator('[data-question="F2"] .yhr-title-zh').innerText()).resolves.toBe('落地资金7.1亿元');
    await expect(page.locator('[data-question="F2"] .yhr-title-en').innerText()).resolves.toBe('Funds landed in mountain towns 2022');
    // one tab per question, named by its operation
    await expect.poll(() => page.locator('.graphiql-tab').count()).toBeGreaterThanOrEqual(files.length);
    const tabTitles = await page.locator('.graphiql-tab').allInnerTexts();
    expect(tabTitles.map((t) => t.trim())).toEqual(expect.arrayContaining(['F1', 'F2', 'F11']));

    await page.locator('[data-question="F2"] .yhr-run').click();
    const response = page.locator('.graphiql-response');
    await response.getByText('"710000000"').waitFor({ timeout: 30_000 });
    await response.getByText('"7.1"').waitFor();
    await expect(page.locator('.graphiql-tab-active').innerText()).resolves.toContain('F2');

    // the schema's documentation explorer
    await page.locator('.graphiql-sidebar button[aria-label="Show Documentation Explorer"]').click();
    const docs = page.locator('.graphiql-plugin');
    await docs.getByText('Query', { exact: true }).first().click({ timeout: 15_000 });
    await docs.getByText('fundsLanded', { exact: true }).first().waitFor({ timeout: 15_000 });
    await expect(docs.innerText()).resolves.toContain('落地资金');
    await page.locator('.graphiql-sidebar button[aria-label="Show 问题 Questions"]').click();
    await page.locator('.yhr-question-list').waitFor();
    await screenshot(page, 'playground.png');
    expect(errors).toEqual([]);
    expect(blocked).toEqual([]);
    await context.close();
  });

  it('remembers an API key in this browser and sends it; anonymous reads work without it', async () => {
    const { context, page, errors, requests } = await session();
    await page.goto(`${origin}/playground`);
    await page.locator('[data-question="F10"] .yhr-run').click();
    await page.locator('.graphiql-response').getByText('"totalCount": 5').waitFor({ timeout: 30_000 });
    const anonymous = requests.filter((r) => r.url.endsWith('/graphql'));
    expect(anonymous.length).toBeGreaterThan(0);
    expect(anonymous.every((r) => !r.headers.authorization)).toBe(true);

    await page.locator('#yhr-key').fill(api.adminKey);
    await page.getByRole('button', { name: '保存 Save' }).click();
    await expect(page.evaluate(() => localStorage.getItem('yuhang-registry:api-key'))).resolves.toBe(api.adminKey);
    await page.reload();
    await expect(page.getByTestId('key-state').innerText()).resolves.toContain(api.adminKey.slice(0, 8));
    requests.length = 0;
    await page.locator('[data-question="F4"] .yhr-run').click();
    await page.locator('.graphiql-response').getByText('"totalCount": 7').waitFor({ timeout: 30_000 });
    const keyed = requests.filter((r) => r.url.endsWith('/graphql'));
    expect(keyed.length).toBeGreaterThan(0);
    expect(keyed.every((r) => r.headers.authorization === `Bearer ${api.adminKey}`)).toBe(true);

    await page.getByRole('button', { name: '清除 Clear' }).click();
    await expect(page.evaluate(() => localStorage.getItem('yuhang-registry:api-key'))).resolves.toBeNull();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('opens a query given in the URL (as the dashboard links do) and runs it', async () => {
    const { context, page, errors } = await session();
    await page.goto(`${origin}/graphql?query=${encodeURIComponent('query Probe { area(code: "330110111") { name } }')}`);
    await page.waitForURL(/\/playground\?query=/);
    await expect(page.locator('.graphiql-tab-active').innerText()).resolves.toContain('Probe');
    await page.goto(`${origin}/playground?run=1&query=${encodeURIComponent('query Probe2 { area(code: "330110111") { name } }')}`);
    await page.locator('.graphiql-response').getByText('"鸬鸟镇"').waitFor({ timeout: 30_000 });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('never runs a mutation from a link, even with a key stored', async () => {
    const { context, page, requests } = await session();
    await page.goto(`${origin}/playground`);
    await page.evaluate((key) => localStorage.setItem('yuhang-registry:api-key', key), api.adminKey);
    const before = await api.data('{ workshops(filter: { nameContains: "村团长" }) { nodes { village { code } } } }');
    const village = before.workshops.nodes[0].village.code;
    const mutation = `mutation Sneaky { deleteWorkshop(key: { villageCode: "${village}", name: "村团长" }) }`;
    await page.goto(`${origin}/playground?run=1&query=${encodeURIComponent(mutation)}`);
    await expect(page.locator('.graphiql-tab-active').innerText()).resolves.toContain('Sneaky');
    await page.waitForTimeout(1500);
    expect(requests.filter((r) => r.body?.includes('Sneaky'))).toEqual([]);
    const { workshops } = await api.data('{ workshops(filter: { nameContains: "村团长" }) { totalCount } }');
    expect(workshops.totalCount).toBe(1);
    await context.close();
  });
});

describe('dashboard', () => {
  const CHARTS = ['funds', 'tiers', 'income', 'villages', 'workshopTypes', 'workshopTowns'];

  async function openDashboard(query = ''): Promise<Session> {
    const s = await session();
    await s.page.goto(`${origin}/dashboard${query}`);
    await s.page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 60_000 });
    return s;
  }

  /** What a chart shows: its series as ECharts holds them. */
  async function series(page: Page, id: string): Promise<{ name: string; data: any[] }[]> {
    return page.evaluate((chart) => (window as any).yhrDashboard.chartData(chart).series.map((s: any) => ({ name: s.name, data: s.data })), id);
  }

  it('renders every chart from the API alone, with a provenance line each and no console errors', async () => {
    const { context, page, errors } = await openDashboard();
    for (const id of CHARTS) {
      const card = page.locator(`#card-${id}`);
      await expect(card.getAttribute('data-state'), id).resolves.toBe('ready');
      await expect(card.locator('.chart canvas').count(), `${id} has a canvas`).resolves.toBeGreaterThan(0);
      await expect(card.locator('.provenance').innerText(), `${id} says where its data comes from`).resolves.toMatch(/示意.*illustrative/s);
      const href = await card.locator('a.open-playground').getAttribute('href');
      const query = new URL(href!, origin).searchParams.get('query')!;
      expect(query, `${id} links its query`).toMatch(/^#[^\n]*\n(query|fragment) /);
      // Small enough for the API's request limits (15 aliases, 1,000 tokens per operation).
      const doc = parse(query, { maxTokens: 1000 });
      expect(aliasCount(doc), `${id}: aliases`).toBeLessThanOrEqual(15);
    }
    // Nothing the dashboard loaded came from elsewhere.
    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
    await screenshot(page, 'dashboard.png', true);
    await context.close();
  });

  it("the funds chart shows the API's landed funds per mountain town and year; 2022 adds up to the article's 7.1亿", async () => {
    const { context, page } = await openDashboard('?from=2021&to=2023');
    const expected = await api.data(`{
      fundsLanded(filter: { mountain: true, period: { from: "2021-01-01", to: "2023-12-31" } }, groupBy: [TOWN, YEAR]) {
        groups { area { name } year wan: total(unit: WAN) }
      }
    }`);
    const shown = await series(page, 'funds');
    const towns = await page.evaluate(() => (window as any).yhrDashboard.chartData('funds').xAxis[0].data as string[]);
    expect(towns).toHaveLength(5);
    expect(shown.map((s) => s.name)).toEqual(['2021年 落地资金', '2022年 落地资金', '2023年 落地资金']);
    for (const g of expected.fundsLanded.groups) {
      const s = shown.find((x) => x.name.startsWith(`${g.year}年`))!;
      expect(s.data[towns.indexOf(g.area.name)].value, `${g.area.name} ${g.year}`).toBe(Number(g.wan));
    }
    // F2, independently of the grouping: 7.1亿 = 71000万 in 2022.
    const sum2022 = shown.find((s) => s.name.startsWith('2022年'))!.data.reduce((a: number, d: any) => a + d.value, 0);
    expect(sum2022).toBeCloseTo(71000, 6);
    await context.close();
  });

  it('a filter change updates the URL and the charts; the URL alone restores the view', async () => {
    const { context, page, errors } = await openDashboard();
    const before = await series(page, 'workshopTowns');
    expect(before[0]!.data.length).toBeGreaterThan(1);
    await page.locator('select[name="area"]').selectOption('330110111');
    await page.waitForURL(/area=330110111/);
    await page.waitForFunction(() => document.body.dataset.state === 'ready');
    const towns = await page.evaluate(() => (window as any).yhrDashboard.chartData('funds').xAxis[0].data as string[]);
    expect(towns).toEqual(['鸬鸟镇']);
    const after = await series(page, 'workshopTowns');
    expect(after[0]!.data).toEqual([1256]); // F5: 鸬鸟's workshops employ 1,256 people
    await expect(page.locator('#share-link').getAttribute('href')).resolves.toContain('area=330110111');

    await page.locator('select[name="from"]').selectOption('2022');
    await page.waitForURL(/from=2022/);
    await page.waitForFunction(() => document.body.dataset.state === 'ready');
    expect((await series(page, 'funds')).map((s) => s.name)).toEqual(['2022年 落地资金', '2023年 落地资金']);

    const shared = page.url();
    const other = await context.newPage();
    await other.goto(shared);
    await other.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 60_000 });
    await expect(other.locator('select[name="area"]').inputValue()).resolves.toBe('330110111');
    await expect(other.locator('select[name="from"]').inputValue()).resolves.toBe('2022');
    expect(await series(other, 'funds')).toEqual(await series(page, 'funds'));
    await page.goBack();
    await page.waitForURL((u) => !u.search.includes('from=2022'));
    await page.waitForFunction(() => document.body.dataset.state === 'ready');
    expect((await series(page, 'funds')).map((s) => s.name)).toHaveLength(3);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("the provenance line counts the API's own records: workshops by record", async () => {
    const { context, page } = await openDashboard();
    const { workshops } = await api.data('{ workshops(first: 100) { totalCount nodes { source } } }');
    const illustrative = workshops.nodes.filter((n: { source: string }) => /^illustrative/i.test(n.source.trim())).length;
    expect(illustrative).toBeGreaterThan(0);
    const text = await page.locator('#card-workshopTypes .provenance').innerText();
    expect(text).toContain(`引用来源 ${workshops.totalCount - illustrative} 条`);
    expect(text).toContain(`示意数据 ${illustrative} 条`);
    expect(text).toContain(`of ${workshops.totalCount}`);
    await context.close();
  });

  it('downloads a chart as PNG and its data as CSV (UTF-8 with BOM, formulas escaped)', async () => {
    const { context, page } = await openDashboard('?from=2021&to=2023');
    const card = page.locator('#card-funds');
    const [png] = await Promise.all([page.waitForEvent('download'), card.locator('.download-png').click()]);
    expect(png.suggestedFilename()).toMatch(/\.png$/);
    const pngBytes = await readFile((await png.path())!);
    expect(pngBytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(pngBytes.length).toBeGreaterThan(5000);

    const [csv] = await Promise.all([page.waitForEvent('download'), card.locator('.download-csv').click()]);
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
    const bytes = await readFile((await csv.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toContain('镇 town');
    const { fundsLanded } = await api.data(`{
      fundsLanded(filter: { mountain: true, period: { year: 2022 } }, groupBy: [TOWN]) { groups { area { name code } total wan: total(unit: WAN) projectCount } }
    }`);
    const g = fundsLanded.groups.find((x: any) => x.area.name === '鸬鸟镇');
    expect(lines).toContain(`鸬鸟镇,${g.area.code},2022,落地资金,${g.total},${g.wan},${g.projectCount}`);
    await writeFile(path.join(ARTIFACTS, csv.suggestedFilename()), bytes);

    const text = await page.evaluate(() => (window as any).yhrDashboard.csvText([['=1+2', '+x', '-y', '@z', '-3.25', 'a,"b"', '径山镇']]));
    expect(text).toBe('\ufeff\'=1+2,\'+x,\'-y,\'@z,-3.25,"a,""b""",径山镇\r\n');
    await context.close();
  });

  it('counts sources behind the same credential rules as /graphql, and checks its parameters', async () => {
    const bad = await fetch(`${origin}/dashboard/provenance?from=2023&to=2021`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const ok = await fetch(`${origin}/dashboard/provenance?from=2022&to=2022&area=330110111`);
    expect(ok.status).toBe(200);
    const body = await ok.json();
    expect(body.funds.basis).toBe('amount');
    const wrongKey = await fetch(`${origin}/dashboard/provenance?from=2022&to=2022`, { headers: { authorization: 'Bearer yhr_not-a-key' } });
    expect(wrongKey.status).toBe(401);

    const closed = await startTestApi({ auth: { anonymousRead: false } });
    try {
      const closedOrigin = new URL(closed.url).origin;
      expect((await fetch(`${closedOrigin}/dashboard/provenance?from=2022&to=2022`)).status).toBe(401);
      const keyed = await fetch(`${closedOrigin}/dashboard/provenance?from=2022&to=2022`, { headers: { authorization: `Bearer ${closed.adminKey}` } });
      expect(keyed.status).toBe(200);
    } finally {
      await closed.close();
    }
  });
});
