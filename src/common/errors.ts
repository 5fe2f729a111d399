import { GraphQLError } from 'graphql';
import type { Problem as RuleProblem } from './rules.js';

/** One broken rule on one input field, e.g. `{ field: 'input.code', rule: 'must be 9 digits' }`. */
export interface InputProblem {
  field: string;
  rule: string;
  value?: unknown;
}

/** Invalid input: names every failing field and its rule (first one also at top level of `extensions`). */
export class BadInputError extends GraphQLError {
  constructor(problems: InputProblem[]) {
    const [first] = problems;
    const message = problems.map((p) => `${p.field}: ${p.rule}`).join('; ');
    super(`Invalid input: ${message}`, {
      extensions: { code: 'BAD_USER_INPUT', field: first?.field, rule: first?.rule, problems },
    });
  }
}

/** A record named by its natural key does not exist. */
export class NotFoundError extends GraphQLError {
  constructor(kind: string, key: string, field?: string) {
    super(`${kind} ${key} not found`, { extensions: { code: 'NOT_FOUND', kind, key, field } });
  }
}

/** The change collides with existing data: a duplicate natural key, or a record still referenced. */
export class ConflictError extends GraphQLError {
  constructor(message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code: 'CONFLICT', ...extra } });
  }
}

/**
 * Collects problems so one request reports all of them at once.
 * `check(cond, field, rule)` records a problem when `cond` is false.
 */
export class ProblemList {
  readonly problems: InputProblem[] = [];
  /** Collisions with existing records (duplicate natural keys): CONFLICT, once the input itself is valid. */
  readonly conflicts: InputProblem[] = [];

  /** Records a collision with an existing record when `free` is false. */
  conflict(free: boolean, field: string, rule: string, value?: unknown): void {
    if (!free) this.conflicts.push(value === undefined ? { field, rule } : { field, rule, value });
  }

  /** Records the problems of a record's rules (src/<kind>/<kind>.rules.ts), each field under `prefix` (`input.`). */
  addAll(problems: readonly RuleProblem[], prefix = 'input.'): void {
    for (const p of problems) this.add(prefix + p.field, p.rule, p.value);
  }

  add(field: string, rule: string, value?: unknown): void {
    this.problems.push(value === undefined ? { field, rule } : { field, rule, value });
  }

  check(ok: boolean, field: string, rule: string, value?: unknown): void {
    if (!ok) this.add(field, rule, value);
  }

  /** Runs `fn`, turning a thrown error into a problem on `field`; returns its result or undefined. */
  attempt<T>(field: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      this.add(field, (e as Error).message);
      return undefined;
    }
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw new BadInputError(this.problems);
    const [first] = this.conflicts;
    if (first) {
      throw new ConflictError(`Conflict: ${this.conflicts.map((c) => `${c.field}: ${c.rule}`).join('; ')}`, {
        field: first.field,
        rule: first.rule,
        problems: this.conflicts,
      });
    }
  }
}
