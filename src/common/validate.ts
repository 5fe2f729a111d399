import type { ProblemList } from './errors.js';

/** How a mutation treats missing fields: `create` requires them, `update` leaves them as they are. */
export type Mode = 'create' | 'update';

/**
 * A required field: undefined on create → "is required"; null ever → "must not be null".
 * Returns the value, or undefined when missing/invalid (the problem is recorded).
 */
export function required<T>(p: ProblemList, field: string, value: T | null | undefined, mode: Mode): T | undefined {
  if (value === undefined) {
    if (mode === 'create') p.add(field, 'is required');
    return undefined;
  }
  if (value === null) {
    p.add(field, 'must not be null');
    return undefined;
  }
  return value;
}

/** Copies the defined entries of `values` onto `target` (undefined means "leave as it is"). */
export function assignDefined<T extends object>(target: T, values: Partial<Record<keyof T, unknown>>): void {
  for (const [k, v] of Object.entries(values)) if (v !== undefined) (target as Record<string, unknown>)[k] = v;
}
