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

interface TextRule {
  max?: number;
  pattern?: RegExp;
  rule?: string;
}

/** Trims a text value and checks it is non-empty, not too long and matches `pattern`. */
export function checkText(p: ProblemList, field: string, value: string, { max = 200, pattern, rule }: TextRule = {}): string | undefined {
  const v = value.trim();
  if (v.length === 0) p.add(field, 'must not be empty', value);
  else if (v.length > max) p.add(field, `must be at most ${max} characters`, value);
  else if (pattern && !pattern.test(v)) p.add(field, rule ?? `must match ${pattern}`, value);
  else return v;
  return undefined;
}

/** A required text field (see {@link required} and {@link checkText}). */
export function requiredText(p: ProblemList, field: string, value: string | null | undefined, mode: Mode, rule: TextRule = {}): string | undefined {
  const v = required(p, field, value, mode);
  return v === undefined ? undefined : checkText(p, field, v, rule);
}

/** An optional text field: undefined = unchanged, null or blank = cleared. */
export function optionalText(p: ProblemList, field: string, value: string | null | undefined, rule: TextRule = {}): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value.trim() === '') return null;
  return checkText(p, field, value, rule) ?? undefined;
}

/** An integer within bounds. */
export function checkInt(p: ProblemList, field: string, value: number, min: number, max: number): number | undefined {
  if (!Number.isInteger(value) || value < min || value > max) {
    p.add(field, `must be an integer between ${min} and ${max}`, value);
    return undefined;
  }
  return value;
}

/** Copies the defined entries of `values` onto `target` (undefined means "leave as it is"). */
export function assignDefined<T extends object>(target: T, values: Partial<Record<keyof T, unknown>>): void {
  for (const [k, v] of Object.entries(values)) if (v !== undefined) (target as Record<string, unknown>)[k] = v;
}
