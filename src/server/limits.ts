import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import type { ParseOptions, ValidationRule } from 'graphql';
import type { RequestContext } from '../common/context.js';
import type { AppOptions } from './app.js';
import { AdmissionControl } from './limits/admission.js';
import { armorProtection } from './limits/armor.js';
import { type LimitConfig, limitConfigFromEnv } from './limits/config.js';
import { limitErrorsPlugin } from './limits/errors.js';
import { batchLimit, bodyLimit, rateLimit } from './limits/http.js';
import { pageSizeRule } from './limits/nodes.js';

export { DEFAULT_LIMITS, LIMIT_SETTINGS, type LimitConfig, limitConfigFromEnv } from './limits/config.js';

export interface RequestLimits {
  /** Express middleware run before Apollo (after authentication). */
  middleware: RequestHandler[];
  plugins: ApolloServerPlugin<RequestContext>[];
  validationRules: ValidationRule[];
  allowBatches: boolean;
  /** For Apollo's `parseOptions`: graphql-js stops parsing at MAX_TOKENS. */
  parseOptions: ParseOptions;
  /** For Apollo's `validationOptions`: graphql-js stops validating at MAX_VALIDATION_ERRORS. */
  validationOptions: { maxErrors: number };
  /** The settings in force (environment, then `AppOptions.limits`). */
  config: LimitConfig;
  /** Requests and nodes in progress and waiting. */
  admission: AdmissionControl;
}

/**
 * The cost of every request is bounded before it runs. In order:
 * 1. rate limit per credential or client address (429),
 * 2. body size (413) and JSON parsing, batches (400),
 * 3. a bounded number of requests in progress, a bounded queue with a timeout (503),
 * 4. in Apollo: token count while parsing, then graphql-armor's depth, aliases, directives and
 *    cost and the literal page sizes as validation rules (at most MAX_VALIDATION_ERRORS
 *    reported), then the node limit on the resolved operation and its variables, then a wait
 *    for room in the nodes in flight (503 after the same timeout).
 * All of them refuse before any resolver (so any SQL) runs, each with its own
 * `extensions.code` (`LimitCode` in limits/errors.ts).
 */
export function requestLimits(opts: AppOptions): RequestLimits {
  const config: LimitConfig = { ...limitConfigFromEnv(), ...stripUndefined(opts.limits ?? {}) };
  const suggestions = Boolean(opts.development);
  const armor = armorProtection(config, { suggestions });
  const admission = new AdmissionControl(config);
  // Note: the ORM's primary ('write') connections: replicas never count.
  const rate = rateLimit(config, { knex: opts.orm.em.getKnex('write') });
  return {
    middleware: [...(rate ? [rate] : []), bodyLimit(config), batchLimit(config), admission.middleware()],
    plugins: [...armor.plugins, admission.plugin(config.maxNodes), limitErrorsPlugin({ suggestions, maxTokens: config.maxTokens })],
    validationRules: [...armor.validationRules, pageSizeRule],
    allowBatches: config.allowBatches,
    parseOptions: { maxTokens: config.maxTokens },
    validationOptions: { maxErrors: config.maxValidationErrors },
    config,
    admission,
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
