import { Area } from './area/area.entity.js';
import { Enterprise } from './enterprise/enterprise.entity.js';
import { FundFlow } from './fund-flow/fund-flow.entity.js';
import { CollectiveIncome } from './income/collective-income.entity.js';
import { Indicator, IndicatorValue } from './indicator/indicator.entity.js';
import { Pairing } from './pairing/pairing.entity.js';
import { Programme, ProgrammeDocument, ProgrammeEvent } from './programme/programme.entity.js';
import { Project, ProjectInvestor, ProjectStage } from './project/project.entity.js';
import { Workshop } from './workshop/workshop.entity.js';

/** Every entity of the registry, listed explicitly (no folder discovery). */
export const ENTITIES = [
  Area,
  Enterprise,
  Pairing,
  Project,
  ProjectStage,
  ProjectInvestor,
  FundFlow,
  CollectiveIncome,
  Workshop,
  Programme,
  ProgrammeDocument,
  ProgrammeEvent,
  Indicator,
  IndicatorValue,
];
