/**
 * Row shapes of the seed workbook: one interface per sheet, keyed by the column keys of
 * src/import/sheets.ts, holding typed values (BigInt yuan, ISO dates, enum keys).
 */
import type { OwnershipKey, ScenicKey } from './names.js';

export type AreaKindKey = 'DISTRICT' | 'PLATFORM' | 'TOWN' | 'VILLAGE' | 'COMMUNITY';
export type SchemeKey = 'CITY_MOUNTAIN' | 'SOE_TOWN' | 'ENTERPRISE_VILLAGE' | 'OTHER';
export type StageKey = 'SIGNED' | 'LANDED' | 'STARTED' | 'OPERATING' | 'CANCELLED';
export type FundKindKey = 'COMMITMENT' | 'LANDED';
export type WorkshopTypeKey = 'PROCESSING' | 'TARGETED_HIRING' | 'LIVE_COMMERCE' | 'AGRI_TOURISM' | 'BRAND_LED' | 'INDUSTRY_EMPOWERMENT';

export interface AreaRow {
  code: string;
  name: string;
  kind: AreaKindKey;
  parent_code: string | null;
  mountain: boolean | null;
  scenic_grade: ScenicKey | null;
  source: string;
}

export interface EnterpriseRow {
  credit_code: string;
  name: string;
  ownership: OwnershipKey;
  tags: string[];
  source: string;
}

export interface PairingRow {
  code: string;
  scheme: SchemeKey;
  lead_area_code: string | null;
  lead_credit_code: string | null;
  partner_area_code: string | null;
  partner_credit_code: string | null;
  start_date: string;
  end_date: string | null;
  note: string | null;
  source: string;
  /** code of the programme it belongs to (issue 12) */
  programme_code?: string | null;
}

export interface ProjectRow {
  code: string;
  name: string;
  sector: string;
  host_area_code: string;
  pairing_code: string | null;
  signed_amount: bigint;
  signed_on: string;
  investor_credit_codes: string[];
  source: string;
  /** code of the programme it belongs to (issue 12) */
  programme_code?: string | null;
}

export interface StageRow {
  project_code: string;
  stage: StageKey;
  reached_on: string;
}

export interface FundFlowRow {
  project_code: string;
  /** 凭证号: the flow's reference, unique within its project. */
  reference: string;
  kind: FundKindKey;
  amount: bigint;
  occurred_on: string;
  source: string;
}

export interface IncomeRow {
  village_code: string;
  year: number;
  operating_income: bigint | null;
  business_income: bigint | null;
  contracting_income: bigint | null;
  investment_income: bigint | null;
  subsidy_income: bigint | null;
  other_income: bigint | null;
  source: string;
}

export interface WorkshopRow {
  village_code: string;
  name: string;
  type: WorkshopTypeKey;
  host_credit_code: string | null;
  opened_on: string | null;
  jobs_created: number;
  low_income_jobs: number;
  income_gain_per_person: bigint | null;
  source: string;
  /** code of the programme it belongs to (issue 12) */
  programme_code?: string | null;
}

export interface ProgrammeRow {
  code: string;
  name_zh: string;
  name_en: string;
  kind: 'PLAN' | 'MECHANISM' | 'PILOT' | 'PLATFORM' | 'POLICY';
  lead_area_code: string | null;
  lead_body: string | null;
  started_on: string | null;
  source: string;
}

export interface ProgrammeDocumentRow {
  programme_code: string;
  title: string;
  issued_on: string | null;
  source: string;
}

export interface ProgrammeEventRow {
  programme_code: string;
  occurred_on: string;
  title: string;
  source: string;
}

export interface IndicatorRow {
  code: string;
  name_zh: string;
  name_en: string;
  unit: 'REN' | 'MING' | 'JIA' | 'GE' | 'YUAN' | 'PERCENT';
  measure: 'STOCK' | 'FLOW';
  additive: boolean | null;
  parent_code: string | null;
  breakdown_complete: boolean | null;
  programme_code: string | null;
  note: string | null;
  source: string;
}

export interface IndicatorValueRow {
  indicator_code: string;
  area_code: string;
  period: string;
  value: bigint;
  qualifier_word: string | null;
  derived: boolean | null;
  derivation: string | null;
  items: string[];
  source: string;
}

/** The whole seed, one array per sheet (property names = sheet names). */
export interface Seed {
  areas: AreaRow[];
  enterprises: EnterpriseRow[];
  pairings: PairingRow[];
  projects: ProjectRow[];
  project_stages: StageRow[];
  fund_flows: FundFlowRow[];
  collective_incomes: IncomeRow[];
  workshops: WorkshopRow[];
  programmes: ProgrammeRow[];
  programme_documents: ProgrammeDocumentRow[];
  programme_events: ProgrammeEventRow[];
  indicators: IndicatorRow[];
  indicator_values: IndicatorValueRow[];
}

/** A cell value before it is written: typed, or null for an empty cell. */
export type Value = string | number | bigint | boolean | string[] | null;
