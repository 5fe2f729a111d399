import { registerEnumType } from 'type-graphql';
import type { UnitWord } from './display.js';

/** Unit of an indicator, as the article writes it. */
export enum IndicatorUnit {
  REN = 'REN',
  MING = 'MING',
  JIA = 'JIA',
  GE = 'GE',
  YUAN = 'YUAN',
  PERCENT = 'PERCENT',
}
registerEnumType(IndicatorUnit, {
  name: 'IndicatorUnit',
  description: '指标单位 Unit of an indicator, as the article writes it.',
  valuesConfig: {
    REN: { description: '人 people (persons)' },
    MING: { description: '名 people, counted by name (e.g. 5770名 talents, 1000余名 riders)' },
    JIA: { description: '家 organisations (enterprises, laboratories, R&D centres)' },
    GE: { description: '个 items (jobs, stations, projects)' },
    YUAN: { description: '元 yuan (money, exact decimal)' },
    PERCENT: { description: '% percent' },
  },
});
/** The unit word of each unit. */
export const UNIT_WORD: Record<IndicatorUnit, UnitWord> = { REN: '人', MING: '名', JIA: '家', GE: '个', YUAN: '元', PERCENT: '%' };

/** Stock at a date or flow over a period. */
export enum IndicatorMeasure {
  STOCK = 'STOCK',
  FLOW = 'FLOW',
}
registerEnumType(IndicatorMeasure, {
  name: 'IndicatorMeasure',
  description: '指标性质 Whether an indicator is a stock at a date (累计, 截至) or a flow over a period (年度, 季度, 月度).',
  valuesConfig: {
    STOCK: { description: '存量 stock at a date (累计, 截至): its values have as-of dates' },
    FLOW: { description: '流量 flow over a period: its values have years, quarters or months' },
  },
});

/** How exact a value is. */
export enum Qualifier {
  EXACT = 'EXACT',
  AT_LEAST = 'AT_LEAST',
  APPROXIMATELY = 'APPROXIMATELY',
}
registerEnumType(Qualifier, {
  name: 'Qualifier',
  description: '限定 How exact a value is, as the source states it.',
  valuesConfig: {
    EXACT: { description: '确数 exact' },
    AT_LEAST: { description: '至少 at least: 余, 超, 以上, 突破 (the value is a lower bound)' },
    APPROXIMATELY: { description: '约数 approximately: 约' },
  },
});

/** Kind of period of a value. */
export enum PeriodKindEnum {
  YEAR = 'YEAR',
  QUARTER = 'QUARTER',
  MONTH = 'MONTH',
  DATE = 'DATE',
}
registerEnumType(PeriodKindEnum, {
  name: 'PeriodKind',
  description: '期别 Kind of period of an indicator value.',
  valuesConfig: {
    YEAR: { description: '年度 a year, e.g. 2022' },
    QUARTER: { description: '季度 a quarter, e.g. 2023-Q1' },
    MONTH: { description: '月度 a month, e.g. 2023-03' },
    DATE: { description: '时点 an as-of date (截至), e.g. 2023-03-31' },
  },
});

/** Kind of programme. */
export enum ProgrammeKind {
  PLAN = 'PLAN',
  MECHANISM = 'MECHANISM',
  PILOT = 'PILOT',
  PLATFORM = 'PLATFORM',
  POLICY = 'POLICY',
}
registerEnumType(ProgrammeKind, {
  name: 'ProgrammeKind',
  description: '计划类型 Kind of programme.',
  valuesConfig: {
    PLAN: { description: '计划/行动 a plan or action (e.g. "扩中提低"行动)' },
    MECHANISM: { description: '机制/模式 a mechanism or model (e.g. 人才飞地, 飞地抱团)' },
    PILOT: { description: '试点/示范 a pilot or demonstration (e.g. 共同富裕示范区试点)' },
    PLATFORM: { description: '平台 a platform (e.g. 岗位数据库, VentureLab)' },
    POLICY: { description: '政策 a policy package (e.g. 强村兴业富农三十条)' },
  },
});
