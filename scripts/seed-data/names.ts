/**
 * Names and codes of the seed's area tree and enterprises.
 *
 * Provenance:
 * - ARTICLE: the source article (余杭区委宣传部, 2023), /work/shared/domain/000_3adc1bc7a9bea09f.txt.
 * - PUBLIC: names the domain brief lists as "found in public sources" (villages, workshops,
 *   enterprise–village pairs); the brief does not name those sources further.
 * - The nine-digit codes of the 7 街道 + 5 镇 follow public division-code tables of 余杭区 after the
 *   2021 split (径山镇 330110109 is also given by the brief); they were not checked against the
 *   official NBS release. Village (12-digit) and platform codes are made up.
 * - Everything else is invented and marked `illustrative`.
 */

export const ARTICLE = '余杭区委宣传部, 2023';
export const PUBLIC = '公开资料';
export const CODE_TABLE = '公开区划代码表';
export const ILLUSTRATIVE = 'illustrative';

/** Source text of a record whose identity is cited but some fields are filled in, e.g. `公开资料; 代码 illustrative`. */
export const partly = (cited: string, what: string): string => `${cited}; ${what} ${ILLUSTRATIVE}`;

export const DISTRICT = { code: '330110', name: '余杭区' };
export const PLATFORMS = {
  wkc: { code: '330110801', name: '杭州未来科技城' },
  lz: { code: '330110802', name: '良渚新城' },
} as const;

export type ScenicKey = 'NONE' | 'GRADE_1A' | 'GRADE_2A' | 'GRADE_3A' | 'GRADE_4A' | 'GRADE_5A';

export interface VillageDef {
  name: string;
  /** Name taken from a public source (else invented). */
  real?: boolean;
  scenic?: ScenicKey;
}

export interface TownDef {
  code: string;
  name: string;
  mountain: boolean;
  /** Short key used in project codes and names. */
  key: string;
  villages: VillageDef[];
  communities: string[];
}

const inv = (names: string): VillageDef[] => names.split(' ').map((n) => ({ name: `${n}村` }));
const real = (names: string): VillageDef[] => names.split(' ').map((n) => ({ name: `${n}村`, real: true }));

/** The 7 街道 and 5 镇 (in code order), with their villages and communities. */
export const TOWNS: TownDef[] = [
  {
    code: '330110005',
    name: '五常街道',
    mountain: false,
    key: 'wc',
    villages: inv('联胜 常丰 浜东 蒋家 和睦 洪园 荷花 桑园 渔家 河东 水口 茭白'),
    communities: ['文一社区'],
  },
  {
    code: '330110009',
    name: '仁和街道',
    mountain: false,
    key: 'rh',
    villages: inv('东塘 獐山 云会 仁和 洛阳 栅庄桥 奉口 双陈 永泰 新桥头 三白潭 独城 葛墩 渔塘 南扬 沿山 平桥 渡船'),
    communities: [],
  },
  {
    code: '330110010',
    name: '良渚街道',
    mountain: false,
    key: 'lzj',
    villages: inv('港南 安溪 大陆 勾庄 良渚港 杜城 新港 荀山 玉琮 北湖 石桥港 东苕 莫角 瑶山'),
    communities: ['玉鸟社区'],
  },
  {
    code: '330110011',
    name: '闲林街道',
    mountain: false,
    key: 'xl',
    villages: inv('方家 里项 东岳 朱庙 南港 石门 翠竹 松溪 溪亭 青山湾 白马 金竹 桃源'),
    communities: [],
  },
  {
    code: '330110012',
    name: '仓前街道',
    mountain: false,
    key: 'cq',
    villages: inv('葛巷 永乐 灵源 高桥 太炎 吴山 连具 苕溪 宝山 龙潭 梅家 东西'),
    communities: [],
  },
  {
    code: '330110013',
    name: '余杭街道',
    mountain: false,
    key: 'yh',
    villages: inv('文昌 宝塔 溪塘 洪桥 凤凰 永安 禹航 南湖 安乐 舒心 狮山 西溪 新桥 通济 横湖 上湖 下陡门'),
    communities: [],
  },
  {
    code: '330110014',
    name: '中泰街道',
    mountain: false,
    key: 'zt',
    villages: [...inv('紫荆 南峰 中桥 白云 枫岭 石鸽 泰山 琅琊 双联 竹坑 青峰 鹤鸣 碧云 岭后 东坞 杉树')].map((v) =>
      v.name === '紫荆村' ? { ...v, scenic: 'GRADE_2A' as const } : v,
    ),
    communities: [],
  },
  {
    code: '330110109',
    name: '径山镇',
    mountain: true,
    key: 'js',
    villages: [
      ...real('径山 小古城 前溪 四岭'),
      { name: '茶园村', scenic: 'GRADE_3A' },
      ...inv('竹坞 溪南'),
      { name: '云峰村', scenic: 'GRADE_2A' },
      ...inv('松林 石桥 双峰 梅坞'),
    ],
    communities: ['双溪社区'],
  },
  {
    code: '330110110',
    name: '瓶窑镇',
    mountain: true,
    key: 'py',
    villages: real('大观山 奇鹤 彭公 塘埠 凤都 西安寺 南山 长命 崇化 窑北 张堰 石濑'),
    communities: ['凤溪社区'],
  },
  {
    code: '330110111',
    name: '鸬鸟镇',
    mountain: true,
    key: 'ln',
    // All six villages are scenic villages, three 3A and three 2A (which one has which grade is illustrative).
    villages: [
      { name: '仙佰坑村', real: true, scenic: 'GRADE_3A' },
      { name: '前庄村', real: true, scenic: 'GRADE_3A' },
      { name: '太公堂村', real: true, scenic: 'GRADE_3A' },
      { name: '太平山村', real: true, scenic: 'GRADE_2A' },
      { name: '雅溪村', scenic: 'GRADE_2A' },
      { name: '云岫村', scenic: 'GRADE_2A' },
    ],
    communities: ['鸬鸟社区'],
  },
  {
    code: '330110112',
    name: '百丈镇',
    mountain: true,
    key: 'bz',
    villages: [...real('溪口 半山 仙岩'), { name: '竹海村', scenic: 'GRADE_2A' }, ...inv('泉坑')],
    communities: [],
  },
  {
    code: '330110113',
    name: '黄湖镇',
    mountain: true,
    key: 'hh',
    villages: [...real('青山 赐璧'), ...inv('岭下 虎啸'), { name: '清溪村', scenic: 'GRADE_1A' }, ...inv('绿竹')],
    communities: [],
  },
];

/** Village code: town code + '2' + two digits; community code: town code + '0' + two digits. */
export const villageCode = (town: TownDef, i: number): string => `${town.code}2${String(i + 1).padStart(2, '0')}`;
export const communityCode = (town: TownDef, i: number): string => `${town.code}0${String(i + 1).padStart(2, '0')}`;

export type OwnershipKey = 'STATE_OWNED' | 'PRIVATE' | 'COLLECTIVE' | 'FOREIGN_INVESTED' | 'OTHER';

/** An enterprise of the seed. `key` is a short handle used by the generator only. */
export interface EnterpriseDef {
  key: string;
  name: string;
  ownership: OwnershipKey;
  tags: string[];
  source: string;
  /** Registration authority + entity type (credit-code characters 1–2): 91 company, 93 farmers' cooperative. */
  kind?: '91' | '93';
  /** Division code in the credit code (characters 3–8). */
  division?: string;
}

const CODE_INV = partly(ARTICLE, '信用代码');
const CODE_INV_PUBLIC = partly(PUBLIC, '信用代码');

/** Five district state-owned enterprises of the "5+5" scheme, keyed by the mountain town they pair with. */
export const SOES: (EnterpriseDef & { town: string })[] = [
  { key: 'wenlv', town: '鸬鸟镇', name: '余杭区文旅集团', ownership: 'STATE_OWNED', tags: ['国有', '文旅'], source: CODE_INV },
  { key: 'chengjian', town: '瓶窑镇', name: '杭州余杭城乡建设发展集团有限公司', ownership: 'STATE_OWNED', tags: ['国有', '城建'], source: ILLUSTRATIVE },
  { key: 'jiaotong', town: '径山镇', name: '杭州余杭交通投资集团有限公司', ownership: 'STATE_OWNED', tags: ['国有', '交通'], source: ILLUSTRATIVE },
  { key: 'nongfa', town: '黄湖镇', name: '杭州余杭农业发展投资集团有限公司', ownership: 'STATE_OWNED', tags: ['国有', '现代农业'], source: ILLUSTRATIVE },
  { key: 'shuiwu', town: '百丈镇', name: '杭州余杭水务投资集团有限公司', ownership: 'STATE_OWNED', tags: ['国有', '水务'], source: ILLUSTRATIVE },
];

/** Enterprises of the enterprise–village pairs named in public sources. */
export const PAIR_ENTERPRISES: (EnterpriseDef & { village: string })[] = [
  { key: 'huali', village: '径山村', name: '华立集团股份有限公司', ownership: 'PRIVATE', tags: ['百企百社'], source: CODE_INV_PUBLIC },
  {
    key: 'yuanlin',
    village: '小古城村',
    name: '杭州园林设计院股份有限公司',
    ownership: 'PRIVATE',
    tags: ['百企百社'],
    source: CODE_INV_PUBLIC,
    division: '330100',
  },
  {
    key: 'taikang',
    village: '前溪村',
    name: '泰康健康产业投资控股有限公司',
    ownership: 'PRIVATE',
    tags: ['百企百社', '康养'],
    source: CODE_INV_PUBLIC,
    division: '110000',
  },
];

/** The 15 rural-innovation brand enterprises (乡创); two are named in the article. */
export const RURAL_BRANDS: EnterpriseDef[] = [
  { key: 'weilai', name: '未来村庄集团', ownership: 'PRIVATE', tags: ['乡创'], source: CODE_INV },
  { key: 'xiaoka', name: '小咖资本', ownership: 'PRIVATE', tags: ['乡创', '投资'], source: CODE_INV },
  { key: 'r03', name: '杭州山野乡创文化有限公司', ownership: 'PRIVATE', tags: ['乡创', '文旅'], source: ILLUSTRATIVE },
  { key: 'r04', name: '杭州溪谷民宿管理有限公司', ownership: 'PRIVATE', tags: ['乡创', '民宿'], source: ILLUSTRATIVE },
  { key: 'r05', name: '杭州竹里研学教育科技有限公司', ownership: 'PRIVATE', tags: ['乡创', '研学'], source: ILLUSTRATIVE },
  { key: 'r06', name: '杭州茶语乡村运营有限公司', ownership: 'PRIVATE', tags: ['乡创'], source: ILLUSTRATIVE },
  { key: 'r07', name: '杭州稻田里农业科技有限公司', ownership: 'PRIVATE', tags: ['乡创', '现代农业'], source: ILLUSTRATIVE },
  { key: 'r08', name: '杭州云上村落文旅发展有限公司', ownership: 'PRIVATE', tags: ['乡创', '文旅'], source: ILLUSTRATIVE },
  { key: 'r09', name: '杭州乡野集市品牌管理有限公司', ownership: 'PRIVATE', tags: ['乡创', '电商'], source: ILLUSTRATIVE },
  { key: 'r10', name: '杭州半山咖啡文化有限公司', ownership: 'PRIVATE', tags: ['乡创'], source: ILLUSTRATIVE },
  { key: 'r11', name: '杭州禅茶一味文化创意有限公司', ownership: 'PRIVATE', tags: ['乡创', '文创'], source: ILLUSTRATIVE },
  { key: 'r12', name: '杭州归园田居农业开发有限公司', ownership: 'PRIVATE', tags: ['乡创', '现代农业'], source: ILLUSTRATIVE },
  { key: 'r13', name: '杭州青创乡村规划设计有限公司', ownership: 'PRIVATE', tags: ['乡创'], source: ILLUSTRATIVE },
  { key: 'r14', name: '杭州山间露营运营管理有限公司', ownership: 'PRIVATE', tags: ['乡创', '文旅'], source: ILLUSTRATIVE },
  { key: 'r15', name: '杭州村播电子商务有限公司', ownership: 'PRIVATE', tags: ['乡创', '电商'], source: ILLUSTRATIVE },
];

/** Hosts of workshops (besides 区文旅集团). */
export const WORKSHOP_HOSTS: EnterpriseDef[] = [
  { key: 'huilin', name: '杭州汇林文化创意有限公司', ownership: 'PRIVATE', tags: ['共富工坊'], source: ILLUSTRATIVE },
  { key: 'mili', name: '杭州市余杭区鸬鸟蜜梨专业合作社', ownership: 'COLLECTIVE', tags: ['共富工坊', '现代农业'], source: ILLUSTRATIVE, kind: '93' },
  { key: 'wuta', name: '杭州无它民宿管理有限公司', ownership: 'PRIVATE', tags: ['共富工坊', '民宿'], source: ILLUSTRATIVE },
  { key: 'jinghe', name: '杭州径禾茶业有限公司', ownership: 'PRIVATE', tags: ['共富工坊', '茶'], source: ILLUSTRATIVE },
  { key: 'zhuyun', name: '杭州竹韵家居用品有限公司', ownership: 'PRIVATE', tags: ['共富工坊'], source: ILLUSTRATIVE },
];

/** Investors in platform projects (technology, life science, digital culture). */
export const TECH_INVESTORS: EnterpriseDef[] = [
  { key: 't01', name: '杭州星河智能科技有限公司', ownership: 'PRIVATE', tags: ['数字经济'], source: ILLUSTRATIVE },
  { key: 't02', name: '杭州云擎数据科技有限公司', ownership: 'PRIVATE', tags: ['数字经济'], source: ILLUSTRATIVE },
  { key: 't03', name: '杭州量子跃迁科技有限公司', ownership: 'PRIVATE', tags: ['数字经济', '高新技术企业'], source: ILLUSTRATIVE },
  { key: 't04', name: '浙江瑞康生物医药有限公司', ownership: 'PRIVATE', tags: ['生命科技'], source: ILLUSTRATIVE, division: '330000' },
  { key: 't05', name: '杭州微纳芯片科技有限公司', ownership: 'PRIVATE', tags: ['数字经济', '集成电路'], source: ILLUSTRATIVE },
  { key: 't06', name: '杭州灵犀机器人有限公司', ownership: 'PRIVATE', tags: ['智能制造'], source: ILLUSTRATIVE },
  { key: 't07', name: '杭州数智城市运营有限公司', ownership: 'PRIVATE', tags: ['数字经济'], source: ILLUSTRATIVE },
  { key: 't08', name: '浙江恒远新材料有限公司', ownership: 'PRIVATE', tags: ['新材料'], source: ILLUSTRATIVE, division: '330000' },
  { key: 't09', name: '杭州博润基因科技有限公司', ownership: 'PRIVATE', tags: ['生命科技'], source: ILLUSTRATIVE },
  { key: 't10', name: '杭州青藤云计算有限公司', ownership: 'PRIVATE', tags: ['数字经济'], source: ILLUSTRATIVE },
  { key: 't11', name: '杭州天枢航空科技有限公司', ownership: 'PRIVATE', tags: ['智能制造'], source: ILLUSTRATIVE },
  { key: 't12', name: '杭州碳索新能源科技有限公司', ownership: 'PRIVATE', tags: ['新能源'], source: ILLUSTRATIVE },
  { key: 't13', name: '杭州彼岸生物技术有限公司', ownership: 'FOREIGN_INVESTED', tags: ['生命科技'], source: ILLUSTRATIVE },
  { key: 't14', name: '杭州芯视界光电有限公司', ownership: 'PRIVATE', tags: ['数字经济'], source: ILLUSTRATIVE },
  { key: 't15', name: '杭州极光医疗科技有限公司', ownership: 'FOREIGN_INVESTED', tags: ['生命科技'], source: ILLUSTRATIVE },
  { key: 't16', name: '浙江锐拓智造装备有限公司', ownership: 'PRIVATE', tags: ['智能制造'], source: ILLUSTRATIVE, division: '330000' },
];

export const CULTURE_INVESTORS: EnterpriseDef[] = [
  { key: 'c01', name: '杭州良渚数字文化发展有限公司', ownership: 'PRIVATE', tags: ['数字文化'], source: ILLUSTRATIVE },
  { key: 'c02', name: '杭州玉琮文化传媒有限公司', ownership: 'PRIVATE', tags: ['数字文化'], source: ILLUSTRATIVE },
  { key: 'c03', name: '杭州澄源生命科学有限公司', ownership: 'PRIVATE', tags: ['生命科技'], source: ILLUSTRATIVE },
  { key: 'c04', name: '杭州织梦数字科技有限公司', ownership: 'PRIVATE', tags: ['数字文化'], source: ILLUSTRATIVE },
  { key: 'c05', name: '杭州蓝湾智能制造有限公司', ownership: 'PRIVATE', tags: ['智能制造'], source: ILLUSTRATIVE },
  { key: 'c06', name: '杭州瑶山影视文化有限公司', ownership: 'PRIVATE', tags: ['数字文化'], source: ILLUSTRATIVE },
];

/** Investors in mountain-town and 街道 projects (agriculture, tourism, health). */
export const RURAL_INVESTORS: EnterpriseDef[] = [
  { key: 'v01', name: '杭州山海农业科技有限公司', ownership: 'PRIVATE', tags: ['现代农业'], source: ILLUSTRATIVE },
  { key: 'v02', name: '杭州清溪康养产业有限公司', ownership: 'PRIVATE', tags: ['康养'], source: ILLUSTRATIVE },
  { key: 'v03', name: '杭州百丈竹业发展有限公司', ownership: 'PRIVATE', tags: ['现代农业'], source: ILLUSTRATIVE },
  { key: 'v04', name: '杭州窑火文化旅游有限公司', ownership: 'PRIVATE', tags: ['文旅'], source: ILLUSTRATIVE },
  { key: 'v05', name: '杭州黄湖数字农业有限公司', ownership: 'PRIVATE', tags: ['现代农业', '数字经济'], source: ILLUSTRATIVE },
  { key: 'v06', name: '杭州苕溪户外运动有限公司', ownership: 'PRIVATE', tags: ['文旅'], source: ILLUSTRATIVE },
  { key: 'v07', name: '杭州禅意山居酒店管理有限公司', ownership: 'PRIVATE', tags: ['文旅'], source: ILLUSTRATIVE },
  { key: 'v08', name: '杭州绿野食品有限公司', ownership: 'PRIVATE', tags: ['现代农业'], source: ILLUSTRATIVE },
  { key: 'v09', name: '杭州余杭精工机械有限公司', ownership: 'PRIVATE', tags: ['智能制造'], source: ILLUSTRATIVE },
  { key: 'v10', name: '杭州山居数字科技有限公司', ownership: 'PRIVATE', tags: ['数字经济'], source: ILLUSTRATIVE },
];
