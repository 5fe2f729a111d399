/**
 * The article's monitoring figures (G1–G13 of issue 12) as seed rows: programmes with their
 * documents and events, indicators, and their values with the article's qualifier words.
 *
 * Dates: "截至今年一季度" is 2023-03-31; "截至目前" (as of writing) is stored as at 2023-05-18, the
 * latest date the article names (the city's assessment results), and the source says so.
 */
import { ARTICLE, DISTRICT } from './names.js';
import type { IndicatorRow, IndicatorValueRow, ProgrammeDocumentRow, ProgrammeEventRow, ProgrammeRow } from './rows.js';

const LUNIAO = '330110111';
const Q1_END = '2023-03-31';
/** "截至目前": the article's latest date. */
const AS_OF_WRITING = '2023-05-18';
const AS_OF_SOURCE = `${ARTICLE} (截至目前: as of the article, stored at its latest date 2023-05-18)`;

const prog = (
  code: string,
  name_zh: string,
  name_en: string,
  kind: ProgrammeRow['kind'],
  lead_area_code: string | null,
  lead_body: string | null = null,
): ProgrammeRow => ({
  code,
  name_zh,
  name_en,
  kind,
  lead_area_code,
  lead_body,
  started_on: null,
  source: ARTICLE,
});

export function buildProgrammes(): ProgrammeRow[] {
  return [
    prog('COMMON_PROSPERITY_PILOT', '高质量发展建设共同富裕示范区试点', 'Provincial common-prosperity demonstration-zone pilot', 'PILOT', DISTRICT.code),
    prog('DUAL_INNOVATION', '人才“双向双创”', 'Two-way talent innovation and entrepreneurship', 'MECHANISM', DISTRICT.code),
    prog('TALENT_ENCLAVE', '人才飞地', 'Talent enclave', 'MECHANISM', DISTRICT.code),
    prog('TWIN_INCUBATORS', '双孵化器互通（杭州·余杭VentureLab）', 'Twin incubators around VentureLab', 'MECHANISM', DISTRICT.code),
    prog('KUOZHONG_TIDI', '“扩中提低”行动', 'Expand-the-middle, raise-the-low action', 'PLAN', DISTRICT.code),
    prog('JOB_DATABASE', '灵活就业用工市场“岗位数据库”', 'Flexible-employment job database', 'PLATFORM', DISTRICT.code),
    prog('RIDER_INSURANCE', '“骑手手”补充购置模式', 'Rider accident-insurance subsidy', 'MECHANISM', DISTRICT.code),
    prog('NEW_EMPLOYMENT_CENTRE', '余杭区新就业群体党群服务中心', 'Party and public service centre for new-employment groups', 'PLATFORM', DISTRICT.code),
    prog('VILLAGE_ENCLAVES', '片区组团、飞地抱团', 'Village groupings and enclave pooling', 'MECHANISM', DISTRICT.code),
    prog('RURAL_TALENT', '乡村人才引育', 'Rural talent cultivation', 'PLAN', DISTRICT.code),
    prog('RURAL_INNOVATION_UNION', '“乡创联合体”模式', 'Rural-innovation consortium', 'MECHANISM', DISTRICT.code),
    prog('LUNIAO_SIX_VILLAGES', '“全域六村+区文旅集团”模式', 'Six villages plus the district tourism group (鸬鸟)', 'MECHANISM', LUNIAO),
  ];
}

/**
 * Which seed records belong to a programme: 鸬鸟's workshops to the "全域六村+区文旅集团" model,
 * the "other" pairing (乡创联合体) to its programme.
 */
export function programmeOf(kind: 'pairing' | 'workshop', row: { code?: string; village_code?: string }): string | null {
  if (kind === 'workshop' && row.village_code?.startsWith(LUNIAO)) return 'LUNIAO_SIX_VILLAGES';
  if (kind === 'pairing' && row.code === 'OT-001') return 'RURAL_INNOVATION_UNION';
  return null;
}

export function buildProgrammeDocuments(): ProgrammeDocumentRow[] {
  const doc = (programme_code: string, title: string): ProgrammeDocumentRow => ({ programme_code, title, issued_on: null, source: ARTICLE });
  return [
    doc('TALENT_ENCLAVE', '《杭州市余杭区“人才飞地”高层次人才一体化互认实施方案(试行)》'),
    doc('VILLAGE_ENCLAVES', '“强村兴业富农三十条”'),
    doc('VILLAGE_ENCLAVES', '“强村富民乡村集成改革十条”'),
    doc('RURAL_TALENT', '《余杭区农业领域人才类补助发放实施细则》'),
    doc('RURAL_TALENT', '《关于加强余杭区农村职业经理人培育工作的实施办法》'),
  ];
}

export function buildProgrammeEvents(): ProgrammeEventRow[] {
  return [
    {
      programme_code: 'COMMON_PROSPERITY_PILOT',
      occurred_on: '2022-06-01',
      title: '余杭区入选浙江省高质量发展建设共同富裕示范区第二批试点名单 (2022年6月; day not given, stored as the 1st)',
      source: ARTICLE,
    },
    {
      programme_code: 'COMMON_PROSPERITY_PILOT',
      occurred_on: '2023-05-18',
      title: '杭州市2022年度综合考评结果通报：余杭区连续6年蝉联榜首，获5个单项奖',
      source: ARTICLE,
    },
  ];
}

const ind = (
  code: string,
  name_zh: string,
  name_en: string,
  unit: IndicatorRow['unit'],
  measure: IndicatorRow['measure'],
  programme_code: string | null,
  extra: Partial<IndicatorRow> = {},
): IndicatorRow => ({
  code,
  name_zh,
  name_en,
  unit,
  measure,
  additive: true,
  parent_code: null,
  breakdown_complete: null,
  programme_code,
  note: null,
  source: ARTICLE,
  ...extra,
});

export function buildIndicators(): IndicatorRow[] {
  return [
    ind('TALENT_TOTAL', '人才资源总量', 'Talent resources', 'REN', 'STOCK', 'DUAL_INNOVATION'),
    ind(
      'OVERSEAS_TALENT',
      '累计引进硕士学历以上海外高层次人才',
      'Overseas high-level talents with a master’s degree or above brought in (cumulative)',
      'MING',
      'STOCK',
      'TALENT_ENCLAVE',
    ),
    ind('PROVINCIAL_LABS', '落地省级实验室', 'Provincial laboratories located in the district', 'JIA', 'STOCK', null),
    ind('TECH_TRADE', '技术交易额', 'Technology trade', 'YUAN', 'FLOW', 'TWIN_INCUBATORS'),
    ind('RD_CENTRE_APPLICATIONS', '组织申报区级研发中心', 'District R&D centres applied for', 'JIA', 'FLOW', 'TWIN_INCUBATORS'),
    ind('JOBS_PUSHED', '精准推送工作岗位', 'Jobs pushed to flexible workers through the job database (cumulative)', 'GE', 'STOCK', 'JOB_DATABASE'),
    ind('FLEX_WORKERS_TRAINED', '培训网约车配送员、快递员、家政服务等灵活就业人员', 'Flexible workers trained (cumulative)', 'REN', 'STOCK', 'KUOZHONG_TIDI'),
    ind('RIDERS_SUBSIDISED', '享受意外商业保险补贴的骑手', 'Riders receiving the accident-insurance subsidy (cumulative)', 'MING', 'STOCK', 'RIDER_INSURANCE'),
    ind('RIDER_SUBSIDY_AMOUNT', '骑手保险补贴金额', 'Rider insurance subsidies paid (cumulative)', 'YUAN', 'STOCK', 'RIDER_INSURANCE'),
    ind('RIDER_STATIONS', '联动骑手驿站站点', 'Rider stations linked to the service centre', 'GE', 'STOCK', 'NEW_EMPLOYMENT_CENTRE'),
    ind('RURAL_MAKERS', '培育农创客', 'Rural-innovation makers (农创客) cultivated', 'MING', 'FLOW', 'RURAL_TALENT'),
    ind('FARMERS_TRAINED', '农民培训累计总量', 'Farmers trained', 'REN', 'FLOW', 'RURAL_TALENT', {
      breakdown_complete: false,
      note: '其中三项为部分列举，不构成总数 (the article names three parts that do not add up to the total)',
    }),
    ind('FARMERS_TRAINED_LABOUR', '农民劳动技能培训', 'Farmers trained: labour skills', 'REN', 'FLOW', 'RURAL_TALENT', { parent_code: 'FARMERS_TRAINED' }),
    ind('FARMERS_TRAINED_PRACTICAL', '农村实用人才一般项目培训', 'Farmers trained: rural practical talents (general)', 'REN', 'FLOW', 'RURAL_TALENT', {
      parent_code: 'FARMERS_TRAINED',
    }),
    ind('FARMERS_TRAINED_SPECIAL', '农民专项技能培训', 'Farmers trained: special skills', 'REN', 'FLOW', 'RURAL_TALENT', { parent_code: 'FARMERS_TRAINED' }),
    ind('PARTNER_FARMER_REVENUE', '当地合作企业、农户营收', 'Revenue of local partner enterprises and farmers', 'YUAN', 'FLOW', 'LUNIAO_SIX_VILLAGES'),
  ];
}

const val = (
  indicator_code: string,
  area_code: string,
  period: string,
  value: bigint,
  qualifier_word: string | null = null,
  extra: Partial<IndicatorValueRow> = {},
): IndicatorValueRow => ({
  indicator_code,
  area_code,
  period,
  value,
  qualifier_word,
  derived: null,
  derivation: null,
  items: [],
  source: ARTICLE,
  ...extra,
});

export function buildIndicatorValues(): IndicatorValueRow[] {
  const d = DISTRICT.code;
  return [
    val('TALENT_TOTAL', d, Q1_END, 360_000n, '突破'),
    val('OVERSEAS_TALENT', d, Q1_END, 5_770n),
    val('PROVINCIAL_LABS', d, AS_OF_WRITING, 4n, null, { items: ['之江实验室', '良渚实验室', '湖畔实验室', '天目山实验室'], source: AS_OF_SOURCE }),
    val('TECH_TRADE', d, '2023-Q1', 2_239_000_000n),
    val('RD_CENTRE_APPLICATIONS', d, '2023-Q1', 405n),
    val('RD_CENTRE_APPLICATIONS', d, '2022-Q1', 260n, null, {
      derived: true,
      derivation: '405 ÷ (1 + 55.77%) = 259.998…, rounded to a whole 家 (the article gives only the 2023-Q1 value and its growth)',
    }),
    val('JOBS_PUSHED', d, AS_OF_WRITING, 23_000n, null, { source: AS_OF_SOURCE }),
    val('FLEX_WORKERS_TRAINED', d, AS_OF_WRITING, 340n, '余', { source: AS_OF_SOURCE }),
    val('RIDERS_SUBSIDISED', d, AS_OF_WRITING, 1_000n, '余', { source: AS_OF_SOURCE }),
    val('RIDER_SUBSIDY_AMOUNT', d, AS_OF_WRITING, 400_000n, '余', { source: AS_OF_SOURCE }),
    val('RIDER_STATIONS', d, AS_OF_WRITING, 120n, null, { source: AS_OF_SOURCE }),
    val('RURAL_MAKERS', d, '2022', 346n),
    val('FARMERS_TRAINED', d, '2022', 9_334n),
    val('FARMERS_TRAINED_LABOUR', d, '2022', 837n),
    val('FARMERS_TRAINED_PRACTICAL', d, '2022', 1_300n),
    val('FARMERS_TRAINED_SPECIAL', d, '2022', 2_399n),
    val('PARTNER_FARMER_REVENUE', LUNIAO, '2022', 30_000_000n, '超'),
  ];
}

/** The article's monitoring figures, typed from its text: indicator, area, period, value, qualifier word. */
export const G_FIGURES: [figure: string, indicator: string, area: string, period: string, value: bigint, word: string | null][] = [
  ['G1', 'TALENT_TOTAL', DISTRICT.code, Q1_END, 360_000n, '突破'],
  ['G2', 'OVERSEAS_TALENT', DISTRICT.code, Q1_END, 5_770n, null],
  ['G3', 'PROVINCIAL_LABS', DISTRICT.code, AS_OF_WRITING, 4n, null],
  ['G4', 'TECH_TRADE', DISTRICT.code, '2023-Q1', 2_239_000_000n, null],
  ['G5', 'RD_CENTRE_APPLICATIONS', DISTRICT.code, '2023-Q1', 405n, null],
  ['G6', 'JOBS_PUSHED', DISTRICT.code, AS_OF_WRITING, 23_000n, null],
  ['G7', 'FLEX_WORKERS_TRAINED', DISTRICT.code, AS_OF_WRITING, 340n, '余'],
  ['G8', 'RIDERS_SUBSIDISED', DISTRICT.code, AS_OF_WRITING, 1_000n, '余'],
  ['G8', 'RIDER_SUBSIDY_AMOUNT', DISTRICT.code, AS_OF_WRITING, 400_000n, '余'],
  ['G9', 'RIDER_STATIONS', DISTRICT.code, AS_OF_WRITING, 120n, null],
  ['G10', 'RURAL_MAKERS', DISTRICT.code, '2022', 346n, null],
  ['G11', 'FARMERS_TRAINED', DISTRICT.code, '2022', 9_334n, null],
  ['G12', 'PARTNER_FARMER_REVENUE', LUNIAO, '2022', 30_000_000n, '超'],
];

/**
 * Checks the read-back seed holds every G figure, G5's growth (55.77% over the derived 2022-Q1
 * value, BigInt arithmetic) and G13's two events; returns one summary line per figure.
 */
export function checkIndicatorFigures(seed: { indicator_values: IndicatorValueRow[]; programme_events: ProgrammeEventRow[] }): string[] {
  const find = (i: string, a: string, p: string) => seed.indicator_values.find((v) => v.indicator_code === i && v.area_code === a && v.period === p);
  const lines: string[] = [];
  for (const [g, i, a, p, value, word] of G_FIGURES) {
    const v = find(i, a, p);
    if (!v || v.value !== value || v.qualifier_word !== word)
      throw new Error(`${g}: ${i} ${a} ${p} should be ${value}${word ?? ''}, got ${v ? `${v.value}${v.qualifier_word ?? ''}` : 'nothing'}`);
    lines.push(`${g.padEnd(4)} ${i.padEnd(24)} ${a.padEnd(10)} ${p.padEnd(11)} ${word === '余' ? `${value}余` : `${word ?? ''}${value}`}`);
  }
  const prev = find('RD_CENTRE_APPLICATIONS', DISTRICT.code, '2022-Q1');
  if (!prev?.derived) throw new Error('G5: the 2022-Q1 value must be there and marked derived');
  // growth in hundredths of a percent, rounded half up: (405 − prev) × 10000 / prev
  const hundredths = ((405n - prev.value) * 20000n + prev.value) / (2n * prev.value);
  if (hundredths !== 5577n) throw new Error(`G5: growth over ${prev.value} is ${hundredths} hundredths of a percent, not 5577`);
  lines.push(`G5   growth over derived 2022-Q1 ${prev.value}: +${hundredths / 100n}.${String(hundredths % 100n).padStart(2, '0')}%`);
  const events = seed.programme_events.filter((e) => e.programme_code === 'COMMON_PROSPERITY_PILOT').map((e) => e.occurred_on);
  if (events.join(',') !== '2022-06-01,2023-05-18') throw new Error(`G13: pilot events are ${events.join(',')}`);
  lines.push(`G13  COMMON_PROSPERITY_PILOT events ${events.join(', ')}`);
  return lines;
}
