/** The rules of workshops (plain functions over plain values), for the mutations and the importer. */
import type { KindAccess } from '../auth/scope.js';
import { amount, integer, NAME_MAX, type Problem, problem, SOURCE_MAX, text } from '../common/rules.js';

/** Upper bound for head counts (a sanity limit, far above any real workshop). */
export const MAX_JOBS = 1_000_000;

/** Fields of a workshop that are given. */
export function workshopFieldRules(v: {
  name?: string | null;
  source?: string | null;
  jobsCreated?: number | null;
  lowIncomeJobs?: number | null;
  incomeGainPerPerson?: string | null;
}): Problem[] {
  const out: Problem[] = [];
  if (typeof v.name === 'string') text(out, 'name', v.name, NAME_MAX);
  if (typeof v.source === 'string') text(out, 'source', v.source, SOURCE_MAX);
  if (typeof v.jobsCreated === 'number') integer(out, 'jobsCreated', v.jobsCreated, 0, MAX_JOBS);
  if (typeof v.lowIncomeJobs === 'number') integer(out, 'lowIncomeJobs', v.lowIncomeJobs, 0, MAX_JOBS);
  if (typeof v.incomeGainPerPerson === 'string') amount(out, 'incomeGainPerPerson', v.incomeGainPerPerson, 'nonnegative');
  return out;
}

/** Low-income jobs are among the jobs created (compared as the record will have them). */
export function workshopJobsRule(jobs: number | undefined, low: number | undefined): Problem[] {
  return jobs !== undefined && low !== undefined && low > jobs ? [problem('lowIncomeJobs', 'OUT_OF_RANGE', `must not exceed jobsCreated (${jobs})`, low)] : [];
}

/** Who may write workshops through the API (src/auth/scope.ts). */
export const WORKSHOP_ACCESS: KindAccess = { noun: 'workshops', area: true, partner: true };
