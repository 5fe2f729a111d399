/**
 * Builds the seed records in memory. Pure and deterministic: no clock, no I/O, seeded PRNGs.
 *
 * The acceptance figures (F1–F11 of /work/shared/domain/BRIEF.md) are built in by construction
 * and re-checked independently by ./figures.ts.
 */
import { CREDIT_CODE_ALPHABET, makeCreditCode } from '../../src/enterprise/credit-code.js';
import { buildIndicators, buildIndicatorValues, buildProgrammeDocuments, buildProgrammeEvents, buildProgrammes, programmeOf } from './indicators.js';
import {
  ARTICLE,
  CODE_TABLE,
  communityCode,
  CULTURE_INVESTORS,
  DISTRICT,
  type EnterpriseDef,
  ILLUSTRATIVE,
  PAIR_ENTERPRISES,
  partly,
  PLATFORMS,
  PUBLIC,
  RURAL_BRANDS,
  RURAL_INVESTORS,
  SOES,
  TECH_INVESTORS,
  type TownDef,
  TOWNS,
  villageCode,
  WORKSHOP_HOSTS,
} from './names.js';
import type { AreaRow, EnterpriseRow, FundFlowRow, IncomeRow, PairingRow, ProjectRow, Seed, StageKey, StageRow, WorkshopRow, WorkshopTypeKey } from './rows.js';
import { addDays, allocate, Rng, scaleUp, sum } from './util.js';

/** 1亿 and 1万 in yuan. */
export const YI = 100_000_000n;
export const WAN = 10_000n;

/** The figures the seed must reproduce (brief, acceptance table). */
export const TARGET = {
  f1LandedProjects2022Mountain: 54,
  f2LandedFunds2022Mountain: 710_000_000n,
  f3Mountain2022: 130_000_000n,
  f3Mountain2021: 115_000_000n,
  f4LuniaoWorkshops: 7,
  f5Jobs: 1256,
  f5GainPerPerson: 15_000n,
  f6LuniaoScenicGrowth: 4_500_000n,
  f7District2022: 944_000_000n,
  f7Villages: 143,
  f8: { yi1: 25, yi10: 5, yi50: 1 },
  f9: { yi1: 60 },
  f10CityMountain: 5,
  f11RuralBrands: 15,
} as const;

const rng = (k: string): Rng => new Rng(`yuhang-seed/${k}`);

// ---------------------------------------------------------------------------------------------
// Areas

function buildAreas(): AreaRow[] {
  const rows: AreaRow[] = [
    { code: DISTRICT.code, name: DISTRICT.name, kind: 'DISTRICT', parent_code: null, mountain: null, scenic_grade: null, source: ARTICLE },
  ];
  for (const p of [PLATFORMS.wkc, PLATFORMS.lz]) {
    rows.push({
      code: p.code,
      name: p.name,
      kind: 'PLATFORM',
      parent_code: DISTRICT.code,
      mountain: null,
      scenic_grade: null,
      source: partly(ARTICLE, '代码'),
    });
  }
  for (const t of TOWNS) {
    rows.push({
      code: t.code,
      name: t.name,
      kind: 'TOWN',
      parent_code: DISTRICT.code,
      mountain: t.mountain,
      scenic_grade: null,
      source: t.mountain ? `${ARTICLE}; 代码 ${CODE_TABLE}` : CODE_TABLE,
    });
  }
  for (const t of TOWNS) {
    t.communities.forEach((name, i) => {
      rows.push({ code: communityCode(t, i), name, kind: 'COMMUNITY', parent_code: t.code, mountain: null, scenic_grade: 'NONE', source: ILLUSTRATIVE });
    });
    t.villages.forEach((v, i) => {
      const graded = v.scenic && v.scenic !== 'NONE';
      rows.push({
        code: villageCode(t, i),
        name: v.name,
        kind: 'VILLAGE',
        parent_code: t.code,
        mountain: null,
        scenic_grade: v.scenic ?? 'NONE',
        source: v.real ? partly(PUBLIC, graded ? '代码、景区等级' : '代码') : ILLUSTRATIVE,
      });
    });
  }
  return rows;
}

/** Town by name. */
function town(name: string): TownDef {
  const t = TOWNS.find((x) => x.name === name);
  if (!t) throw new Error(`no town ${name}`);
  return t;
}

/** Division code of a village or community by its (district-unique) name. */
function placeCode(name: string): string {
  for (const t of TOWNS) {
    const v = t.villages.findIndex((x) => x.name === name);
    if (v >= 0) return villageCode(t, v);
    const c = t.communities.indexOf(name);
    if (c >= 0) return communityCode(t, c);
  }
  throw new Error(`no village or community ${name}`);
}

// ---------------------------------------------------------------------------------------------
// Enterprises

const ALL_ENTERPRISES: EnterpriseDef[] = [
  ...SOES,
  ...PAIR_ENTERPRISES,
  ...RURAL_BRANDS,
  ...WORKSHOP_HOSTS,
  ...TECH_INVESTORS,
  ...CULTURE_INVESTORS,
  ...RURAL_INVESTORS,
];

/**
 * A stable, valid credit code derived from the enterprise's name: 91 (company) or 93 (farmers'
 * cooperative), its division code, a 9-character body, and the computed check character.
 */
function creditCodeOf(e: EnterpriseDef): string {
  const r = rng(`credit/${e.name}`);
  const digits = '0123456789';
  let body: string;
  if (e.ownership === 'STATE_OWNED' || e.kind === '93') {
    // older-style body: 8 digits + a character
    body = Array.from({ length: 8 }, () => digits[r.int(0, 9)]).join('') + CREDIT_CODE_ALPHABET[r.int(0, 30)];
  } else {
    // newer-style body starting MA2…
    body = 'MA2' + Array.from({ length: 6 }, () => CREDIT_CODE_ALPHABET[r.int(0, 30)]).join('');
  }
  return makeCreditCode((e.kind ?? '91') + (e.division ?? DISTRICT.code) + body);
}

function buildEnterprises(): { rows: EnterpriseRow[]; code: Map<string, string> } {
  const code = new Map<string, string>();
  const rows: EnterpriseRow[] = [];
  for (const e of ALL_ENTERPRISES) {
    if (code.has(e.key)) throw new Error(`duplicate enterprise key ${e.key}`);
    const c = creditCodeOf(e);
    code.set(e.key, c);
    rows.push({ credit_code: c, name: e.name, ownership: e.ownership, tags: e.tags, source: e.source });
  }
  return { rows, code };
}

// ---------------------------------------------------------------------------------------------
// Pairings

const CM_START = '2021-06-18';
const ST_START = '2021-09-01';

const cmCode = (t: TownDef): string => `CM-${t.code}`;
const stCode = (t: TownDef): string => `ST-${t.code}`;

function buildPairings(ent: Map<string, string>): PairingRow[] {
  const rows: PairingRow[] = [];
  const mountain = TOWNS.filter((t) => t.mountain);
  for (const t of mountain) {
    rows.push({
      code: cmCode(t),
      scheme: 'CITY_MOUNTAIN',
      lead_area_code: PLATFORMS.wkc.code,
      lead_credit_code: null,
      partner_area_code: t.code,
      partner_credit_code: null,
      start_date: CM_START,
      end_date: null,
      note: `“1+5”山城协作: 杭州未来科技城 × ${t.name}`,
      source: partly(ARTICLE, '日期'),
    });
  }
  for (const t of mountain) {
    const soe = SOES.find((s) => s.town === t.name);
    if (!soe) throw new Error(`no SOE for ${t.name}`);
    const real = soe.key === 'wenlv';
    rows.push({
      code: stCode(t),
      scheme: 'SOE_TOWN',
      lead_area_code: null,
      lead_credit_code: ent.get(soe.key)!,
      partner_area_code: t.code,
      partner_credit_code: null,
      start_date: ST_START,
      end_date: null,
      note: real ? '“5+5”镇企合作; “全域六村+区文旅集团”模式' : '“5+5”镇企合作',
      source: real ? partly(ARTICLE, '信用代码、日期') : ILLUSTRATIVE,
    });
  }
  const ev: [string, string, string | null][] = [
    ...PAIR_ENTERPRISES.map((e) => [e.key, e.village, null] as [string, string, null]),
    ['weilai', '仙佰坑村', null],
    ['xiaoka', '青山村', null],
    ['r03', '四岭村', null],
    ['r04', '溪口村', null],
    ['r05', '半山村', null],
    ['r06', '前庄村', null],
    ['r07', '大观山村', null],
    ['r08', '太公堂村', null],
    ['r09', '彭公村', null],
    ['v01', '赐璧村', null],
    ['v02', '仙岩村', null],
    ['v04', '塘埠村', null],
    ['t01', '长命村', null],
    ['t07', '窑北村', null],
    ['c01', '港南村', null],
    ['v09', '方家村', '2022-12-31'],
    ['r15', '鸬鸟社区', null],
  ];
  ev.forEach(([key, village, end], i) => {
    const real = i < PAIR_ENTERPRISES.length;
    rows.push({
      code: `EV-${String(i + 1).padStart(3, '0')}`,
      scheme: 'ENTERPRISE_VILLAGE',
      lead_area_code: null,
      lead_credit_code: ent.get(key)!,
      partner_area_code: placeCode(village),
      partner_credit_code: null,
      start_date: addDays('2021-10-08', i * 17),
      end_date: end,
      note: `百企百社结对: ${village}`,
      source: real ? partly(PUBLIC, '日期') : ILLUSTRATIVE,
    });
  });
  rows.push({
    code: 'OT-001',
    scheme: 'OTHER',
    lead_area_code: PLATFORMS.wkc.code,
    lead_credit_code: null,
    partner_area_code: null,
    partner_credit_code: ent.get('xiaoka')!,
    start_date: '2022-03-01',
    end_date: null,
    note: '乡创联合体: 未来科技城双创资源对接乡创品牌企业',
    source: ILLUSTRATIVE,
  });
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Projects, stages and fund flows

interface Plan {
  prefix: 'MT' | 'WKC' | 'LZ' | 'YH';
  name: string;
  sector: string;
  host: string;
  pairing: string | null;
  signedOn: string;
  amount: bigint;
  investors: string[];
  stages: { stage: StageKey; on: string }[];
  flows: { kind: 'COMMITMENT' | 'LANDED'; on: string; amount: bigint }[];
}

/** Subjects of mountain-town and 街道 projects, by sector. */
const SUBJECTS: Record<string, string[]> = {
  文旅: ['精品民宿集群', '乡村露营基地', '研学营地', '文旅综合体', '山地运动公园', '非遗体验街区', '禅茶文化园'],
  现代农业: ['茶叶精深加工', '数字农业示范园', '竹笋精深加工', '蜜梨标准化基地', '高山蔬菜基地', '农产品冷链中心'],
  康养: ['康养中心', '中医药康养基地', '森林康养小镇'],
  数字经济: ['乡村数字驿站', '直播电商基地', '云办公园区', '数据服务中心'],
  智能制造: ['竹制品智能工厂', '农机装备厂', '精密零部件产线'],
};

/** Names taken so far, to keep project names distinct. */
const usedNames = new Set<string>();
function uniqueName(base: string): string {
  const ord = ['', '二期', '三期', '四期', '五期', '六期', '七期', '八期'];
  for (const o of ord) {
    const n = `${base}${o}项目`;
    if (!usedNames.has(n)) {
      usedNames.add(n);
      return n;
    }
  }
  throw new Error(`too many projects named ${base}`);
}

const shortName = (full: string): string =>
  full
    .replace(/^(杭州市余杭区|杭州余杭|杭州|浙江)/, '')
    .replace(/(股份)?有限公司$/, '')
    .replace(/(科技|技术|发展|管理)$/, '');

function areaName(code: string, areas: AreaRow[]): string {
  const a = areas.find((x) => x.code === code);
  if (!a) throw new Error(`no area ${code}`);
  return a.name;
}

function commitment(p: Pick<Plan, 'signedOn' | 'amount'>): Plan['flows'][number] {
  return { kind: 'COMMITMENT', on: p.signedOn, amount: p.amount };
}

const MOUNTAIN_SECTORS: Record<string, string[]> = {
  径山镇: ['文旅', '现代农业', '康养', '数字经济'],
  瓶窑镇: ['文旅', '智能制造', '现代农业', '数字经济'],
  鸬鸟镇: ['文旅', '现代农业', '康养'],
  百丈镇: ['文旅', '现代农业', '智能制造'],
  黄湖镇: ['现代农业', '文旅', '数字经济'],
};

/** The 54 mountain projects that landed in 2022, with their 710,000,000 元 of 2022 landed funds. */
function mountainLanded2022(ent: Map<string, string>, areas: AreaRow[]): Plan[] {
  const counts: [string, number][] = [
    ['径山镇', 14],
    ['瓶窑镇', 16],
    ['鸬鸟镇', 8],
    ['百丈镇', 8],
    ['黄湖镇', 8],
  ];
  // interleave towns so each town's landings spread over the year
  const slots: { t: TownDef; k: number }[] = [];
  for (let r = 0; slots.length < TARGET.f1LandedProjects2022Mountain; r++) {
    for (const [name, n] of counts) if (r < n) slots.push({ t: town(name), k: r });
  }
  const r = rng('mountain-2022');
  const amounts = allocate(
    TARGET.f2LandedFunds2022Mountain,
    slots.map(() => r.int(30, 250)),
    WAN,
  );
  const last = slots.length - 1;
  return slots.map(({ t, k }, j) => {
    const landed = addDays('2022-01-01', Math.floor((j * 364) / last));
    const signedOn = addDays(landed, -(20 + r.int(0, 240)));
    const host = k % 3 === 0 ? t.code : villageCode(t, (k * 7) % t.villages.length);
    const pairing = signedOn >= ST_START && j % 4 === 0 ? stCode(t) : signedOn >= CM_START && j % 4 === 1 ? cmCode(t) : null;
    const sectors = MOUNTAIN_SECTORS[t.name]!;
    const sector = sectors[k % sectors.length]!;
    const subjects = SUBJECTS[sector]!;
    const name = uniqueName(`${areaName(host, areas)}${subjects[(k + j) % subjects.length]}`);

    const amount2022 = amounts[j]!;
    const flows: Plan['flows'] = [];
    if (j % 3 === 0 && landed <= '2022-10-31') {
      const first = scaleUp(amount2022, 60n, 100n, WAN);
      flows.push({ kind: 'LANDED', on: landed, amount: first });
      flows.push({ kind: 'LANDED', on: addDays(landed, 30 + (j % 40)), amount: amount2022 - first });
    } else {
      flows.push({ kind: 'LANDED', on: landed, amount: amount2022 });
    }
    if (j % 4 === 1) flows.push({ kind: 'LANDED', on: addDays('2023-02-01', j * 2), amount: scaleUp(amount2022, 25n, 100n, WAN) });
    const landedTotal = sum(flows.map((f) => f.amount));
    const amount = scaleUp(landedTotal, BigInt(100 + 20 * (j % 5)), 100n, WAN);
    flows.unshift(commitment({ signedOn, amount }));

    const stages: Plan['stages'] = [
      { stage: 'SIGNED', on: signedOn },
      { stage: 'LANDED', on: landed },
    ];
    if (j % 2 === 0) {
      const started = addDays(landed, 20 + (j % 60));
      stages.push({ stage: 'STARTED', on: started });
      if (j % 6 === 0) stages.push({ stage: 'OPERATING', on: addDays(started, 150 + (j % 90)) });
    }
    const investors: string[] = [];
    if (j % 5 !== 4) investors.push(ent.get(RURAL_INVESTORS[j % RURAL_INVESTORS.length]!.key)!);
    if (pairing?.startsWith('ST-')) investors.push(ent.get(SOES.find((s) => s.town === t.name)!.key)!);
    if (j % 7 === 3) investors.push(ent.get(RURAL_BRANDS[j % RURAL_BRANDS.length]!.key)!);
    return { prefix: 'MT', name, sector, host, pairing, signedOn, amount, investors, stages, flows };
  });
}

/** Mountain projects that did not land in 2022: landed 2021 or 2023, not landed yet, cancelled. */
function mountainOthers(ent: Map<string, string>, areas: AreaRow[]): Plan[] {
  const mountain = TOWNS.filter((t) => t.mountain);
  const r = rng('mountain-other');
  const plans: Plan[] = [];
  const make = (i: number, signedOn: string, amountWan: number, stages: Plan['stages'], landed: { on: string; wan: number }[]): Plan => {
    const t = mountain[i % mountain.length]!;
    const host = i % 2 === 0 ? t.code : villageCode(t, (i * 5) % t.villages.length);
    const sectors = MOUNTAIN_SECTORS[t.name]!;
    const sector = sectors[(i + 1) % sectors.length]!;
    const subjects = SUBJECTS[sector]!;
    const amount = BigInt(amountWan) * WAN;
    const pairing = signedOn >= CM_START && i % 3 === 0 ? cmCode(t) : null;
    return {
      prefix: 'MT',
      name: uniqueName(`${areaName(host, areas)}${subjects[(i * 3) % subjects.length]}`),
      sector,
      host,
      pairing,
      signedOn,
      amount,
      investors: [ent.get(RURAL_INVESTORS[(i + 3) % RURAL_INVESTORS.length]!.key)!],
      stages: [{ stage: 'SIGNED', on: signedOn }, ...stages],
      flows: [commitment({ signedOn, amount }), ...landed.map((l) => ({ kind: 'LANDED' as const, on: l.on, amount: BigInt(l.wan) * WAN }))],
    };
  };
  // landed in 2021 (one on 2021-12-31); their landed money arrived in 2021 (and, for one, 2023)
  const l2021: [string, string][] = [
    ['2020-08-12', '2021-02-20'],
    ['2020-11-03', '2021-03-18'],
    ['2021-01-15', '2021-05-06'],
    ['2021-03-22', '2021-07-19'],
    ['2021-05-30', '2021-10-11'],
    ['2021-09-10', '2021-12-31'],
  ];
  l2021.forEach(([signedOn, landed], i) => {
    const wan = r.int(800, 3000);
    const stages: Plan['stages'] = [{ stage: 'LANDED', on: landed }];
    if (i % 2 === 0) stages.push({ stage: 'STARTED', on: addDays(landed, 120) }, { stage: 'OPERATING', on: addDays(landed, 420) });
    const first = Math.floor((wan * 4) / 5);
    const flows = [{ on: landed, wan: first }];
    if (i === 2) flows.push({ on: '2023-06-15', wan: wan - first });
    plans.push(make(i, signedOn, wan, stages, flows));
  });
  // landed in 2023 (one on 2023-01-01), mostly signed in 2022
  const l2023: [string, string][] = [
    ['2022-03-08', '2023-01-01'],
    ['2022-06-21', '2023-02-14'],
    ['2022-08-30', '2023-03-20'],
    ['2022-10-12', '2023-04-08'],
    ['2022-11-25', '2023-05-16'],
    ['2022-12-20', '2023-06-01'],
    ['2023-01-10', '2023-06-28'],
  ];
  l2023.forEach(([signedOn, landed], i) => {
    const wan = r.int(1000, 5000);
    plans.push(make(6 + i, signedOn, wan, [{ stage: 'LANDED', on: landed }], [{ on: landed, wan: Math.floor(wan / 2) }]));
  });
  // signed, not landed yet
  ['2022-09-15', '2022-12-30', '2023-02-20', '2023-05-05'].forEach((signedOn, i) => {
    plans.push(make(13 + i, signedOn, r.int(1500, 6000), [], []));
  });
  // cancelled
  plans.push(make(17, '2021-10-12', 2600, [{ stage: 'CANCELLED', on: '2022-04-30' }], []));
  plans.push(make(18, '2022-05-20', 4200, [{ stage: 'CANCELLED', on: '2022-11-30' }], []));
  return plans;
}

/** Subjects of 街道 projects, by sector. */
const STREET_SUBJECTS: Record<string, string[]> = {
  智能制造: ['智能装备产业园', '精密零部件产线', '新能源汽车零部件工厂'],
  数字经济: ['直播电商基地', '数据服务中心', '云办公园区'],
  现代农业: ['数字农业示范园', '农产品冷链中心'],
  文旅: ['文旅综合体', '城市露营公园'],
};

/** Projects hosted by 街道 (not mountain towns), some landed in 2022 with 2022 landed funds. */
function streetProjects(ent: Map<string, string>, areas: AreaRow[]): Plan[] {
  const streets = TOWNS.filter((t) => !t.mountain);
  const spec: [string, string | null, number, string][] = [
    // signedOn, landedOn, amount (万), sector
    ['2021-12-06', '2022-02-28', 6800, '智能制造'],
    ['2022-01-20', '2022-04-15', 12000, '数字经济'],
    ['2022-03-03', '2022-06-30', 3500, '现代农业'],
    ['2022-04-11', '2022-07-22', 21000, '智能制造'],
    ['2022-05-26', '2022-09-09', 2800, '文旅'],
    ['2022-07-14', '2022-12-01', 9000, '数字经济'],
    ['2022-10-19', '2023-03-06', 15000, '智能制造'],
    ['2023-02-08', null, 4600, '现代农业'],
  ];
  return spec.map(([signedOn, landed, wan, sector], i) => {
    const t = streets[i % streets.length]!;
    const host = i % 2 === 0 ? t.code : villageCode(t, (i * 3) % t.villages.length);
    const amount = BigInt(wan) * WAN;
    const subjects = STREET_SUBJECTS[sector]!;
    const stages: Plan['stages'] = [{ stage: 'SIGNED', on: signedOn }];
    const flows: Plan['flows'] = [commitment({ signedOn, amount })];
    if (landed) {
      stages.push({ stage: 'LANDED', on: landed });
      flows.push({ kind: 'LANDED', on: landed, amount: (amount * 70n) / 100n });
      if (i % 3 === 0) stages.push({ stage: 'STARTED', on: addDays(landed, 45) });
    }
    return {
      prefix: 'YH',
      name: uniqueName(`${areaName(host, areas)}${subjects[i % subjects.length]}`),
      sector,
      host,
      pairing: null,
      signedOn,
      amount,
      investors: [ent.get(RURAL_INVESTORS[(i + 6) % RURAL_INVESTORS.length]!.key)!],
      stages,
      flows,
    };
  });
}

/** Deterministic shuffle (Fisher–Yates with a seeded generator). */
function shuffle<T>(xs: T[], r: Rng): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** Spreads n dates evenly over 2023 Q1, first on 01-01 and last on 03-31. */
const q1Dates = (n: number): string[] => Array.from({ length: n }, (_, i) => addDays('2023-01-01', Math.round((i * 89) / (n - 1))));

/** Subjects of platform projects, by sector. */
const PLATFORM_SUBJECTS: Record<string, string[]> = {
  数字经济: ['云计算数据中心', '工业互联网平台', '数字孪生研发中心', '金融科技总部', '芯片设计中心', '光电芯片产线'],
  人工智能: ['智能计算中心', '大模型研发中心', '机器人产业化基地', '自动驾驶研发中心'],
  生命科技: ['创新药研发总部', '医疗器械产业园', '基因检测中心', '生物制造基地', '细胞治疗中心'],
  新材料: ['新材料研究院', '功能膜材料产线', '新能源电池研发中心'],
  智能制造: ['智能装备产业化基地', '低空飞行器总部', '精密零部件产线', '工业机器人工厂'],
  数字文化: ['数字文化产业园', '影视后期制作基地', '文化IP运营中心', '数字出版平台', '动漫游戏研发中心'],
  文旅: ['良渚文化研学基地', '文旅综合体', '主题文化酒店', '演艺中心'],
};

/** Which investor tags fit a sector. */
const SECTOR_TAGS: Record<string, string[]> = {
  数字经济: ['数字经济'],
  人工智能: ['数字经济', '智能制造'],
  生命科技: ['生命科技'],
  新材料: ['新材料', '新能源'],
  智能制造: ['智能制造'],
  数字文化: ['数字文化'],
  文旅: ['数字文化'],
};

function platformPlan(
  prefix: 'WKC' | 'LZ',
  i: number,
  signedOn: string,
  amount: bigint,
  investorPool: EnterpriseDef[],
  sectors: string[],
  ent: Map<string, string>,
  landedAfterDays: number | null,
  cancelledOn: string | null = null,
): Plan {
  const sector = sectors[i % sectors.length]!;
  const fitting = investorPool.filter((e) => e.tags.some((t) => SECTOR_TAGS[sector]!.includes(t)));
  const pool = fitting.length ? fitting : investorPool;
  // k-th project of this sector (sectors may repeat in the cycle)
  const k =
    Math.floor(i / sectors.length) * sectors.filter((x) => x === sector).length + sectors.slice(0, i % sectors.length).filter((x) => x === sector).length;
  const inv = pool[k % pool.length]!;
  const subjects = PLATFORM_SUBJECTS[sector]!;
  const investors = [ent.get(inv.key)!];
  if (i % 6 === 5 && pool.length > 1) investors.push(ent.get(pool[(k + 1) % pool.length]!.key)!);
  if (i % 11 === 10) investors.length = 0; // a few without a recorded investor
  const stages: Plan['stages'] = [{ stage: 'SIGNED', on: signedOn }];
  const flows: Plan['flows'] = [commitment({ signedOn, amount })];
  if (landedAfterDays !== null) {
    const landed = addDays(signedOn, landedAfterDays);
    stages.push({ stage: 'LANDED', on: landed });
    flows.push({ kind: 'LANDED', on: landed, amount: scaleUp(amount, 30n, 100n, WAN) });
    if (i % 4 === 0) stages.push({ stage: 'STARTED', on: addDays(landed, 60) });
  }
  if (cancelledOn) stages.push({ stage: 'CANCELLED', on: cancelledOn });
  return {
    prefix,
    name: uniqueName(`${shortName(inv.name)}${subjects[Math.floor(k / pool.length) % subjects.length]}`),
    sector,
    host: prefix === 'WKC' ? PLATFORMS.wkc.code : PLATFORMS.lz.code,
    pairing: null,
    signedOn,
    amount,
    investors,
    stages,
    flows,
  };
}

/** 杭州未来科技城: 2023 Q1 has 25 projects ≥1亿 (5 ≥10亿, 1 ≥50亿) and 6 below 1亿; more in 2022 and Q2. */
function wkcProjects(ent: Map<string, string>): Plan[] {
  const sectors = ['数字经济', '人工智能', '生命科技', '新材料', '智能制造'];
  const plans: Plan[] = [];
  const y2022: [string, bigint, number | null][] = [
    ['2022-02-18', 32_000n * WAN, 70],
    ['2022-04-26', 8_000n * WAN, 45],
    ['2022-06-10', 15_000n * WAN, 90],
    ['2022-08-08', 68_000n * WAN, 60],
    ['2022-11-15', 12n * YI, null],
    ['2022-12-31', 3n * YI, null], // last day before Q1
  ];
  y2022.forEach(([d, a, l], i) => plans.push(platformPlan('WKC', i, d, a, TECH_INVESTORS, sectors, ent, l)));
  const q1Amounts: bigint[] = [
    56n * YI, // ≥50亿
    10n * YI,
    125_000n * WAN,
    185_000n * WAN,
    32n * YI, // [10亿, 50亿): one exactly 10亿
    // [1亿, 10亿): one exactly 1亿, one 9.999亿
    ...[
      10_000, 12_000, 15_000, 18_000, 20_000, 22_500, 25_000, 28_000, 30_000, 35_000, 38_000, 42_000, 45_000, 50_000, 56_000, 60_000, 68_000, 75_000, 82_000,
      99_990,
    ].map((w) => BigInt(w) * WAN),
    // below 1亿: one 9,999万
    ...[9_999, 8_000, 5_000, 3_000, 6_500, 1_200].map((w) => BigInt(w) * WAN),
  ];
  const order = shuffle(q1Amounts, rng('wkc-q1'));
  q1Dates(order.length).forEach((d, i) => {
    plans.push(platformPlan('WKC', 6 + i, d, order[i]!, TECH_INVESTORS, sectors, ent, i % 3 === 0 ? 75 + i : null));
  });
  const q2: [string, bigint][] = [
    ['2023-04-01', 60n * YI], // first day after Q1, ≥50亿
    ['2023-04-18', 2n * YI],
    ['2023-05-20', 15n * YI],
    ['2023-06-09', 5_000n * WAN],
    ['2023-06-30', 1n * YI],
  ];
  q2.forEach(([d, a], i) => plans.push(platformPlan('WKC', 40 + i, d, a, TECH_INVESTORS, sectors, ent, null)));
  return plans;
}

/** 良渚新城: 2023 Q1 has 60 projects ≥1亿 (3 of them ≥10亿) and 5 below 1亿; more in 2022 and Q2. */
function lzProjects(ent: Map<string, string>): Plan[] {
  const sectors = ['数字文化', '生命科技', '文旅', '数字文化', '生命科技', '智能制造'];
  const pool = [...CULTURE_INVESTORS, ...TECH_INVESTORS.filter((e) => e.tags.includes('生命科技') || e.tags.includes('智能制造'))];
  const plans: Plan[] = [];
  const y2022: [string, bigint, number | null, string | null][] = [
    ['2022-05-16', 25_000n * WAN, 77, null],
    ['2022-09-09', 12_000n * WAN, 72, null],
    ['2022-10-28', 4n * YI, null, '2023-02-15'], // cancelled
    ['2022-12-28', 6_000n * WAN, null, null],
  ];
  y2022.forEach(([d, a, l, c], i) => plans.push(platformPlan('LZ', i, d, a, pool, sectors, ent, l, c)));
  const r = rng('lz-q1');
  const q1Amounts: bigint[] = [
    105_000n * WAN,
    15n * YI,
    22n * YI, // ≥10亿
    1n * YI, // exactly 1亿
    ...Array.from({ length: 56 }, () => BigInt(r.int(21, 190) * 500) * WAN), // 1.05亿 … 9.5亿
    ...Array.from({ length: 5 }, () => BigInt(r.int(6, 19) * 500) * WAN), // 3,000万 … 9,500万
  ];
  const order = shuffle(q1Amounts, rng('lz-q1-order'));
  q1Dates(order.length).forEach((d, i) => {
    plans.push(platformPlan('LZ', 4 + i, d, order[i]!, pool, sectors, ent, i % 4 === 1 ? 90 + (i % 30) : null));
  });
  const q2: [string, bigint][] = [
    ['2023-04-03', 3n * YI],
    ['2023-05-11', 18_000n * WAN],
    ['2023-06-06', 7_000n * WAN],
    ['2023-06-26', 12n * YI],
  ];
  q2.forEach(([d, a], i) => plans.push(platformPlan('LZ', 70 + i, d, a, pool, sectors, ent, null)));
  return plans;
}

/** Turns plans into rows; codes are PREFIX-YEAR-NNN numbered by signing date within prefix and year. */
function planRows(plans: Plan[]): Pick<Seed, 'projects' | 'project_stages' | 'fund_flows'> {
  const sorted = plans.map((p, i) => ({ p, i }));
  const seq = new Map<string, number>();
  const projects: ProjectRow[] = [];
  const project_stages: StageRow[] = [];
  const fund_flows: FundFlowRow[] = [];
  const prefixOrder = ['MT', 'YH', 'WKC', 'LZ'];
  sorted.sort((a, b) => prefixOrder.indexOf(a.p.prefix) - prefixOrder.indexOf(b.p.prefix) || a.p.signedOn.localeCompare(b.p.signedOn) || a.i - b.i);
  for (const { p } of sorted) {
    const key = `${p.prefix}-${p.signedOn.slice(0, 4)}`;
    const n = (seq.get(key) ?? 0) + 1;
    seq.set(key, n);
    const code = `${key}-${String(n).padStart(3, '0')}`;
    projects.push({
      code,
      name: p.name,
      sector: p.sector,
      host_area_code: p.host,
      pairing_code: p.pairing,
      signed_amount: p.amount,
      signed_on: p.signedOn,
      investor_credit_codes: p.investors,
      source: ILLUSTRATIVE,
    });
    for (const s of p.stages) project_stages.push({ project_code: code, stage: s.stage, reached_on: s.on });
    // References (凭证号) look like a bookkeeping voucher: 记-<date>-<n>, numbered within the project.
    [...p.flows]
      .sort((a, b) => a.on.localeCompare(b.on) || a.kind.localeCompare(b.kind))
      .forEach((f, i) =>
        fund_flows.push({
          project_code: code,
          reference: `记-${f.on.replace(/-/g, '')}-${String(i + 1).padStart(2, '0')}`,
          kind: f.kind,
          amount: f.amount,
          occurred_on: f.on,
          source: ILLUSTRATIVE,
        }),
      );
  }
  return { projects, project_stages, fund_flows };
}

// ---------------------------------------------------------------------------------------------
// Village collective income

function buildIncomes(): IncomeRow[] {
  const ln = town('鸬鸟镇');
  const js = town('径山镇');
  /** 2022 values and 2022−2021 growth per village code. */
  const v2022 = new Map<string, bigint>();
  const growth = new Map<string, bigint>();
  /** Growth weights roughly proportional to the village's size, with some spread. */
  const sizeWeights = (codes: string[], r: Rng): number[] => codes.map((c) => Number(v2022.get(c)! / WAN) * r.int(50, 150));
  const setValues = (codes: string[], total2022: bigint, r: Rng, spread: [number, number]): void => {
    const values = allocate(
      total2022,
      codes.map(() => r.int(spread[0] * 100, spread[1] * 100)),
    );
    codes.forEach((c, i) => v2022.set(c, values[i]!));
  };
  const setGrowth = (codes: string[], total: bigint, weights: number[], sign = 1n): void => {
    allocate(total, weights).forEach((g, i) => growth.set(codes[i]!, sign * g));
  };
  // 鸬鸟's six scenic villages: +4,500,000 in 2022, the 3A villages grew more
  const rl = rng('income/luniao');
  const lnCodes = ln.villages.map((_, i) => villageCode(ln, i));
  const ln2022 = 27_000_000n;
  setValues(lnCodes, ln2022, rl, [80, 120]);
  setGrowth(
    lnCodes,
    TARGET.f6LuniaoScenicGrowth,
    ln.villages.map((v, i) => Number(v2022.get(lnCodes[i]!)! / WAN) * (v.scenic === 'GRADE_3A' ? 6 : 4)),
  );
  // the other 35 mountain villages make up the five towns' 1.3亿 (2022) and 1.15亿 (2021)
  const rm = rng('income/mountain');
  const otherMountain = TOWNS.filter((t) => t.mountain && t !== ln).flatMap((t) => t.villages.map((_, i) => villageCode(t, i)));
  const mountainGrowth = TARGET.f3Mountain2022 - TARGET.f3Mountain2021;
  setValues(otherMountain, TARGET.f3Mountain2022 - ln2022, rm, [40, 160]);
  setGrowth(otherMountain, mountainGrowth - TARGET.f6LuniaoScenicGrowth, sizeWeights(otherMountain, rm));
  // the 102 villages of the 街道 make up the district's 9.44亿; three of them shrank
  const rs = rng('income/street');
  const streetCodes = TOWNS.filter((t) => !t.mountain).flatMap((t) => t.villages.map((_, i) => villageCode(t, i)));
  setValues(streetCodes, TARGET.f7District2022 - TARGET.f3Mountain2022, rs, [40, 160]);
  const shrinking = [10, 47, 88].map((i) => streetCodes[i]!);
  const growers = streetCodes.filter((c) => !shrinking.includes(c));
  setGrowth(growers, 63_200_000n, sizeWeights(growers, rs));
  setGrowth(shrinking, 1_500_000n, sizeWeights(shrinking, rs), -1n);

  // 径山's villages also report 2020
  const js2020Drop = new Map<string, bigint>();
  const jsCodes = js.villages.map((_, i) => villageCode(js, i));
  allocate(
    2_400_000n,
    jsCodes.map((_, i) => 5 + i),
  ).forEach((d, i) => js2020Drop.set(jsCodes[i]!, d));

  const rows: IncomeRow[] = [];
  const rp = rng('income/parts');
  const row = (code: string, year: number, op: bigint): IncomeRow => {
    if (op < 0n) throw new Error(`negative income for ${code} ${year}`);
    // about a third of the rows itemise operating income; most report subsidies, some other income
    const withParts = rp.int(0, 2) === 0;
    const bPct = BigInt(rp.int(40, 70));
    const cPct = BigInt(rp.int(15, 97 - Number(bPct)));
    const b = withParts ? (op * bPct) / 100n : null;
    const c = withParts ? (op * cPct) / 100n : null;
    const inv = withParts ? op - b! - c! : null;
    const subsidy = rp.int(0, 9) < 6 ? BigInt(rp.int(20, 120)) * WAN : null;
    const other = rp.int(0, 9) < 3 ? BigInt(rp.int(1, 30)) * 5_000n : null;
    return {
      village_code: code,
      year,
      operating_income: op,
      business_income: b,
      contracting_income: c,
      investment_income: inv,
      subsidy_income: subsidy,
      other_income: other,
      source: ILLUSTRATIVE,
    };
  };
  for (const t of TOWNS) {
    t.villages.forEach((_, i) => {
      const code = villageCode(t, i);
      const y22 = v2022.get(code)!;
      const y21 = y22 - growth.get(code)!;
      if (t === js) rows.push(row(code, 2020, y21 - js2020Drop.get(code)!));
      rows.push(row(code, 2021, y21));
      rows.push(row(code, 2022, y22));
    });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Workshops

function buildWorkshops(ent: Map<string, string>): WorkshopRow[] {
  const cited = (article: boolean): string => partly(article ? ARTICLE : PUBLIC, article ? '村、人数、日期' : '村、人数、日期、合作企业');
  const spec: [string, string, WorkshopTypeKey, string | null, string, number, number, number, string][] = [
    // village, name, type, host key, opened, jobs, low-income jobs, gain per person (元), source
    ['鸬鸟社区', '村团长', 'LIVE_COMMERCE', 'wenlv', '2022-01-10', 420, 118, 15_000, cited(true)],
    ['前庄村', '鸬鸟味·道不完', 'BRAND_LED', 'wenlv', '2021-11-26', 236, 60, 15_000, cited(true)],
    ['仙佰坑村', '汇林双创园', 'TARGETED_HIRING', 'huilin', '2021-05-20', 168, 45, 15_000, cited(false)],
    ['太平山村', '蜜梨工坊', 'INDUSTRY_EMPOWERMENT', 'mili', '2021-08-08', 152, 40, 15_000, cited(false)],
    ['云岫村', '菩提谷', 'AGRI_TOURISM', 'wenlv', '2021-06-30', 126, 30, 15_000, cited(false)],
    ['雅溪村', '无它心舍', 'AGRI_TOURISM', 'wuta', '2022-04-18', 90, 22, 15_000, cited(false)],
    ['太公堂村', '科技小院', 'INDUSTRY_EMPOWERMENT', null, '2022-03-15', 64, 18, 15_000, cited(false)],
    // elsewhere (illustrative)
    ['径山村', '径山茶共富工坊', 'BRAND_LED', 'jinghe', '2022-04-01', 85, 20, 18_000, ILLUSTRATIVE],
    ['青山村', '竹编来料加工点', 'PROCESSING', 'zhuyun', '2021-10-15', 60, 35, 9_600, ILLUSTRATIVE],
    ['大观山村', '大观山共富直播间', 'LIVE_COMMERCE', 'r15', '2022-07-01', 32, 10, 12_000, ILLUSTRATIVE],
    ['溪口村', '百丈竹艺工坊', 'PROCESSING', 'v03', '2022-05-20', 48, 26, 8_400, ILLUSTRATIVE],
    ['葛巷村', '仓前定向招工工坊', 'TARGETED_HIRING', 't01', '2022-09-09', 120, 40, 20_000, ILLUSTRATIVE],
  ];
  return spec.map(([village, name, type, host, opened, jobs, low, gain, source]) => ({
    village_code: placeCode(village),
    name,
    type,
    host_credit_code: host ? ent.get(host)! : null,
    opened_on: opened,
    jobs_created: jobs,
    low_income_jobs: low,
    income_gain_per_person: BigInt(gain),
    source,
  }));
}

// ---------------------------------------------------------------------------------------------

/** The complete seed. */
export function generateSeed(): Seed {
  usedNames.clear();
  const areas = buildAreas();
  const { rows: enterprises, code: ent } = buildEnterprises();
  const pairings = buildPairings(ent);
  const plans = [...mountainLanded2022(ent, areas), ...mountainOthers(ent, areas), ...streetProjects(ent, areas), ...wkcProjects(ent), ...lzProjects(ent)];
  const { projects, project_stages, fund_flows } = planRows(plans);
  return {
    areas,
    enterprises,
    pairings: pairings.map((r) => ({ ...r, programme_code: programmeOf('pairing', r) })),
    projects: projects.map((r) => ({ ...r, programme_code: null })),
    project_stages,
    fund_flows,
    collective_incomes: buildIncomes(),
    workshops: buildWorkshops(ent).map((r) => ({ ...r, programme_code: programmeOf('workshop', r) })),
    programmes: buildProgrammes(),
    programme_documents: buildProgrammeDocuments(),
    programme_events: buildProgrammeEvents(),
    indicators: buildIndicators(),
    indicator_values: buildIndicatorValues(),
  };
}
