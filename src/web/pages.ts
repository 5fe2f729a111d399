/** The HTML of the planners' pages: no inline script or style, every asset from this API. */

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(opts: { title: string; body: string; head?: string; bodyClass?: string }): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(opts.title)}</title>
<link rel="icon" href="data:,">
${opts.head ?? ''}
</head>
<body${opts.bodyClass ? ` class="${opts.bodyClass}"` : ''}>
${opts.body}
</body>
</html>
`;
}

/** `GET /`: what this is and where to go (Chinese first, English second). */
export function landingPage(): string {
  return page({
    title: '余杭区山城协作登记库 · Yuhang collaboration registry',
    bodyClass: 'landing',
    head: '<link rel="stylesheet" href="assets/web/web.css">',
    body: `<main class="landing-main">
<h1>余杭区山城协作登记库 <span lang="en">Yuhang collaboration registry</span></h1>
<p>登记余杭区"1+5"山城协作、"5+5"镇企合作、百企百社结对、共富工坊、签约项目、落地资金和村集体经济收入，供各方通过 GraphQL 查询和更新。</p>
<p lang="en" class="en">Records how Yuhang District pairs its platforms and enterprises with its mountain towns and villages: pairings, common-prosperity workshops, signed projects, funds landed and village collective income, read and updated over GraphQL.</p>
<ul class="cards">
<li><a href="playground" id="link-playground"><strong>查询工作台</strong><span lang="en">Playground</span></a>
<p>在浏览器里用 GraphQL 提问。文章中的数字（F1–F11）和规划常问的问题已预置，点 ▶ 即可运行；左侧有接口文档和历史记录。</p>
<p lang="en" class="en">Ask the registry in GraphQL. The article's figures (F1–F11) and planners' questions are preloaded: click ▶ to run one. Documentation explorer, history and tabs included.</p></li>
<li><a href="dashboard" id="link-dashboard"><strong>数据看板</strong><span lang="en">Dashboard</span></a>
<p>承诺与落地资金、签约项目档次、村集体经济收入和共富工坊的图表；可按年份、结对机制和区域筛选，可下载图片 (PNG) 和数据 (CSV)。</p>
<p lang="en" class="en">Charts of funds committed and landed, signed projects by tier, village collective income and workshops; filter by years, scheme and area; download each as PNG and CSV.</p></li>
<li><a href="schema.graphql" id="link-schema"><strong>接口结构</strong><span lang="en">Schema</span></a>
<p>完整的 GraphQL 接口定义 (SDL)，每个类型和字段都有中英文说明。</p>
<p lang="en" class="en">The whole GraphQL schema (SDL); every type and field is described in Chinese and English.</p></li>
</ul>
<p class="small">GraphQL 接口 endpoint: <code>POST /graphql</code> · 读取无需密钥，写入需要 <code>Authorization: Bearer yhr_…</code> · reads are open, writes need an API key.</p>
</main>`,
  });
}

/** `GET /playground`: the shell GraphiQL mounts into (assets of the bundle with this hash). */
export function playgroundPage(assetBase: string): string {
  return page({
    title: '查询工作台 Playground · 余杭区山城协作登记库',
    head: `<meta name="yhr-assets" content="${escapeHtml(assetBase)}">
<meta name="yhr-endpoint" content="graphql">
<link rel="stylesheet" href="${escapeHtml(assetBase)}playground.css">
<script src="${escapeHtml(assetBase)}playground.js" defer></script>`,
    body: '<div id="playground"><p class="loading">正在加载查询工作台… Loading the playground…</p></div>',
  });
}

/** `GET /dashboard`: filters and one card per chart; assets/web/dashboard.js fills them. */
export function dashboardPage(): string {
  const card = (id: string, zh: string, en: string, filters: string) => `<section class="card" id="card-${id}" data-chart="${id}">
<header><h2>${zh} <span lang="en">${en}</span></h2>
<div class="actions">
<a class="open-playground" href="playground" target="_blank" rel="noopener">在查询工作台打开 Open in playground</a>
<button type="button" class="download-png">下载图片 PNG</button>
<button type="button" class="download-csv">下载数据 CSV</button>
</div></header>
<p class="applies">${filters}</p>
<div class="chart" role="img" aria-label="${escapeHtml(zh)}"></div>
<p class="provenance" aria-live="polite">数据来源统计中… Counting sources…</p>
</section>`;
  return page({
    title: '数据看板 Dashboard · 余杭区山城协作登记库',
    bodyClass: 'dashboard',
    head: `<link rel="stylesheet" href="assets/web/web.css">
<script src="assets/echarts/echarts.min.js" defer></script>
<script src="assets/web/dashboard.js" defer></script>`,
    body: `<header class="top">
<a class="brand" href="./">余杭区山城协作登记库 <span lang="en">Yuhang collaboration registry</span></a>
<nav><a href="./">首页 Home</a><a href="playground">查询工作台 Playground</a><a href="schema.graphql">接口结构 Schema</a></nav>
</header>
<main>
<h1>数据看板 <span lang="en">Dashboard</span></h1>
<form id="filters" class="filters">
<label>起始年 <span lang="en">from</span> <select name="from"></select></label>
<label>截止年 <span lang="en">to</span> <select name="to"></select></label>
<label>结对机制 <span lang="en">scheme</span> <select name="scheme">
<option value="">全部 all</option>
<option value="CITY_MOUNTAIN">"1+5" 山城协作 city–mountain</option>
<option value="SOE_TOWN">"5+5" 镇企合作 SOE–town</option>
<option value="ENTERPRISE_VILLAGE">百企百社 enterprise–village</option>
<option value="OTHER">其他 other</option>
</select></label>
<label>区域 <span lang="en">area</span> <select name="area"><option value="">全区 whole district</option></select></label>
<label>村庄排名年度 <span lang="en">village ranking year</span> <select name="year"></select></label>
<a id="share-link" href="dashboard">本视图链接 Link to this view</a>
</form>
<p id="status" class="status" role="status"></p>
<p class="note">金额单位为万元或亿元（接口返回精确到分的元，看板只在显示时换算）。每张图下方注明其数据中引用来源与示意数据的比例：示意数据指来源 (source) 标为 "illustrative" 的记录。
<span lang="en">Money is shown in 万元 (10⁴ yuan) or 亿元 (10⁸ yuan); the API returns exact yuan and the dashboard converts only for display. Under each chart: how much of its data is cited from a source and how much is illustrative (records whose source says "illustrative").</span></p>
<div class="grid">
${card('funds', '山区五镇承诺与落地资金', 'Funds committed and landed per mountain town per year', '适用筛选 filters: 年份 years · 结对机制 scheme · 区域 area')}
${card('tiers', '平台签约项目档次', 'Signed projects per tier, quarter and platform', '适用筛选 filters: 年份 years · 结对机制 scheme · 区域 area')}
${card('income', '村集体经济经营性收入', 'Village collective operating income per year', '适用筛选 filters: 年份 years · 区域 area')}
${card('villages', '增长最快和最慢的村', 'Fastest- and slowest-growing villages', '适用筛选 filters: 村庄排名年度 ranking year · 区域 area')}
${card('workshopTypes', '共富工坊：按类型', 'Workshops by type: jobs and income gain', '适用筛选 filters: 区域 area')}
${card('workshopTowns', '共富工坊：按镇街', 'Workshops by town (or platform): jobs and income gain', '适用筛选 filters: 区域 area')}
</div>
<section id="indicators" class="indicators" aria-labelledby="indicators-title">
<h2 id="indicators-title">监测指标 <span lang="en">Monitoring indicators</span></h2>
<p class="note">每项指标的最新值，按文章写法显示（“余”“超”“突破”表示至少，“约”表示约数），附同比变化与来源；不受上方筛选影响。
<span lang="en">Each indicator's latest value as the article writes it (余, 超, 突破: at least; 约: approximately), with the change over a year earlier and the source; the filters above do not apply.</span></p>
<div id="indicator-cards" class="indicator-cards" aria-live="polite"></div>
</section>
</main>`,
  });
}
