// The planners' dashboard: Apache ECharts (served by this API), one GraphQL query per chart,
// filters in the URL, PNG and CSV downloads, and the share of cited and illustrative data.
// Plain browser script (no build step); runs under `script-src 'self'`.
/* global echarts -- loaded by its own script tag before this one */
(function () {
  'use strict';

  const KEY_STORAGE = 'yuhang-registry:api-key';
  const DEFAULTS = { from: 2021, to: 2023 };
  const FIRST_YEAR = 2015;
  const MAX_SPAN = 12; // years in one view: keeps the tiers chart's quarter axis (4 per year) readable
  const YEAR_OPTIONS_TO = Math.max(new Date().getFullYear() + 1, 2026);
  const SCHEMES = ['CITY_MOUNTAIN', 'SOE_TOWN', 'ENTERPRISE_VILLAGE', 'OTHER'];
  const WORKSHOP_TYPES = [
    ['PROCESSING', '来料加工'],
    ['TARGETED_HIRING', '定向招工'],
    ['LIVE_COMMERCE', '电商直播'],
    ['AGRI_TOURISM', '农旅融合'],
    ['BRAND_LED', '品牌带动'],
    ['INDUSTRY_EMPOWERMENT', '产业赋能'],
  ];
  const BANDS = [
    ['YI_1', '1亿–10亿', '≥1亿'],
    ['YI_10', '10亿–50亿', '≥10亿'],
    ['YI_50', '≥50亿', '≥50亿'],
  ];
  const PALETTE = ['#2f6fb3', '#e08a2c', '#3a9a5b', '#b04a8c', '#7a62c4', '#c4493c', '#2aa1a8', '#8a7a2c', '#5b6b7a', '#d1a019', '#6f3fb0', '#3c8fd6'];

  const $ = (sel, root) => (root || document).querySelector(sel);
  const statusEl = () => $('#status');

  // ---------- GraphQL ----------

  function storedKey() {
    try {
      return localStorage.getItem(KEY_STORAGE) || '';
    } catch (e) {
      return '';
    }
  }

  async function gql(query, variables) {
    const headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
    const key = storedKey();
    if (key) headers.authorization = 'Bearer ' + key;
    const res = await fetch('graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    let body;
    try {
      body = await res.json();
    } catch (e) {
      throw new Error('HTTP ' + res.status, { cause: e });
    }
    if (body.errors && body.errors.length) throw new Error(body.errors.map((e) => e.message).join('; '));
    if (!res.ok) throw new Error('HTTP ' + res.status);
    return body.data;
  }

  // ---------- numbers (display only; the API's strings are exact) ----------

  /** Moves the decimal point of an exact decimal string (yuan) `places` to the left, exactly. */
  function shift(decimal, places) {
    if (decimal == null) return null;
    let s = String(decimal);
    const neg = s.startsWith('-');
    if (neg) s = s.slice(1);
    const [whole, frac = ''] = s.split('.');
    const int = whole.padStart(places + 1, '0');
    const out = (int.slice(0, int.length - places).replace(/^0+(?=\d)/, '') + '.' + int.slice(int.length - places) + frac).replace(/\.?0+$/, '');
    return (neg && out !== '0' ? '-' : '') + (out === '' ? '0' : out);
  }
  const num = (s) => (s == null ? null : Number(s));
  const fmt = (n, digits) => (n == null || Number.isNaN(n) ? '—' : Number(n).toLocaleString('zh-CN', { maximumFractionDigits: digits == null ? 2 : digits }));
  /** 万元 for display, with 亿元 when it is at least 1亿. */
  function money(yuan) {
    if (yuan == null) return '—';
    const wan = shift(yuan, 4);
    const n = Number(wan);
    return Math.abs(n) >= 10000 ? fmt(Number(shift(yuan, 8)), 4) + ' 亿元' : fmt(n, 2) + ' 万元';
  }
  const pct = (a, b) => (b > 0 ? ((a / b) * 100).toFixed(1) + '%' : '—');

  // ---------- filters and URL ----------

  function clampYear(v, fallback) {
    const n = Number(v);
    return Number.isInteger(n) && n >= 1949 && n <= 2100 ? n : fallback;
  }

  function readFilters() {
    const p = new URLSearchParams(location.search);
    let from = clampYear(p.get('from'), DEFAULTS.from);
    let to = clampYear(p.get('to'), DEFAULTS.to);
    if (to < from) [from, to] = [to, from];
    if (to - from + 1 > MAX_SPAN) from = to - MAX_SPAN + 1;
    const scheme = SCHEMES.includes(p.get('scheme')) ? p.get('scheme') : '';
    const area = /^\d{6,12}$/.test(p.get('area') || '') ? p.get('area') : '';
    const year = p.get('year') ? clampYear(p.get('year'), null) : null;
    return { from, to, scheme, area, year };
  }

  function filtersQuery(f) {
    const p = new URLSearchParams();
    p.set('from', String(f.from));
    p.set('to', String(f.to));
    if (f.scheme) p.set('scheme', f.scheme);
    if (f.area) p.set('area', f.area);
    if (f.year) p.set('year', String(f.year));
    return p.toString();
  }

  function fillSelect(select, values, selected) {
    select.replaceChildren(
      ...values.map(([value, label]) => {
        const o = document.createElement('option');
        o.value = String(value);
        o.textContent = label;
        if (String(value) === String(selected)) o.selected = true;
        return o;
      }),
    );
  }

  function syncForm(f, effectiveYear) {
    const form = $('#filters');
    const years = [];
    for (let y = FIRST_YEAR; y <= YEAR_OPTIONS_TO; y++) years.push([y, String(y)]);
    fillSelect(form.elements.from, years, f.from);
    fillSelect(form.elements.to, years, f.to);
    form.elements.scheme.value = f.scheme;
    form.elements.area.value = f.area;
    const rankYears = [];
    for (let y = f.from; y <= f.to; y++) rankYears.push([y, String(y)]);
    fillSelect(form.elements.year, rankYears, effectiveYear || f.year || f.to);
    $('#share-link').href = 'dashboard?' + filtersQuery(f);
  }

  function formFilters() {
    const form = $('#filters');
    const from = Number(form.elements.from.value);
    const to = Number(form.elements.to.value);
    const year = Number(form.elements.year.value);
    const f = { from: Math.min(from, to), to: Math.max(from, to), scheme: form.elements.scheme.value, area: form.elements.area.value, year: null };
    if (f.to - f.from + 1 > MAX_SPAN) f.from = f.to - MAX_SPAN + 1;
    if (year >= f.from && year <= f.to) f.year = year;
    return f;
  }

  // ---------- cards ----------

  const cards = {};

  function card(id) {
    if (cards[id]) return cards[id];
    const el = document.getElementById('card-' + id);
    const box = $('.chart', el);
    const c = { id, el, box, chart: null, csv: null, title: $('h2', el).firstChild.textContent.trim() };
    $('.download-png', el).addEventListener('click', () => downloadPng(c));
    $('.download-csv', el).addEventListener('click', () => downloadCsv(c));
    cards[id] = c;
    return c;
  }

  function ensureChart(c) {
    if (!c.chart || c.chart.isDisposed()) {
      c.box.replaceChildren();
      c.chart = echarts.init(c.box, null, { renderer: 'canvas', locale: 'ZH' });
    }
    return c.chart;
  }

  function setPlaygroundLink(c, query, variables) {
    const p = new URLSearchParams({ query });
    if (variables && Object.keys(variables).length) p.set('variables', JSON.stringify(variables, null, 2));
    p.set('run', '1');
    $('.open-playground', c.el).href = 'playground?' + p.toString();
  }

  async function renderCard(id, build) {
    const c = card(id);
    const provenance = $('.provenance', c.el);
    c.el.dataset.state = 'loading';
    ensureChart(c).showLoading({ text: '加载中 Loading…' });
    provenance.textContent = '数据来源统计中… Counting sources…';
    try {
      // Each chart's query also asks its aggregate's `sources`: the line under the chart counts
      // the very records the chart sums, under the same filter.
      const { option, csv, sources, weigh } = await build(c);
      const chart = ensureChart(c);
      chart.hideLoading();
      chart.setOption(Object.assign({ animation: false, textStyle: { fontFamily: 'inherit' } }, option), true);
      c.csv = csv;
      c.data = option;
      provenance.textContent = provenanceText(sources, weigh);
      c.el.dataset.state = 'ready';
    } catch (e) {
      provenance.textContent = '来源无法统计（查询失败）。 Sources: not counted, the query failed.';
      if (c.chart) c.chart.dispose();
      c.chart = null;
      c.csv = null;
      const div = document.createElement('div');
      div.className = 'chart-error';
      div.textContent = '查询失败 Query failed: ' + (e && e.message ? e.message : String(e));
      c.box.replaceChildren(div);
      c.el.dataset.state = 'error';
    }
  }

  // ---------- downloads ----------

  function save(href, name) {
    const a = document.createElement('a');
    a.href = href;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  function fileName(c, ext) {
    const f = readFilters();
    return (c.title + '-' + f.from + '-' + f.to + (f.area ? '-' + f.area : '') + '.' + ext).replace(/[\\/:*?"<>|\s]+/g, '_');
  }

  function downloadPng(c) {
    if (!c.chart) return;
    save(c.chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' }), fileName(c, 'png'));
  }

  /**
   * One CSV cell. A text starting with = + - @ (or a tab or carriage return) gets a leading
   * apostrophe so Excel and WPS never read it as a formula; plain numbers such as -3.25 stay numbers.
   */
  function csvCell(v) {
    let s = v == null ? '' : String(v);
    if (/^[=+\-@\t\r]/.test(s) && !/^[-+]?\d+(\.\d+)?$/.test(s)) s = "'" + s;
    if (/[",\r\n]/.test(s)) s = '"' + s.replace(/"/g, '""') + '"';
    return s;
  }

  /** The text of a CSV file: a BOM (UTF-8), then CRLF lines, which Excel and WPS open as Chinese text without asking. */
  function csvText(rows) {
    return '\ufeff' + rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
  }

  function downloadCsv(c) {
    if (!c.csv) return;
    const blob = new Blob([csvText([c.csv.header, ...c.csv.rows])], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    save(url, fileName(c, 'csv'));
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  // ---------- chart helpers ----------

  const baseGrid = { left: 56, right: 56, top: 56, bottom: 48, containLabel: true };
  const legend = { type: 'scroll', top: 0 };
  const empty = (text) => ({ title: { text, left: 'center', top: 'middle', textStyle: { fontSize: 14, color: '#52606d', fontWeight: 'normal' } } });

  function periodOf(f) {
    return { from: f.from + '-01-01', to: f.to + '-12-31' };
  }

  // ---------- provenance line ----------

  /** What every chart query asks of its aggregate's `sources` (cited against illustrative records). */
  const SOURCES = 'sources { records illustrativeRecords amount illustrativeAmount }';

  /** The line under a chart: by amount when the records carry one (`weigh: 'amount'`), else by record. */
  function provenanceText(s, weigh) {
    if (!s || s.records === 0) return '来源：本视图没有数据记录。 Sources: no records in this view.';
    const cited = s.records - s.illustrativeRecords;
    if (weigh === 'amount' && s.amount != null) {
      const total = Number(s.amount);
      const illus = Number(s.illustrativeAmount);
      return (
        '来源（按金额计）：引用来源 ' +
        pct(total - illus, total) +
        '，示意数据 ' +
        pct(illus, total) +
        '；共 ' +
        s.records +
        ' 条记录，其中示意 ' +
        s.illustrativeRecords +
        ' 条。' +
        ' Sources by amount: cited ' +
        pct(total - illus, total) +
        ', illustrative ' +
        pct(illus, total) +
        ' (' +
        s.records +
        ' records, ' +
        s.illustrativeRecords +
        ' illustrative).'
      );
    }
    return (
      '来源（按记录计）：引用来源 ' +
      cited +
      ' 条（' +
      pct(cited, s.records) +
      '），示意数据 ' +
      s.illustrativeRecords +
      ' 条（' +
      pct(s.illustrativeRecords, s.records) +
      '）。' +
      ' Sources by record: cited ' +
      cited +
      ', illustrative ' +
      s.illustrativeRecords +
      ' of ' +
      s.records +
      '.'
    );
  }

  // ---------- 1. funds committed and landed per mountain town per year ----------

  /**
   * What each bar group shows, side by side per year: `root` is the query's aggregate, `amount` the
   * yuan field of its groups, `projects` the count of projects behind it. The series, tooltip and
   * CSV columns follow from this list.
   */
  const FUND_MEASURES = [
    { key: 'committed', label: '承诺资金', root: 'funds', amount: 'committed', projects: 'committedProjectCount', opacity: 0.45 },
    { key: 'landed', label: '落地资金', root: 'funds', amount: 'landed', projects: 'landedProjectCount', opacity: 1 },
  ];

  const FUNDS_QUERY = `# 山区五镇承诺与落地资金，按镇和年度 Funds committed and landed in the mountain towns, by town and year
query DashboardFunds($period: PeriodInput!, $schemes: [PairingScheme!], $within: [String!]) {
  towns: areas(filter: { kinds: [TOWN], area: { mountain: true } }, first: 20) {
    nodes { code name }
  }
  funds(filter: { area: { mountain: true, within: $within }, period: $period, schemes: $schemes }, groupBy: [TOWN, YEAR]) {
    committed
    landed
    groups {
      area { code name }
      year
      committed
      landed
      landedShare(asPercent: true, scale: 1)
      committedProjectCount
      landedProjectCount
    }
    ${SOURCES}
  }
}`;

  async function buildFunds(c, f) {
    const variables = { period: periodOf(f), schemes: f.scheme ? [f.scheme] : null, within: f.area ? [f.area] : null };
    setPlaygroundLink(c, FUNDS_QUERY, variables);
    const data = await gql(FUNDS_QUERY, variables);
    const years = [];
    for (let y = f.from; y <= f.to; y++) years.push(y);
    const roots = [...new Set(FUND_MEASURES.map((m) => m.root))];
    const present = new Map();
    for (const r of roots) for (const g of data[r].groups) if (g.area) present.set(g.area.code, g.area);
    let towns = data.towns.nodes;
    if (f.area) towns = towns.filter((t) => t.code === f.area || present.has(t.code));
    // One map per aggregate root: town|year → group.
    const cells = new Map(roots.map((r) => [r, new Map(data[r].groups.filter((g) => g.area).map((g) => [g.area.code + '|' + g.year, g]))]));
    const cell = (m, t, y) => cells.get(m.root).get(t.code + '|' + y);
    const yuan = (m, g) => (g ? g[m.amount] : '0');
    const series = [];
    years.forEach((y, i) => {
      FUND_MEASURES.forEach((m) => {
        series.push({
          name: y + '年 ' + m.label,
          type: 'bar',
          itemStyle: { color: PALETTE[i % PALETTE.length], opacity: m.opacity },
          data: towns.map((t) => {
            const g = cell(m, t, y);
            return {
              value: num(shift(yuan(m, g), 4)),
              yuan: yuan(m, g),
              projects: g ? g[m.projects] : 0,
              share: g && g.landedShare != null ? g.landedShare : null,
            };
          }),
        });
      });
    });
    const rows = [];
    for (const t of towns) {
      for (const y of years) {
        const row = [t.name, t.code, y];
        let share = '';
        for (const m of FUND_MEASURES) {
          const g = cell(m, t, y);
          row.push(yuan(m, g), shift(yuan(m, g), 4), g ? g[m.projects] : 0);
          if (g && g.landedShare != null) share = g.landedShare;
        }
        row.push(share);
        rows.push(row);
      }
    }
    const option = towns.length
      ? {
          legend,
          grid: baseGrid,
          tooltip: {
            trigger: 'axis',
            axisPointer: { type: 'shadow' },
            formatter: (items) =>
              items[0].axisValueLabel +
              items
                .map(
                  (it) =>
                    '<br>' +
                    it.marker +
                    it.seriesName +
                    '：' +
                    money(it.data.yuan) +
                    '（' +
                    it.data.projects +
                    ' 个项目）' +
                    (/落地/.test(it.seriesName) && it.data.share != null ? '，到位率 ' + it.data.share + '%' : ''),
                )
                .join(''),
          },
          xAxis: { type: 'category', data: towns.map((t) => t.name) },
          yAxis: { type: 'value', name: '万元', axisLabel: { formatter: (v) => fmt(v, 0) } },
          series,
        }
      : empty('所选区域不含山区镇 No mountain town in this area');
    const header = ['镇 town', '区划代码 code', '年度 year'];
    for (const m of FUND_MEASURES)
      header.push(m.label + '（元） ' + m.key + ' (yuan)', m.label + '（万元） ' + m.key + ' (10k yuan)', m.label + '项目数 ' + m.key + ' projects');
    header.push('到位率（%） landed share (%)');
    return { option, csv: { header, rows }, sources: data.funds.sources, weigh: 'amount' };
  }

  // ---------- 2. signed projects per tier per quarter per platform ----------

  const TIERS_QUERY = `# 平台签约项目档次，按平台和季度 Signed projects per tier, by platform and quarter
query DashboardProjectTiers($signed: PeriodInput!, $schemes: [PairingScheme!], $within: [String!]) {
  projectTiers(filter: { signed: $signed, schemes: $schemes, area: { within: $within } }, groupBy: [PLATFORM, QUARTER]) {
    groups {
      area { code name }
      quarter { year quarter }
      projectCount
      tiers { tier projectCount signedAmount(unit: YI) }
    }
    ${SOURCES}
  }
}`;

  async function buildTiers(c, f, areas) {
    // The chart is about platforms: without an area chosen, ask for the platforms' projects only,
    // so the provenance line counts the projects the chart shows.
    const platformCodes = areas.filter((a) => a.kind === 'PLATFORM').map((a) => a.code);
    const within = f.area ? [f.area] : platformCodes.length ? platformCodes : null;
    const variables = { signed: periodOf(f), schemes: f.scheme ? [f.scheme] : null, within };
    setPlaygroundLink(c, TIERS_QUERY, variables);
    const data = await gql(TIERS_QUERY, variables);
    const quarters = [];
    for (let y = f.from; y <= f.to; y++) for (let q = 1; q <= 4; q++) quarters.push(y + 'Q' + q);
    const groups = data.projectTiers.groups.filter((g) => g.area && g.quarter);
    const platforms = [];
    for (const g of groups) if (!platforms.some((p) => p.code === g.area.code)) platforms.push(g.area);
    const cell = new Map(groups.map((g) => [g.area.code + '|' + g.quarter.year + 'Q' + g.quarter.quarter, g]));
    const count = (g, tier) => {
      const t = g && g.tiers.find((x) => x.tier === tier);
      return t ? t.projectCount : 0;
    };
    const series = [];
    platforms.forEach((p, pi) => {
      BANDS.forEach(([tier, band], bi) => {
        const next = BANDS[bi + 1] && BANDS[bi + 1][0];
        series.push({
          name: p.name + ' ' + band,
          type: 'bar',
          stack: p.code,
          itemStyle: { color: PALETTE[pi % PALETTE.length], opacity: 1 - bi * 0.3 },
          data: quarters.map((q) => {
            const g = cell.get(p.code + '|' + q);
            return count(g, tier) - (next ? count(g, next) : 0);
          }),
        });
      });
    });
    const rows = [];
    for (const p of platforms) {
      for (const q of quarters) {
        const g = cell.get(p.code + '|' + q);
        const amount = (tier) => {
          const t = g && g.tiers.find((x) => x.tier === tier);
          return t ? t.signedAmount : '0';
        };
        rows.push([
          p.name,
          p.code,
          q,
          g ? g.projectCount : 0,
          count(g, 'YI_1'),
          count(g, 'YI_10'),
          count(g, 'YI_50'),
          amount('YI_1'),
          amount('YI_10'),
          amount('YI_50'),
        ]);
      }
    }
    const option = platforms.length
      ? {
          legend,
          grid: baseGrid,
          tooltip: {
            trigger: 'axis',
            axisPointer: { type: 'shadow' },
            formatter: (items) => {
              const q = items[0].axisValueLabel;
              return (
                q +
                platforms
                  .map((p) => {
                    const g = cell.get(p.code + '|' + q);
                    return '<br>' + p.name + '：≥1亿 ' + count(g, 'YI_1') + ' 个，其中 ≥10亿 ' + count(g, 'YI_10') + ' 个、≥50亿 ' + count(g, 'YI_50') + ' 个';
                  })
                  .join('')
              );
            },
          },
          xAxis: { type: 'category', data: quarters, axisLabel: { interval: quarters.length > 24 ? 'auto' : 0, rotate: quarters.length > 8 ? 40 : 0 } },
          yAxis: { type: 'value', name: '项目数', minInterval: 1 },
          series,
        }
      : empty('所选范围内没有平台签约项目 No platform projects in this view');
    return {
      option,
      csv: {
        header: [
          '平台 platform',
          '区划代码 code',
          '季度 quarter',
          '签约项目数 projects',
          '≥1亿 count',
          '≥10亿 count',
          '≥50亿 count',
          '≥1亿 签约额（亿元）',
          '≥10亿 签约额（亿元）',
          '≥50亿 签约额（亿元）',
        ],
        rows,
      },
      // Note: with an area that is neither a platform nor under one, the chart has no group and the
      // filter's projects are not platform projects: no records of this chart.
      sources: platforms.length ? data.projectTiers.sources : null,
      weigh: 'records',
    };
  }

  // ---------- 3. village collective operating income per year ----------

  const INCOME_QUERY = `# 村集体经济经营性收入，逐年合计和增长 Village collective operating income per year
query DashboardCollectiveIncome($from: Int!, $to: Int!, $within: [String!]) {
  collectiveIncomeSeries(from: $from, to: $to, filter: { kinds: [VILLAGE], area: { within: $within } }) {
    years {
      year
      total
      previousTotal
      change
      growthRate(asPercent: true, scale: 2)
      villageCount
      comparableVillageCount
      complete
    }
    ${SOURCES}
  }
}`;

  async function buildIncome(c, f) {
    const years = [];
    for (let y = f.from; y <= f.to; y++) years.push(y);
    const variables = { from: f.from, to: f.to, within: f.area ? [f.area] : null };
    setPlaygroundLink(c, INCOME_QUERY, variables);
    const data = await gql(INCOME_QUERY, variables);
    const list = data.collectiveIncomeSeries.years.map((s) => Object.assign(s, { yi: shift(s.total, 8) }));
    const rows = list.map((s) => [
      s.year,
      s.villageCount ? s.total : '',
      s.villageCount ? s.yi : '',
      s.villageCount,
      s.growthRate == null ? '' : s.growthRate,
      s.comparableVillageCount,
      s.complete ? '是 yes' : '否 no',
    ]);
    const option = {
      legend,
      grid: baseGrid,
      tooltip: {
        trigger: 'axis',
        formatter: (items) => {
          const s = list[items[0].dataIndex];
          return (
            s.year +
            '年<br>经营性收入：' +
            (s.villageCount ? money(s.total) : '无数据') +
            '（' +
            s.villageCount +
            ' 个村）<br>同比增长：' +
            (s.growthRate == null ? '—' : s.growthRate + '%') +
            (s.complete ? '' : '<br>（部分村缺数据，增长只比较两年都有数据的村）')
          );
        },
      },
      xAxis: { type: 'category', data: years.map((y) => y + '年') },
      yAxis: [
        { type: 'value', name: '亿元', axisLabel: { formatter: (v) => fmt(v, 2) } },
        { type: 'value', name: '增长率 %', axisLabel: { formatter: (v) => v + '%' }, splitLine: { show: false } },
      ],
      series: [
        { name: '经营性收入（亿元）', type: 'bar', itemStyle: { color: PALETTE[0] }, data: list.map((s) => (s.villageCount ? num(s.yi) : null)) },
        {
          name: '同比增长率（%）',
          type: 'line',
          yAxisIndex: 1,
          itemStyle: { color: PALETTE[1] },
          connectNulls: false,
          data: list.map((s) => num(s.growthRate)),
        },
      ],
    };
    return {
      option,
      years: list,
      sources: data.collectiveIncomeSeries.sources,
      weigh: 'amount',
      csv: {
        header: [
          '年度 year',
          '经营性收入（元） income (yuan)',
          '经营性收入（亿元） income (100M yuan)',
          '村数 villages',
          '同比增长率（%） growth (%)',
          '可比村数 comparable villages',
          '数据完整 complete',
        ],
        rows,
      },
    };
  }

  // ---------- 4. fastest- and slowest-growing villages ----------

  const VILLAGES_QUERY = `# 村集体经济经营性收入增长最快和最慢的十个村 The ten fastest- and ten slowest-growing villages
query DashboardVillageGrowth($year: Int!, $within: [String!]) {
  fastest: collectiveIncome(year: $year, filter: { kinds: [VILLAGE], area: { within: $within } }, groupBy: [VILLAGE], orderBy: GROWTH_DESC, first: 10) {
    ...Ranking
    ${SOURCES}
  }
  slowest: collectiveIncome(year: $year, filter: { kinds: [VILLAGE], area: { within: $within } }, groupBy: [VILLAGE], orderBy: GROWTH_ASC, first: 10) {
    ...Ranking
  }
}

fragment Ranking on CollectiveIncomeSummary {
  comparableVillageCount
  groupCount
  groups {
    area { code name parent { name } }
    total
    previousTotal
    change
    growthRate(asPercent: true, scale: 2)
  }
}`;

  async function buildVillages(c, f, year) {
    const variables = { year, within: f.area ? [f.area] : null };
    setPlaygroundLink(c, VILLAGES_QUERY, variables);
    const data = await gql(VILLAGES_QUERY, variables);
    // The API ranks and cuts: ten groups from each end, villages without a growth rate last (left out
    // here). With fewer than twenty comparable villages the two ends overlap: each village is shown once.
    const ranked = (r) => r.groups.filter((g) => g.area && g.growthRate != null);
    for (const g of [...data.fastest.groups, ...data.slowest.groups])
      Object.assign(g, { wan: shift(g.total, 4), previousWan: shift(g.previousTotal, 4), changeWan: shift(g.change, 4) });
    const fastest = ranked(data.fastest);
    const shown = new Set(fastest.map((g) => g.area.code));
    const slowest = ranked(data.slowest).filter((g) => !shown.has(g.area.code));
    const label = (g) => g.area.name + (g.area.parent ? '（' + g.area.parent.name + '）' : '');
    const side = (list, color, gridIndex) => ({
      type: 'bar',
      name: gridIndex === 0 ? '增长最快 fastest' : '增长最慢 slowest',
      xAxisIndex: gridIndex,
      yAxisIndex: gridIndex,
      itemStyle: { color },
      label: { show: true, position: 'right', formatter: (p) => p.value + '%' },
      data: list.map((g) => ({ value: num(g.growthRate), g })),
    });
    const axis = (list, gridIndex) => ({ type: 'category', gridIndex, inverse: true, data: list.map(label), axisLabel: { width: 130, overflow: 'truncate' } });
    const option = fastest.length
      ? {
          legend,
          title: [
            { text: year + '年 增长最快', left: '2%', top: 26, textStyle: { fontSize: 13 } },
            { text: year + '年 增长最慢', left: '52%', top: 26, textStyle: { fontSize: 13 } },
          ],
          tooltip: {
            trigger: 'item',
            formatter: (p) =>
              label(p.data.g) +
              '<br>增长率：' +
              p.data.g.growthRate +
              '%<br>' +
              year +
              '年：' +
              fmt(num(p.data.g.wan)) +
              ' 万元<br>' +
              (year - 1) +
              '年：' +
              fmt(num(p.data.g.previousWan)) +
              ' 万元',
          },
          grid: [
            { left: '2%', width: '44%', top: 56, bottom: 24, containLabel: true },
            { left: '52%', width: '44%', top: 56, bottom: 24, containLabel: true },
          ],
          xAxis: [
            { type: 'value', gridIndex: 0, axisLabel: { formatter: (v) => v + '%' } },
            { type: 'value', gridIndex: 1, axisLabel: { formatter: (v) => v + '%' } },
          ],
          yAxis: [axis(fastest, 0), axis(slowest, 1)],
          series: [side(fastest, '#3a9a5b', 0), side(slowest, '#c4493c', 1)],
        }
      : empty(year + '年没有可比较的村（需要当年和上年的数据） No village has figures for ' + year + ' and ' + (year - 1));
    const rows = [];
    fastest.forEach((g, i) =>
      rows.push([
        '增长最快 fastest',
        i + 1,
        g.area.name,
        g.area.code,
        g.area.parent ? g.area.parent.name : '',
        g.growthRate,
        g.wan,
        g.previousWan,
        g.changeWan,
      ]),
    );
    slowest.forEach((g, i) =>
      rows.push([
        '增长最慢 slowest',
        i + 1,
        g.area.name,
        g.area.code,
        g.area.parent ? g.area.parent.name : '',
        g.growthRate,
        g.wan,
        g.previousWan,
        g.changeWan,
      ]),
    );
    return {
      option,
      csv: {
        header: [
          '排名 list',
          '名次 rank',
          '村 village',
          '区划代码 code',
          '镇街 town',
          '增长率（%） growth (%)',
          year + '年（万元）',
          year - 1 + '年（万元）',
          '增量（万元） change',
        ],
        rows,
      },
      sources: data.fastest.sources,
      weigh: 'amount',
    };
  }

  // ---------- 5 and 6. workshops by type and by town ----------

  // Note: 万元 are derived here from the exact yuan (no aliases: the API limits them per operation).
  const WORKSHOP_FIELDS = 'workshopCount jobsCreated lowIncomeJobs incomeGainPerPerson(scale: 0)';
  const withGain = (s) => Object.assign(s, { gain: s.incomeGainPerPerson, gainWan: shift(s.incomeGainPerPerson, 4) });
  const noWorkshops = () => ({ workshopCount: 0, jobsCreated: 0, lowIncomeJobs: 0, incomeGainPerPerson: null });

  const workshopQuery = (name, title, grouping, keys) => `# ${title}
query ${name}($within: [String!]) {
  workshopSummary(filter: { area: { within: $within } }, groupBy: [${grouping}]) {
    groups { ${keys} ${WORKSHOP_FIELDS} }
    sources { records illustrativeRecords }
  }
}`;
  const WORKSHOP_TYPES_QUERY = workshopQuery('DashboardWorkshopTypes', '共富工坊：按类型 Common-prosperity workshops by type', 'TYPE', 'type');
  const WORKSHOP_TOWNS_QUERY = workshopQuery(
    'DashboardWorkshopTowns',
    '共富工坊：按镇街（及平台） Common-prosperity workshops by town (or platform)',
    'TOWN_OR_PLATFORM',
    'area { code name }',
  );

  function workshopOption(names, list) {
    return {
      legend,
      grid: baseGrid,
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (items) => {
          const s = list[items[0].dataIndex];
          return (
            names[items[0].dataIndex] +
            '<br>工坊 ' +
            s.workshopCount +
            ' 个，带动就业 ' +
            s.jobsCreated +
            ' 人（其中低收入 ' +
            s.lowIncomeJobs +
            ' 人）' +
            '<br>人均年增收：' +
            (s.gain == null ? '—' : fmt(num(s.gain), 0) + ' 元（' + s.gainWan + ' 万元）')
          );
        },
      },
      xAxis: { type: 'category', data: names, axisLabel: { interval: 0, rotate: names.length > 8 ? 35 : 0 } },
      yAxis: [
        { type: 'value', name: '就业人数', minInterval: 1 },
        { type: 'value', name: '人均年增收（万元）', splitLine: { show: false } },
      ],
      series: [
        { name: '带动就业（人）', type: 'bar', itemStyle: { color: PALETTE[2] }, data: list.map((s) => s.jobsCreated) },
        { name: '人均年增收（万元）', type: 'line', yAxisIndex: 1, itemStyle: { color: PALETTE[1] }, data: list.map((s) => num(s.gainWan)) },
      ],
    };
  }

  const workshopCsvHeader = (first) => [
    first,
    '工坊数 workshops',
    '带动就业 jobs',
    '其中低收入 low-income jobs',
    '人均年增收（元） income gain per person (yuan)',
    '人均年增收（万元）',
  ];

  async function buildWorkshopTypes(c, f) {
    const variables = { within: f.area ? [f.area] : null };
    setPlaygroundLink(c, WORKSHOP_TYPES_QUERY, variables);
    const data = await gql(WORKSHOP_TYPES_QUERY, variables);
    // Every type has its place on the axis, those without workshops at zero.
    const byType = new Map(data.workshopSummary.groups.map((g) => [g.type, g]));
    const list = WORKSHOP_TYPES.map(([t]) => withGain(byType.get(t) || noWorkshops()));
    const names = WORKSHOP_TYPES.map(([, zh]) => zh);
    return {
      option: workshopOption(names, list),
      csv: {
        header: workshopCsvHeader('类型 type'),
        rows: list.map((s, i) => [names[i], s.workshopCount, s.jobsCreated, s.lowIncomeJobs, s.gain == null ? '' : s.gain, s.gainWan == null ? '' : s.gainWan]),
      },
      sources: data.workshopSummary.sources,
      weigh: 'records',
    };
  }

  async function buildWorkshopTowns(c, f, areas) {
    const variables = { within: f.area ? [f.area] : null };
    setPlaygroundLink(c, WORKSHOP_TOWNS_QUERY, variables);
    const data = await gql(WORKSHOP_TOWNS_QUERY, variables);
    // The groups with workshops (a town, or a platform's villages), and every other town at zero;
    // with an area chosen, that area alone.
    const groups = data.workshopSummary.groups.filter((g) => g.area);
    const byCode = new Map(groups.map((g) => [g.area.code, g]));
    let places = f.area
      ? [byCode.has(f.area) ? byCode.get(f.area).area : areas.find((a) => a.code === f.area) || { code: f.area, name: f.area }]
      : areas.filter((a) => a.kind === 'TOWN' || byCode.has(a.code));
    for (const g of groups) if (!places.some((p) => p.code === g.area.code)) places.push(g.area);
    places = places.slice().sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    const list = places.map((p) => withGain(byCode.get(p.code) || noWorkshops()));
    const names = places.map((p) => p.name);
    return {
      option: workshopOption(names, list),
      csv: {
        header: ['镇街 town', '区划代码 code'].concat(workshopCsvHeader('').slice(1)),
        rows: list.map((s, i) => [
          names[i],
          places[i].code,
          s.workshopCount,
          s.jobsCreated,
          s.lowIncomeJobs,
          s.gain == null ? '' : s.gain,
          s.gainWan == null ? '' : s.gainWan,
        ]),
      },
      sources: data.workshopSummary.sources,
      weigh: 'records',
    };
  }

  // ---------- page ----------

  let areasPromise;
  function loadAreas() {
    areasPromise =
      areasPromise ||
      gql('query DashboardAreas { areas(filter: { kinds: [PLATFORM, TOWN] }, first: 100) { nodes { code name kind mountain } } }').then((d) => d.areas.nodes);
    return areasPromise;
  }

  let generation = 0;
  async function render() {
    const gen = ++generation;
    const f = readFilters();
    statusEl().textContent = '';
    let areas = [];
    try {
      areas = await loadAreas();
    } catch (e) {
      areasPromise = undefined;
      statusEl().textContent = '无法读取区域 Cannot read the areas: ' + e.message;
    }
    const select = $('#filters').elements.area;
    if (select.options.length <= 1 && areas.length) {
      for (const kind of ['PLATFORM', 'TOWN']) {
        const group = document.createElement('optgroup');
        group.label = kind === 'PLATFORM' ? '平台 platforms' : '镇街 towns';
        for (const a of areas.filter((x) => x.kind === kind)) {
          const o = document.createElement('option');
          o.value = a.code;
          o.textContent = a.name + (a.mountain ? '（山区镇）' : '');
          group.appendChild(o);
        }
        select.appendChild(group);
      }
    }
    syncForm(f);
    document.body.dataset.state = 'loading';
    let incomeYears = null;
    const income = renderCard('income', async (c) => {
      const built = await buildIncome(c, f);
      incomeYears = built.years;
      return built;
    });
    const others = [
      renderCard('funds', (c) => buildFunds(c, f)),
      renderCard('tiers', (c) => buildTiers(c, f, areas)),
      renderCard('workshopTypes', (c) => buildWorkshopTypes(c, f)),
      renderCard('workshopTowns', (c) => buildWorkshopTowns(c, f, areas)),
    ];
    await income;
    // The ranking year: the one asked for, else the latest year of the range with figures.
    let year = f.year;
    if (!year) {
      const withData = (incomeYears || []).filter((s) => s.villageCount > 0 && s.comparableVillageCount > 0);
      year = withData.length ? withData[withData.length - 1].year : f.to;
    }
    if (gen !== generation) return;
    syncForm(f, year);
    others.push(renderCard('villages', (c) => buildVillages(c, f, year)));
    await Promise.all(others);
    if (gen === generation) document.body.dataset.state = 'ready';
  }

  // ---------- monitoring indicators: one card each, latest value, qualifier and trend ----------

  const INDICATORS_QUERY = `query DashboardIndicators {
  indicators(filter: { topLevel: true }, first: 100) {
    nodes {
      code nameZh nameEn unitWord
      programme { nameZh }
      latestValue { display qualifier qualifierWord periodLabel derived source area { name } growth { display basedOnDerived qualified } }
    }
  }
}`;
  const QUALIFIER_TEXT = { EXACT: '确数 exact', AT_LEAST: '至少 at least', APPROXIMATELY: '约数 approximately' };

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  async function renderIndicators() {
    const box = $('#indicator-cards');
    if (!box) return;
    box.dataset.state = 'loading';
    try {
      const data = await gql(INDICATORS_QUERY);
      box.replaceChildren();
      for (const ind of data.indicators.nodes) {
        const v = ind.latestValue;
        const card = el('article', 'indicator-card');
        card.dataset.indicator = ind.code;
        card.appendChild(el('h3', null, ind.nameZh)).appendChild(el('span', null, ' ' + ind.nameEn)).lang = 'en';
        card.appendChild(el('p', 'value', v ? v.display : '—'));
        if (v) {
          const q = el(
            'p',
            'qualifier',
            QUALIFIER_TEXT[v.qualifier] + (v.qualifierWord ? '（' + v.qualifierWord + '）' : '') + (v.derived ? ' · 推算 derived' : ''),
          );
          q.dataset.qualifier = v.qualifier;
          card.appendChild(q);
          card.appendChild(el('p', 'period', v.periodLabel + ' · ' + v.area.name));
          const g = v.growth;
          const trend = el(
            'p',
            'trend',
            g && g.display
              ? '同比 ' +
                  g.display +
                  (g.basedOnDerived ? '（上年值为推算 earlier value derived）' : '') +
                  (g.qualified ? '（含约数，仅供参考 indicative）' : '')
              : '同比 — no value a year earlier',
          );
          trend.dataset.trend = g && g.display ? (g.display.charAt(0) === '-' ? 'down' : g.display.charAt(0) === '+' ? 'up' : 'flat') : 'none';
          card.appendChild(trend);
          card.appendChild(el('p', 'source', '来源 source: ' + v.source));
        }
        if (ind.programme) card.appendChild(el('p', 'programme', '计划 programme: ' + ind.programme.nameZh));
        box.appendChild(card);
      }
      box.dataset.state = 'ready';
    } catch (e) {
      box.dataset.state = 'error';
      box.replaceChildren(el('p', 'status', '无法读取监测指标 Cannot read the indicators: ' + e.message));
    }
  }

  function start() {
    if (typeof echarts === 'undefined') {
      statusEl().textContent = '图表库未加载 The chart library did not load.';
      return;
    }
    for (const id of ['funds', 'tiers', 'income', 'villages', 'workshopTypes', 'workshopTowns']) card(id);
    $('#filters').addEventListener('change', () => {
      const f = formFilters();
      history.pushState(null, '', 'dashboard?' + filtersQuery(f));
      render();
    });
    $('#filters').addEventListener('submit', (e) => e.preventDefault());
    window.addEventListener('popstate', () => render());
    let resizeTimer;
    window.addEventListener('resize', () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => Object.values(cards).forEach((c) => c.chart && c.chart.resize()), 100);
    });
    render();
    renderIndicators();
  }

  // For tests and the curious: what each chart shows, and its CSV rows.
  window.yhrDashboard = {
    chartData: (id) => (cards[id] && cards[id].chart ? cards[id].chart.getOption() : null),
    csv: (id) => (cards[id] ? cards[id].csv : null),
    csvText,
  };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
