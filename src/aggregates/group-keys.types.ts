import { type ClassType, Ctx, Field, Int, ObjectType } from 'type-graphql';
import { Area } from '../area/area.entity.js';
import type { RequestContext } from '../common/context.js';
import { byIdLoader } from '../common/query.js';
import { Enterprise } from '../enterprise/enterprise.entity.js';
import { Pairing } from '../pairing/pairing.entity.js';
import { PairingScheme } from '../pairing/pairing.enums.js';
import { Project } from '../project/project.entity.js';
import type { KeyRow } from './grouping.js';

@ObjectType('Quarter', { description: '季度 A calendar quarter of a year.' })
export class Quarter {
  @Field(() => Int, { description: '年度 Year.' })
  year!: number;

  @Field(() => Int, { description: '季度 Quarter, 1–4.' })
  quarter!: number;
}

@ObjectType('Month', { description: '月份 A calendar month of a year.' })
export class Month {
  @Field(() => Int, { description: '年度 Year.' })
  year!: number;

  @Field(() => Int, { description: '月份 Month, 1–12.' })
  month!: number;
}

const NOT_GROUPED = 'null when not grouped by it';

/**
 * Adds the typed group key fields to an aggregate type. Records are kept as ids and resolved through
 * the per-request byId loaders, so the groups of one answer cost one statement per record type.
 * `timeOf` names the date that places a row in time (e.g. "the day the funds landed").
 */
export function WithGroupKeys<TBase extends ClassType<object>>(Base: TBase, name: string, timeOf: string) {
  @ObjectType(`${name}Keys`, { description: `${name}分组键 Group keys of ${name} (a base type; not in the schema by itself).` })
  class Keyed extends Base {
    areaId: number | null = null;
    pairingId: number | null = null;
    projectId: number | null = null;
    investorId: number | null = null;

    @Field(() => Area, {
      nullable: true,
      description:
        `区域 The area at the grouped level (TOWN_OR_PLATFORM, PLATFORM, TOWN or VILLAGE) the row belongs to; null for rows under no area of that level ` +
        `(e.g. a platform's projects when grouped by TOWN; group by TOWN_OR_PLATFORM to see them under their platform), and ${NOT_GROUPED}.`,
    })
    area(@Ctx() ctx: RequestContext): Promise<Area | null> | null {
      return this.areaId === null ? null : byIdLoader(ctx, Area).load(this.areaId);
    }

    @Field(() => Boolean, { nullable: true, description: `山区镇 Whether the rows lie in a mountain town; ${NOT_GROUPED}.` })
    mountain: boolean | null = null;

    @Field(() => PairingScheme, {
      nullable: true,
      description: `结对机制 Scheme of the pairing the projects were signed under; null for projects under no pairing, and ${NOT_GROUPED}.`,
    })
    scheme: PairingScheme | null = null;

    @Field(() => Pairing, {
      nullable: true,
      description: `结对 The pairing the projects were signed under; null for projects under no pairing, and ${NOT_GROUPED}.`,
    })
    pairing(@Ctx() ctx: RequestContext): Promise<Pairing | null> | null {
      return this.pairingId === null ? null : byIdLoader(ctx, Pairing).load(this.pairingId);
    }

    @Field(() => Project, { nullable: true, description: `项目 The project; ${NOT_GROUPED}.` })
    project(@Ctx() ctx: RequestContext): Promise<Project | null> | null {
      return this.projectId === null ? null : byIdLoader(ctx, Project).load(this.projectId);
    }

    @Field(() => Enterprise, {
      nullable: true,
      description: `投资企业 An investing enterprise; a project with several investors counts in each of their groups in full; null for projects without investors, and ${NOT_GROUPED}.`,
    })
    investor(@Ctx() ctx: RequestContext): Promise<Enterprise | null> | null {
      return this.investorId === null ? null : byIdLoader(ctx, Enterprise).load(this.investorId);
    }

    @Field(() => String, { nullable: true, description: `行业 Sector of the projects; ${NOT_GROUPED}.` })
    sector: string | null = null;

    @Field(() => Int, { nullable: true, description: `年度 Year of ${timeOf}; ${NOT_GROUPED}.` })
    year: number | null = null;

    @Field(() => Quarter, { nullable: true, description: `季度 Quarter of ${timeOf}; ${NOT_GROUPED}.` })
    quarter: Quarter | null = null;

    @Field(() => Month, { nullable: true, description: `月份 Month of ${timeOf}; ${NOT_GROUPED}.` })
    month: Month | null = null;

    /** Copies the key columns of a grouped row. */
    setKeys(row: KeyRow): this {
      this.areaId = row.k_area ?? null;
      this.mountain = row.k_mountain ?? null;
      this.scheme = (row.k_scheme as PairingScheme | null | undefined) ?? null;
      this.pairingId = row.k_pairing ?? null;
      this.projectId = row.k_project ?? null;
      this.investorId = row.k_investor ?? null;
      this.sector = row.k_sector ?? null;
      this.year = row.k_year ?? null;
      this.quarter = row.k_quarter ? { year: row.k_quarter_year!, quarter: row.k_quarter } : null;
      this.month = row.k_month ? { year: row.k_month_year!, month: row.k_month } : null;
      return this;
    }
  }
  return Keyed;
}
