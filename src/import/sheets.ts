/**
 * The spreadsheet format: one sheet (or CSV file) per record kind, one column per field.
 * The importer, the template generator and the seed builder all read this one description.
 */

/**
 * Name of the template's explanation sheet; the importer skips it. (Here rather than in
 * template.ts, so the importer, which the API loads to seed an empty registry, never loads exceljs.)
 */
export const README_SHEET = '说明 README';

/** How a cell is read. */
export type ColumnType =
  | 'text'
  | 'code' // text, trimmed, full-width folded, upper-cased
  | 'money' // exact decimal yuan; unit from the header or the cell (万, 亿)
  | 'date' // ISO, 2023/3/15, 2023年3月15日, or an Excel date cell
  | 'integer'
  | 'boolean' // 是/否, Y/N, true/false, 1/0
  | 'enum'
  | 'list'; // several values separated by 、 , ; or |

export interface ColumnSpec {
  /** Field name, also the English header. */
  key: string;
  /** Chinese header. */
  zh: string;
  type: ColumnType;
  required?: boolean;
  /** Allowed values and the words (Chinese or English) that mean them. */
  values?: Record<string, string[]>;
  /** What the column means, with unit and an example: shown as the header's note in the template. */
  note: string;
}

export interface SheetSpec {
  /** Sheet name and CSV file-name keyword. */
  name: string;
  zh: string;
  /** Natural key columns. */
  key: string[];
  columns: ColumnSpec[];
}

const SOURCE: ColumnSpec = { key: 'source', zh: '来源', type: 'text', required: true, note: '来源 Provenance, e.g. 余杭区委宣传部, 2023, or illustrative' };

export const AREA_KIND_VALUES = {
  DISTRICT: ['区', '县区', 'district'],
  PLATFORM: ['平台', 'platform'],
  TOWN: ['镇', '街道', '乡镇', '镇街', 'town'],
  VILLAGE: ['村', '行政村', 'village'],
  COMMUNITY: ['社区', 'community'],
};
export const SCENIC_VALUES = {
  NONE: ['无', '否', 'none'],
  GRADE_1A: ['1A', 'A', '1a'],
  GRADE_2A: ['2A', 'AA', '2a'],
  GRADE_3A: ['3A', 'AAA', '3a'],
  GRADE_4A: ['4A', 'AAAA', '4a'],
  GRADE_5A: ['5A', 'AAAAA', '5a'],
};
export const OWNERSHIP_VALUES = {
  STATE_OWNED: ['国有', '国有企业', '国企', 'state-owned', 'soe'],
  PRIVATE: ['民营', '民营企业', '私营', 'private'],
  COLLECTIVE: ['集体', '集体企业', 'collective'],
  FOREIGN_INVESTED: ['外资', '外商投资', '外商投资企业', 'foreign', 'foreign-invested'],
  OTHER: ['其他', 'other'],
};
export const SCHEME_VALUES = {
  CITY_MOUNTAIN: ['1+5', '山城协作', '"1+5"山城协作', 'city-mountain'],
  SOE_TOWN: ['5+5', '镇企合作', '"5+5"镇企合作', 'soe-town'],
  ENTERPRISE_VILLAGE: ['百企百社', '百企百社结对', '结对帮扶', 'enterprise-village'],
  OTHER: ['其他', 'other'],
};
export const STAGE_VALUES = {
  SIGNED: ['签约', 'signed'],
  LANDED: ['落地', 'landed'],
  STARTED: ['开工', 'started'],
  OPERATING: ['投产', '运营', 'operating'],
  CANCELLED: ['取消', '终止', 'cancelled', 'canceled'],
};
export const FUND_KIND_VALUES = {
  COMMITMENT: ['承诺', '协议', '协议资金', 'commitment'],
  LANDED: ['落地', '到位', '落地资金', '到位资金', 'landed'],
};
export const WORKSHOP_TYPE_VALUES = {
  PROCESSING: ['来料加工', 'processing'],
  TARGETED_HIRING: ['定向招工', 'targeted-hiring'],
  LIVE_COMMERCE: ['电商直播', 'live-commerce'],
  AGRI_TOURISM: ['农旅融合', 'agri-tourism'],
  BRAND_LED: ['品牌带动', 'brand-led'],
  INDUSTRY_EMPOWERMENT: ['产业赋能', 'industry-empowerment'],
};

export const PROGRAMME_KIND_VALUES = {
  PLAN: ['计划', '行动', '计划/行动', 'plan'],
  MECHANISM: ['机制', '模式', '机制/模式', 'mechanism'],
  PILOT: ['试点', '示范', '试点/示范', 'pilot'],
  PLATFORM: ['平台', 'platform'],
  POLICY: ['政策', 'policy'],
};
export const INDICATOR_UNIT_VALUES = {
  REN: ['人', 'persons'],
  MING: ['名'],
  JIA: ['家'],
  GE: ['个', 'items'],
  YUAN: ['元', 'yuan'],
  PERCENT: ['%', '％', '百分比', 'percent'],
};
export const INDICATOR_MEASURE_VALUES = {
  STOCK: ['存量', '累计', '截至', 'stock'],
  FLOW: ['流量', '期间', 'flow'],
};

/** Every sheet, in the order a workbook is written and imported (references point backwards). */
export const SHEETS: SheetSpec[] = [
  {
    name: 'areas',
    zh: '区域',
    key: ['code'],
    columns: [
      { key: 'code', zh: '行政区划代码', type: 'code', required: true, note: '行政区划代码 Division code, 6–12 digits, e.g. 330110109 (径山镇)' },
      { key: 'name', zh: '名称', type: 'text', required: true, note: '名称 Name, e.g. 径山镇' },
      { key: 'kind', zh: '类型', type: 'enum', required: true, values: AREA_KIND_VALUES, note: '类型 Kind: 区, 平台, 镇/街道, 村, 社区' },
      { key: 'parent_code', zh: '上级代码', type: 'code', note: '上级代码 Division code of the parent area (empty only for the district), e.g. 330110' },
      { key: 'mountain', zh: '山区镇', type: 'boolean', note: '山区镇 Mountain town? 是/否 (towns only); empty = 否' },
      { key: 'scenic_grade', zh: '景区村庄等级', type: 'enum', values: SCENIC_VALUES, note: '景区村庄等级 Scenic-village grade: 无, 1A–5A (villages only); empty = 无' },
      SOURCE,
    ],
  },
  {
    name: 'enterprises',
    zh: '企业',
    key: ['credit_code'],
    columns: [
      { key: 'credit_code', zh: '统一社会信用代码', type: 'code', required: true, note: '统一社会信用代码 Unified social credit code, 18 characters with check character, e.g. 91110000600037341L' },
      { key: 'name', zh: '名称', type: 'text', required: true, note: '名称 Registered name' },
      { key: 'ownership', zh: '所有制', type: 'enum', required: true, values: OWNERSHIP_VALUES, note: '所有制 Ownership: 国有, 民营, 集体, 外资, 其他' },
      { key: 'tags', zh: '标签', type: 'list', note: '标签 Tags separated by 、 or ; e.g. 乡创' },
      SOURCE,
    ],
  },
  {
    name: 'programmes',
    zh: '计划',
    key: ['code'],
    columns: [
      { key: 'code', zh: '计划编码', type: 'code', required: true, note: '计划编码 Stable programme code, A–Z 0–9 _ -, e.g. TALENT_ENCLAVE' },
      { key: 'name_zh', zh: '中文名称', type: 'text', required: true, note: '中文名称 Chinese name, e.g. 人才飞地' },
      { key: 'name_en', zh: '英文名称', type: 'text', required: true, note: '英文名称 English name, e.g. Talent enclave' },
      { key: 'kind', zh: '类型', type: 'enum', required: true, values: PROGRAMME_KIND_VALUES, note: '类型 Kind: 计划/行动, 机制/模式, 试点/示范, 平台, 政策' },
      { key: 'lead_area_code', zh: '牵头区域代码', type: 'code', note: '牵头区域代码 Division code of the lead area, e.g. 330110' },
      { key: 'lead_body', zh: '牵头单位', type: 'text', note: '牵头单位 Lead body when not an area, e.g. 区人力社保局' },
      { key: 'started_on', zh: '开始日期', type: 'date', note: '开始日期 Start date, when known' },
      SOURCE,
    ],
  },
  {
    name: 'programme_documents',
    zh: '政策文件',
    key: ['programme_code', 'title'],
    columns: [
      { key: 'programme_code', zh: '计划编码', type: 'code', required: true, note: '计划编码 Programme code' },
      { key: 'title', zh: '标题', type: 'text', required: true, note: '标题 Document title, e.g. 《余杭区农业领域人才类补助发放实施细则》' },
      { key: 'issued_on', zh: '发布日期', type: 'date', note: '发布日期 Date issued, when known' },
      SOURCE,
    ],
  },
  {
    name: 'programme_events',
    zh: '计划事件',
    key: ['programme_code', 'occurred_on', 'title'],
    columns: [
      { key: 'programme_code', zh: '计划编码', type: 'code', required: true, note: '计划编码 Programme code' },
      { key: 'occurred_on', zh: '日期', type: 'date', required: true, note: '日期 Date of the event (the 1st when only the month is known), e.g. 2022-06-01' },
      { key: 'title', zh: '事件', type: 'text', required: true, note: '事件 What happened, e.g. 入选浙江省共同富裕示范区第二批试点' },
      SOURCE,
    ],
  },
  {
    name: 'pairings',
    zh: '结对',
    key: ['code'],
    columns: [
      { key: 'code', zh: '结对编号', type: 'code', required: true, note: '结对编号 Pairing code (your own stable key), e.g. CM-330110109' },
      { key: 'scheme', zh: '结对机制', type: 'enum', required: true, values: SCHEME_VALUES, note: '结对机制 Scheme: 1+5, 5+5, 百企百社, 其他' },
      { key: 'lead_area_code', zh: '牵头方区域代码', type: 'code', note: '牵头方区域代码 Lead party if an area: its division code (or fill lead_credit_code)' },
      { key: 'lead_credit_code', zh: '牵头方信用代码', type: 'code', note: '牵头方信用代码 Lead party if an enterprise: its credit code' },
      { key: 'partner_area_code', zh: '结对方区域代码', type: 'code', note: '结对方区域代码 Partner party if an area: its division code (or fill partner_credit_code)' },
      { key: 'partner_credit_code', zh: '结对方信用代码', type: 'code', note: '结对方信用代码 Partner party if an enterprise: its credit code' },
      { key: 'start_date', zh: '开始日期', type: 'date', required: true, note: '开始日期 Start date, e.g. 2021-06-01' },
      { key: 'end_date', zh: '结束日期', type: 'date', note: '结束日期 End date; empty while active' },
      { key: 'note', zh: '备注', type: 'text', note: '备注 Note' },
      SOURCE,
      { key: 'programme_code', zh: '计划编码', type: 'code', note: '计划编码 Code of the programme (计划/机制) it belongs to, if any, e.g. LUNIAO_SIX_VILLAGES' },
    ],
  },
  {
    name: 'projects',
    zh: '项目',
    key: ['code'],
    columns: [
      { key: 'code', zh: '项目编号', type: 'code', required: true, note: '项目编号 Stable project code, e.g. WKC-2023-001' },
      { key: 'name', zh: '项目名称', type: 'text', required: true, note: '项目名称 Project name' },
      { key: 'sector', zh: '行业', type: 'text', required: true, note: '行业 Sector, e.g. 数字经济, 文旅, 生命科技' },
      { key: 'host_area_code', zh: '所在区域代码', type: 'code', required: true, note: '所在区域代码 Division code of the host platform, town or village' },
      { key: 'pairing_code', zh: '结对编号', type: 'code', note: '结对编号 Code of the pairing it was signed under, if any' },
      { key: 'signed_amount', zh: '签约金额', type: 'money', required: true, note: '签约金额 Signed amount in 元 unless the header or cell says 万/亿, e.g. 12.5亿 or 签约金额(亿元)' },
      { key: 'signed_on', zh: '签约日期', type: 'date', required: true, note: '签约日期 Signing date, e.g. 2023-03-15' },
      { key: 'investor_credit_codes', zh: '投资企业信用代码', type: 'list', note: '投资企业信用代码 Credit codes of investing enterprises, separated by 、 or ;' },
      SOURCE,
      { key: 'programme_code', zh: '计划编码', type: 'code', note: '计划编码 Code of the programme (计划/机制) it belongs to, if any, e.g. LUNIAO_SIX_VILLAGES' },
    ],
  },
  {
    name: 'project_stages',
    zh: '项目阶段',
    key: ['project_code', 'stage'],
    columns: [
      { key: 'project_code', zh: '项目编号', type: 'code', required: true, note: '项目编号 Project code' },
      { key: 'stage', zh: '阶段', type: 'enum', required: true, values: STAGE_VALUES, note: '阶段 Stage: 签约, 落地, 开工, 投产, 取消' },
      { key: 'reached_on', zh: '日期', type: 'date', required: true, note: '日期 Date the stage was reached' },
    ],
  },
  {
    name: 'fund_flows',
    zh: '资金流',
    key: ['project_code', 'reference'],
    columns: [
      { key: 'project_code', zh: '项目编号', type: 'code', required: true, note: '项目编号 Project code' },
      {
        key: 'reference',
        zh: '凭证号',
        type: 'text',
        required: true,
        note: '凭证号 Reference (voucher number), unique within the project, e.g. 记-2022-0612: a corrected date or amount updates the flow with this reference. Without references, import with --replace-project-flows',
      },
      { key: 'kind', zh: '资金类型', type: 'enum', required: true, values: FUND_KIND_VALUES, note: '资金类型 Kind: 承诺 (committed) or 落地 (landed)' },
      { key: 'amount', zh: '金额', type: 'money', required: true, note: '金额 Amount in 元 unless the header or cell says 万/亿, e.g. 450万' },
      { key: 'occurred_on', zh: '日期', type: 'date', required: true, note: '日期 Date of the movement' },
      SOURCE,
    ],
  },
  {
    name: 'collective_incomes',
    zh: '村集体收入',
    key: ['village_code', 'year'],
    columns: [
      { key: 'village_code', zh: '村代码', type: 'code', required: true, note: '村代码 Division code of the village (12 digits)' },
      { key: 'year', zh: '年度', type: 'integer', required: true, note: '年度 Year, e.g. 2022' },
      { key: 'operating_income', zh: '经营性收入', type: 'money', note: '经营性收入 Operating income = 经营收入 + 发包及上交收入 + 投资收益; may be left empty when all three parts are given' },
      { key: 'business_income', zh: '经营收入', type: 'money', note: '经营收入 Business income' },
      { key: 'contracting_income', zh: '发包及上交收入', type: 'money', note: '发包及上交收入 Contracting and remitted income' },
      { key: 'investment_income', zh: '投资收益', type: 'money', note: '投资收益 Investment income (may be negative)' },
      { key: 'subsidy_income', zh: '补助收入', type: 'money', note: '补助收入 Subsidies (not operating income)' },
      { key: 'other_income', zh: '其他收入', type: 'money', note: '其他收入 Other income (not operating income)' },
      SOURCE,
    ],
  },
  {
    name: 'workshops',
    zh: '共富工坊',
    key: ['village_code', 'name'],
    columns: [
      { key: 'village_code', zh: '村代码', type: 'code', required: true, note: '村代码 Division code of the village or community' },
      { key: 'name', zh: '名称', type: 'text', required: true, note: '名称 Workshop name, e.g. 村团长' },
      { key: 'type', zh: '类型', type: 'enum', required: true, values: WORKSHOP_TYPE_VALUES, note: '类型 Type: 来料加工, 定向招工, 电商直播, 农旅融合, 品牌带动, 产业赋能' },
      { key: 'host_credit_code', zh: '合作企业信用代码', type: 'code', note: '合作企业信用代码 Credit code of the host enterprise' },
      { key: 'opened_on', zh: '开办日期', type: 'date', note: '开办日期 Opening date' },
      { key: 'jobs_created', zh: '带动就业人数', type: 'integer', note: '带动就业人数 People employed; empty = 0' },
      { key: 'low_income_jobs', zh: '其中低收入人数', type: 'integer', note: '其中低收入人数 Of whom low-income; empty = 0' },
      { key: 'income_gain_per_person', zh: '人均年增收', type: 'money', note: '人均年增收 Income gain per person per year, 元 unless the header says 万元, e.g. 15000' },
      SOURCE,
      { key: 'programme_code', zh: '计划编码', type: 'code', note: '计划编码 Code of the programme (计划/机制) it belongs to, if any, e.g. LUNIAO_SIX_VILLAGES' },
    ],
  },
  {
    name: 'indicators',
    zh: '监测指标',
    key: ['code'],
    columns: [
      { key: 'code', zh: '指标编码', type: 'code', required: true, note: '指标编码 Stable indicator code, A–Z 0–9 _ -, e.g. TALENT_TOTAL' },
      { key: 'name_zh', zh: '中文名称', type: 'text', required: true, note: '中文名称 Chinese name, e.g. 人才资源总量' },
      { key: 'name_en', zh: '英文名称', type: 'text', required: true, note: '英文名称 English name' },
      { key: 'unit', zh: '单位', type: 'enum', required: true, values: INDICATOR_UNIT_VALUES, note: '单位 Unit: 人, 名, 家, 个, 元, %' },
      { key: 'measure', zh: '性质', type: 'enum', required: true, values: INDICATOR_MEASURE_VALUES, note: '性质 存量 (stock at a date, 累计/截至) or 流量 (flow over a year, quarter or month)' },
      { key: 'additive', zh: '可加总', type: 'boolean', note: '可加总 Do values add up across areas? 是/否; empty = 否' },
      { key: 'parent_code', zh: '上级指标编码', type: 'code', note: '上级指标编码 Code of the indicator this is a part (其中) of' },
      { key: 'breakdown_complete', zh: '分项完整', type: 'boolean', note: '分项完整 Do this indicator’s parts add up to it? 是/否; empty = 否 (a partial list)' },
      { key: 'programme_code', zh: '计划编码', type: 'code', note: '计划编码 Code of the programme it monitors' },
      { key: 'note', zh: '说明', type: 'text', note: '说明 Definition or note' },
      SOURCE,
    ],
  },
  {
    name: 'indicator_values',
    zh: '指标值',
    key: ['indicator_code', 'area_code', 'period'],
    columns: [
      { key: 'indicator_code', zh: '指标编码', type: 'code', required: true, note: '指标编码 Indicator code' },
      { key: 'area_code', zh: '区域代码', type: 'code', required: true, note: '区域代码 Division code of the area, e.g. 330110 (district)' },
      { key: 'period', zh: '期别', type: 'text', required: true, note: '期别 2022 (year), 2023-Q1 (quarter), 2023-03 (month) for a flow; 2023-03-31 (as-of date) for a stock' },
      { key: 'value', zh: '数值', type: 'money', required: true, note: '数值 Exact value in the indicator’s unit; 万/亿 allowed (36万, 22.39亿); at most 2 decimals' },
      { key: 'qualifier_word', zh: '限定词', type: 'text', note: '限定词 The source’s word: 余, 超, 以上, 突破 (at least) or 约 (approximately); empty = exact' },
      { key: 'derived', zh: '推算', type: 'boolean', note: '推算 Derived rather than reported? 是/否; empty = 否' },
      { key: 'derivation', zh: '推算方法', type: 'text', note: '推算方法 How it was derived (required when 推算 = 是), e.g. 405 ÷ (1 + 55.77%)' },
      { key: 'items', zh: '列举', type: 'list', note: '列举 Named items separated by 、 e.g. 之江、良渚、湖畔、天目山' },
      SOURCE,
    ],
  },
];
