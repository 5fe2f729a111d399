import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildSchema, type DocumentNode, Kind, NoDeprecatedCustomRule, parse, type SelectionSetNode, specifiedRules, validate } from 'graphql';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
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
  /** answers to POST /graphql: status and body text */
  graphql: Promise<{ status: number; body: string }>[];
}

/** A fresh browser profile (empty localStorage) whose requests may go to the API's host only (or `host`). */
async function session(host = apiHost): Promise<Session> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true, locale: 'zh-CN' });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).host === host) return route.continue();
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
  const graphql: Session['graphql'] = [];
  page.on('response', (r) => {
    // Note: a body not read before its page closes is gone; only the tests that await these read them.
    if (r.request().method() === 'POST' && new URL(r.url()).pathname === '/graphql') {
      graphql.push(
        r.text().then(
          (body) => ({ status: r.status(), body }),
          (e: Error) => ({ status: r.status(), body: `unread: ${e.message}` }),
        ),
      );
    }
  });
  return { context, page, errors, requests, graphql };
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
    expect(
      parseQuestion(
        'Q01-committed-vs-landed-by-town.graphql',
        '# 山区五镇承诺资金与落地资金 · Committed vs landed by town — how much was committed.\nquery Q01 { x }',
      ),
    ).toMatchObject({
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
    expect(parseQuestion('x.graphql', '# 标题: 中文\n# Title: English\n# what it answers\n{ x }')).toMatchObject({
      id: 'x',
      titleZh: '中文',
      titleEn: 'English',
      comment: 'what it answers',
    });
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
  const LUNIAO = '330110111';

  async function openDashboard(query = '', at = origin, host = apiHost): Promise<Session> {
    const s = await session(host);
    await s.page.goto(`${at}/dashboard${query}`);
    await s.page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 60_000 });
    return s;
  }

  /** What a chart shows: its series as ECharts holds them. */
  async function series(page: Page, id: string): Promise<{ name: string; data: any[] }[]> {
    return page.evaluate((chart) => (window as any).yhrDashboard.chartData(chart).series.map((s: any) => ({ name: s.name, data: s.data })), id);
  }
  const categories = (page: Page, id: string) => page.evaluate((chart) => (window as any).yhrDashboard.chartData(chart).xAxis[0].data as string[], id);
  const csvOf = (page: Page, id: string) => page.evaluate((chart) => (window as any).yhrDashboard.csv(chart) as { header: string[]; rows: any[][] }, id);

  /** Exact yuan strings ("1234.5") as fen, and back to 万元 as a number for the chart's axis. */
  const fen = (yuan: string) => {
    const [int, frac = ''] = yuan.split('.');
    return BigInt(int! + frac.padEnd(2, '0'));
  };
  const fenToWan = (f: bigint) => Number(f) / 1_000_000;

  /** Every node of a list, page by page (100 at a time). */
  async function all<T>(root: string, filter: string, fields: string): Promise<T[]> {
    const out: T[] = [];
    let after: string | null = null;
    for (;;) {
      const data: any = await api.data(
        `query($after: String) { ${root}(filter: ${filter}, first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${fields} } } }`,
        { after },
      );
      out.push(...data[root].nodes);
      if (!data[root].pageInfo.hasNextPage) return out;
      after = data[root].pageInfo.endCursor;
    }
  }

  /** The fund flows of a town's projects in 2021–2023, summed per year and kind here (exact, in fen). */
  async function townFlows(code: string) {
    const flows = await all<{ kind: string; amount: string; occurredOn: string; project: { code: string } }>(
      'fundFlows',
      `{ area: { within: ["${code}"] }, occurredOn: { from: "2021-01-01", to: "2023-12-31" } }`,
      'kind amount occurredOn project { code }',
    );
    const cell = new Map<string, { fen: bigint; projects: Set<string> }>();
    for (const f of flows) {
      const key = `${f.occurredOn.slice(0, 4)}|${f.kind}`;
      const c = cell.get(key) ?? { fen: 0n, projects: new Set<string>() };
      c.fen += fen(f.amount);
      c.projects.add(f.project.code);
      cell.set(key, c);
    }
    return (year: number, kind: 'COMMITMENT' | 'LANDED') => cell.get(`${year}|${kind}`) ?? { fen: 0n, projects: new Set<string>() };
  }

  it('renders every chart from the API alone, one small query per chart, on the current filter vocabulary', async () => {
    const { context, page, errors, requests, graphql } = await openDashboard();
    for (const id of CHARTS) {
      const card = page.locator(`#card-${id}`);
      await expect(card.getAttribute('data-state'), id).resolves.toBe('ready');
      await expect(card.locator('.chart canvas').count(), `${id} has a canvas`).resolves.toBeGreaterThan(0);
      await expect(card.locator('.provenance').innerText(), `${id} says where its data comes from`).resolves.toMatch(/示意.*illustrative/s);
      const href = await card.locator('a.open-playground').getAttribute('href');
      const query = new URL(href!, origin).searchParams.get('query')!;
      expect(query, `${id} links its query`).toMatch(/^#[^\n]*\n(query|fragment) /);
      expect(query, `${id} asks its aggregate where the data comes from`).toMatch(/\bsources \{/);
      // Small enough for the API's request limits (15 aliases, 1,000 tokens per operation).
      const doc = parse(query, { maxTokens: 1000 });
      expect(aliasCount(doc), `${id}: aliases`).toBeLessThanOrEqual(15);
    }
    // Every request the page sent is valid against the committed schema without a deprecated
    // argument or input field (areaCodes, mountain on aggregate filters, within, hostAreaCodes), and
    // the provenance lines come from the chart queries themselves: no other route.
    const schema = buildSchema(await readFile('schema.graphql', 'utf8'));
    const posts = requests.filter((r) => new URL(r.url).host === apiHost && r.body);
    expect(posts.map((r) => new URL(r.url).pathname)).toEqual(Array(posts.length).fill('/graphql'));
    expect(requests.filter((r) => r.url.includes('provenance'))).toEqual([]);
    expect(posts).toHaveLength(CHARTS.length + 2); // one per chart, the areas of the area filter, and the indicator cards
    for (const r of posts) {
      const { query, variables } = JSON.parse(r.body!);
      expect(validate(schema, parse(query), [...specifiedRules, NoDeprecatedCustomRule]), query).toEqual([]);
      expect(JSON.stringify(variables ?? {})).not.toMatch(/"(areaCodes|hostAreaCodes|mountain)"/);
    }
    // The page stays light on a large registry too: no answer is a long list.
    const longest = (v: unknown): number =>
      Array.isArray(v) ? Math.max(v.length, ...v.map(longest)) : v && typeof v === 'object' ? Math.max(0, ...Object.values(v).map(longest)) : 0;
    for (const res of await Promise.all(graphql)) {
      expect(res.status).toBe(200);
      expect(res.body.length).toBeLessThan(64 * 1024);
      expect(longest(JSON.parse(res.body))).toBeLessThanOrEqual(100);
    }
    // Nothing the dashboard loaded came from elsewhere.
    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
    await screenshot(page, 'dashboard.png', true);
    await context.close();
  });

  it("the funds chart shows committed beside landed per mountain town and year, as the town's own fund flows add up", async () => {
    const { context, page } = await openDashboard('?from=2021&to=2023');
    const shown = await series(page, 'funds');
    expect(shown.map((s) => s.name)).toEqual([
      '2021年 承诺资金',
      '2021年 落地资金',
      '2022年 承诺资金',
      '2022年 落地资金',
      '2023年 承诺资金',
      '2023年 落地资金',
    ]);
    const towns = await categories(page, 'funds');
    const { areas } = await api.data('{ areas(filter: { kinds: [TOWN], area: { mountain: true } }) { nodes { code name } } }');
    expect(towns.slice().sort()).toEqual(areas.nodes.map((a: { name: string }) => a.name).sort());
    let committedAnywhere = 0n;
    for (const town of areas.nodes as { code: string; name: string }[]) {
      const sums = await townFlows(town.code);
      for (const year of [2021, 2022, 2023]) {
        for (const [kind, label] of [
          ['COMMITMENT', '承诺资金'],
          ['LANDED', '落地资金'],
        ] as const) {
          const want = sums(year, kind);
          const bar = shown.find((s) => s.name === `${year}年 ${label}`)!.data[towns.indexOf(town.name)];
          expect(fen(bar.yuan), `${town.name} ${year} ${label}`).toBe(want.fen);
          expect(bar.value).toBeCloseTo(fenToWan(want.fen), 6);
          expect(bar.projects, `${town.name} ${year} ${label} projects`).toBe(want.projects.size);
          if (kind === 'COMMITMENT') committedAnywhere += want.fen;
        }
      }
    }
    expect(committedAnywhere).toBeGreaterThan(0n);
    // F2, independently of the grouping: 7.1亿 = 71000万 landed in 2022.
    const sum2022 = shown.find((s) => s.name === '2022年 落地资金')!.data.reduce((a: number, d: any) => a + d.value, 0);
    expect(sum2022).toBeCloseTo(71000, 6);
    await context.close();
  });

  it('a filter change updates the URL and the charts; the URL alone restores the view', async () => {
    const { context, page, errors } = await openDashboard();
    const before = await series(page, 'workshopTowns');
    expect(before[0]!.data.length).toBeGreaterThan(1);
    await page.locator('select[name="area"]').selectOption(LUNIAO);
    await page.waitForURL(/area=330110111/);
    await page.waitForFunction(() => document.body.dataset.state === 'ready');
    expect(await categories(page, 'funds')).toEqual(['鸬鸟镇']);
    const after = await series(page, 'workshopTowns');
    expect(after[0]!.data).toEqual([1256]); // F5: 鸬鸟's workshops employ 1,256 people
    await expect(page.locator('#share-link').getAttribute('href')).resolves.toContain('area=330110111');

    await page.locator('select[name="from"]').selectOption('2022');
    await page.waitForURL(/from=2022/);
    await page.waitForFunction(() => document.body.dataset.state === 'ready');
    expect((await series(page, 'funds')).map((s) => s.name)).toEqual(['2022年 承诺资金', '2022年 落地资金', '2023年 承诺资金', '2023年 落地资金']);

    const shared = page.url();
    const other = await context.newPage();
    await other.goto(shared);
    await other.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 60_000 });
    await expect(other.locator('select[name="area"]').inputValue()).resolves.toBe(LUNIAO);
    await expect(other.locator('select[name="from"]').inputValue()).resolves.toBe('2022');
    expect(await series(other, 'funds')).toEqual(await series(page, 'funds'));
    await page.goBack();
    await page.waitForURL((u) => !u.search.includes('from=2022'));
    await page.waitForFunction(() => document.body.dataset.state === 'ready');
    expect((await series(page, 'funds')).map((s) => s.name)).toHaveLength(6);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows a card per monitoring indicator with its latest value as the article writes it, its qualifier and its trend', async () => {
    const { context, page, errors } = await openDashboard();
    await page.waitForFunction(() => document.querySelector('#indicator-cards')?.getAttribute('data-state') === 'ready', null, { timeout: 60_000 });
    const { indicators } = await api.data('{ indicators(filter: { topLevel: true }, first: 100) { totalCount } }');
    await expect(page.locator('.indicator-card').count()).resolves.toBe(indicators.totalCount);
    const card = (code: string) => page.locator(`.indicator-card[data-indicator="${code}"]`);
    // G1, G7, G12 as the article writes them; G5 with its growth over the derived 2022 Q1 value.
    await expect(card('TALENT_TOTAL').locator('.value').innerText()).resolves.toBe('突破36万人');
    await expect(card('TALENT_TOTAL').locator('.qualifier').getAttribute('data-qualifier')).resolves.toBe('AT_LEAST');
    await expect(card('FLEX_WORKERS_TRAINED').locator('.value').innerText()).resolves.toBe('340余人');
    await expect(card('PARTNER_FARMER_REVENUE').locator('.value').innerText()).resolves.toBe('超3000万元');
    await expect(card('RD_CENTRE_APPLICATIONS').locator('.trend').innerText()).resolves.toContain('+55.77%');
    await expect(card('RD_CENTRE_APPLICATIONS').locator('.trend').getAttribute('data-trend')).resolves.toBe('up');
    await expect(card('TECH_TRADE').locator('.trend').getAttribute('data-trend')).resolves.toBe('none');
    await expect(card('TECH_TRADE').locator('.source').innerText()).resolves.toContain('余杭区委宣传部, 2023');
    expect(errors).toEqual([]);
    await context.close();
  });

  it("the village ranking is the ten fastest and ten slowest of the year, as the villages' own figures rank", async () => {
    const { context, page, graphql } = await openDashboard('?from=2021&to=2022&year=2022');
    const figures = await all<{ year: number; operatingIncome: string | null; village: { code: string; kind: string } }>(
      'collectiveIncomes',
      '{ years: { from: 2021, to: 2022 } }',
      'year operatingIncome village { code kind }',
    );
    const byVillage = new Map<string, { cur?: bigint; prev?: bigint }>();
    for (const r of figures) {
      if (r.village.kind !== 'VILLAGE' || r.operatingIncome === null) continue;
      const v = byVillage.get(r.village.code) ?? {};
      if (r.year === 2022) v.cur = fen(r.operatingIncome);
      else v.prev = fen(r.operatingIncome);
      byVillage.set(r.village.code, v);
    }
    const rated = [...byVillage]
      .filter(([, v]) => v.cur !== undefined && v.prev !== undefined && v.prev > 0n)
      .map(([code, v]) => ({ code, change: v.cur! - v.prev!, base: v.prev! }));
    expect(rated.length).toBeGreaterThan(20);
    // Exact order: a/b against c/d by cross-multiplying; ties by code.
    const cmp = (x: (typeof rated)[number], y: (typeof rated)[number]) => {
      const l = x.change * y.base;
      const r = y.change * x.base;
      return l < r ? -1 : l > r ? 1 : 0;
    };
    const byCode = (x: { code: string }, y: { code: string }) => (x.code < y.code ? -1 : x.code > y.code ? 1 : 0);
    const fastest = rated
      .slice()
      .sort((x, y) => cmp(y, x) || byCode(x, y))
      .slice(0, 10);
    const slowest = rated
      .slice()
      .sort((x, y) => cmp(x, y) || byCode(x, y))
      .slice(0, 10);
    /** change / base as a percentage, rounded half away from zero to 2 places. */
    const percent = (x: (typeof rated)[number]) => {
      const n = x.change * 10000n;
      const q = (2n * (n < 0n ? -n : n) + x.base) / (2n * x.base);
      const s = q.toString().padStart(3, '0');
      return `${n < 0n ? '-' : ''}${s.slice(0, -2)}.${s.slice(-2)}`.replace(/\.?0+$/, '');
    };
    const csv = await csvOf(page, 'villages');
    const list = (name: RegExp) => csv.rows.filter((r) => name.test(r[0])).map((r) => ({ code: r[3], growth: r[5] }));
    expect(list(/fastest/)).toEqual(fastest.map((x) => ({ code: x.code, growth: percent(x) })));
    expect(list(/slowest/)).toEqual(slowest.map((x) => ({ code: x.code, growth: percent(x) })));
    // The API sent these twenty, not every village.
    const answers = (await Promise.all(graphql)).map((r) => JSON.parse(r.body).data).filter((d) => d?.fastest);
    expect(answers).toHaveLength(1);
    expect(answers[0].fastest.groups).toHaveLength(10);
    expect(answers[0].slowest.groups).toHaveLength(10);
    const { areas } = await api.data('{ areas(filter: { kinds: [VILLAGE] }) { totalCount } }');
    expect(answers[0].fastest.groupCount).toBe(areas.totalCount);
    await context.close();
  });

  it("the workshop charts show each type's and each town's jobs as the workshops' own figures add up", async () => {
    const { context, page } = await openDashboard();
    const workshops = await all<{ type: string; jobsCreated: number; village: { parent: { name: string; parent: { kind: string } } } }>(
      'workshops',
      '{}',
      'type jobsCreated village { parent { name parent { kind } } }',
    );
    const jobs = (key: (w: (typeof workshops)[number]) => string) => {
      const m = new Map<string, number>();
      for (const w of workshops) m.set(key(w), (m.get(key(w)) ?? 0) + w.jobsCreated);
      return m;
    };
    const TYPES = ['PROCESSING', 'TARGETED_HIRING', 'LIVE_COMMERCE', 'AGRI_TOURISM', 'BRAND_LED', 'INDUSTRY_EMPOWERMENT'];
    const perType = jobs((w) => w.type);
    expect((await series(page, 'workshopTypes'))[0]!.data).toEqual(TYPES.map((t) => perType.get(t) ?? 0));
    expect(workshops.every((w) => w.village.parent.parent.kind === 'DISTRICT')).toBe(true); // villages sit right under a town or platform
    const perTown = jobs((w) => w.village.parent.name);
    const names = await categories(page, 'workshopTowns');
    const shown = (await series(page, 'workshopTowns'))[0]!.data as number[];
    for (const [town, n] of perTown) expect(shown[names.indexOf(town)], town).toBe(n);
    expect(shown.reduce((a, b) => a + b, 0)).toBe(workshops.reduce((a, w) => a + w.jobsCreated, 0));
    await context.close();
  });

  it("the provenance lines count the records of each chart's own query: workshops by record, funds by amount", async () => {
    const { workshops } = await api.data('{ workshops(first: 100) { totalCount nodes { source } } }');
    const illustrative = workshops.nodes.filter((n: { source: string }) => /^illustrative/i.test(n.source.trim())).length;
    expect(illustrative).toBeGreaterThan(0);
    expect(illustrative).toBeLessThan(workshops.totalCount);

    // Cite one of the mountain towns' fund flows, so the funds line has both kinds to weigh.
    const flows = await all<{ kind: string; amount: string; occurredOn: string; source: string; project: { code: string } }>(
      'fundFlows',
      '{ area: { mountain: true }, occurredOn: { from: "2021-01-01", to: "2023-12-31" } }',
      'kind amount occurredOn source project { code }',
    );
    const cited = flows.reduce((a, b) => (fen(b.amount) > fen(a.amount) ? b : a));
    const key = { projectCode: cited.project.code, kind: cited.kind, occurredOn: cited.occurredOn };
    const setSource = (source: string) =>
      api.data('mutation($k: FundFlowKeyInput!, $i: FundFlowInput!) { updateFundFlow(key: $k, input: $i) { source } }', { k: key, i: { source } });
    await setSource('余杭区财政局, 2023');
    try {
      const { context, page } = await openDashboard('?from=2021&to=2023');
      const text = await page.locator('#card-workshopTypes .provenance').innerText();
      expect(text).toContain(`引用来源 ${workshops.totalCount - illustrative} 条`);
      expect(text).toContain(`示意数据 ${illustrative} 条`);
      expect(text).toContain(`of ${workshops.totalCount}`);

      const total = flows.reduce((a, f) => a + fen(f.amount), 0n);
      const share = (part: bigint) => ((Number(part) / Number(total)) * 100).toFixed(1) + '%';
      const funds = await page.locator('#card-funds .provenance').innerText();
      expect(funds).toContain(`引用来源 ${share(fen(cited.amount))}，示意数据 ${share(total - fen(cited.amount))}`);
      expect(funds).toContain(`共 ${flows.length} 条记录，其中示意 ${flows.length - 1} 条`);

      // The tiers chart: the platforms' projects signed in the years shown, by record (cancelled ones left out, as projectTiers does by default).
      const { areas } = await api.data('{ areas(filter: { kinds: [PLATFORM] }) { nodes { code } } }');
      const { projects } = await api.data(
        'query($w: [String!]) { projects(filter: { area: { within: $w }, signedOn: { from: "2021-01-01", to: "2023-12-31" }, stages: [SIGNED, LANDED, STARTED, OPERATING] }) { totalCount } }',
        {
          w: areas.nodes.map((a: { code: string }) => a.code),
        },
      );
      expect(projects.totalCount).toBeGreaterThan(0);
      await expect(page.locator('#card-tiers .provenance').innerText()).resolves.toContain(`of ${projects.totalCount}.`);
      await context.close();
    } finally {
      await setSource(cited.source);
    }
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
    expect(lines[0]).toContain('承诺资金（元）');
    expect(lines[0]).toContain('落地资金（元）');
    // 鸬鸟镇 2022, from its own fund flows: committed and landed (元 and 万元), projects, share landed.
    const sums = await townFlows(LUNIAO);
    const c = sums(2022, 'COMMITMENT');
    const l = sums(2022, 'LANDED');
    const [row] = lines.filter((x) => x.startsWith(`鸬鸟镇,${LUNIAO},2022,`)).map((x) => x.split(','));
    expect(row).toHaveLength(10);
    expect([fen(row![3]!), fen(row![6]!)]).toEqual([c.fen, l.fen]);
    expect([Number(row![4]), Number(row![7])]).toEqual([fenToWan(c.fen), fenToWan(l.fen)]);
    expect([Number(row![5]), Number(row![8])]).toEqual([c.projects.size, l.projects.size]);
    const q = (2n * l.fen * 1000n + c.fen) / (2n * c.fen); // landed / committed in tenths of a percent, half away from zero
    expect(row![9]).toBe(`${q / 10n}.${q % 10n}`.replace(/\.0$/, ''));
    await writeFile(path.join(ARTIFACTS, csv.suggestedFilename()), bytes);

    const text = await page.evaluate(() => (window as any).yhrDashboard.csvText([['=1+2', '+x', '-y', '@z', '-3.25', 'a,"b"', '径山镇']]));
    expect(text).toBe('\ufeff\'=1+2,\'+x,\'-y,\'@z,-3.25,"a,""b""",径山镇\r\n');
    await context.close();
  });

  it('reads only through /graphql, under its rate limit: the old provenance route is gone', async () => {
    const gone = await fetch(`${origin}/dashboard/provenance?from=2022&to=2022`);
    expect(gone.status).toBe(404);
    expect((await gone.json()).errors[0].extensions.code).toBe('NOT_FOUND');

    const LIMIT = 3;
    const limited = await startTestApi({ limits: { ratePerMinute: LIMIT } });
    try {
      const at = new URL(limited.url).origin;
      // The funds chart's query with its sources, as the page sends it: LIMIT answers, then 429.
      const { page: probe, context: probeContext } = await openDashboard('', origin);
      const href = await probe.locator('#card-funds a.open-playground').getAttribute('href');
      await probeContext.close();
      const link = new URL(href!, origin).searchParams;
      const body = JSON.stringify({ query: link.get('query'), variables: JSON.parse(link.get('variables')!) });
      const post = () => fetch(`${at}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      for (let i = 0; i < LIMIT; i++) {
        const ok = await post();
        expect(ok.status).toBe(200);
        expect(ok.headers.get('ratelimit-limit')).toBe(String(LIMIT));
        expect((await ok.json()).data.funds.sources.records).toBe(0); // an empty registry
      }
      const refused = await post();
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((await refused.json()).errors[0].extensions.code).toBe('RATE_LIMITED');

      // The page, from the same address, is refused too, and says so under every chart.
      const { context, page, errors } = await openDashboard('', at, new URL(limited.url).host);
      for (const id of CHARTS) {
        const card = page.locator(`#card-${id}`);
        await expect(card.getAttribute('data-state'), id).resolves.toBe('error');
        await expect(card.locator('.chart-error').innerText()).resolves.toMatch(/Too many requests/);
        await expect(card.locator('.provenance').innerText()).resolves.toMatch(/not counted/);
      }
      expect(errors.filter((e) => e.startsWith('uncaught'))).toEqual([]);
      await context.close();
    } finally {
      await limited.close();
    }
  });
});
