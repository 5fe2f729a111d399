/**
 * Request limits: every setting, its environment variable and its default, in one table.
 * README's "Limits" section lists the same rows (a test compares them).
 */
export interface LimitConfig {
  /** Largest request body in KiB (MAX_BODY_KB). */
  maxBodyKb: number;
  /** Accept a JSON array of operations in one request (ALLOW_BATCHES). */
  allowBatches: boolean;
  /** Most operations in one batch when batches are allowed (MAX_BATCH). */
  maxBatch: number;
  /** Deepest selection, fragments flattened (MAX_DEPTH). */
  maxDepth: number;
  /** Most aliases in one operation (MAX_ALIASES). */
  maxAliases: number;
  /** Most lexical tokens in one document (MAX_TOKENS). */
  maxTokens: number;
  /** Most directives in one operation (MAX_DIRECTIVES). */
  maxDirectives: number;
  /** Highest graphql-armor cost of one operation (MAX_COST). */
  maxCost: number;
  /** Most nodes the connections of one operation may return: product of page sizes along each path, summed (MAX_NODES). */
  maxNodes: number;
  /** Most validation errors reported for one request (MAX_VALIDATION_ERRORS). */
  maxValidationErrors: number;
  /** Requests per minute per credential, or per client address when anonymous; 0 turns it off (RATE_LIMIT_PER_MINUTE). */
  ratePerMinute: number;
  /** GraphQL requests processed at the same time (MAX_CONCURRENT_REQUESTS). */
  maxConcurrent: number;
  /** Requests waiting for a free slot; beyond that 503 (QUEUE_MAX). */
  queueMax: number;
  /** Longest wait for a slot in milliseconds; then 503 (QUEUE_TIMEOUT_MS). */
  queueTimeoutMs: number;
  /** Most nodes (as MAX_NODES counts them) of the operations executing at once; one runs alone whatever its size (MAX_NODES_IN_FLIGHT). */
  maxNodesInFlight: number;
}

export interface LimitSetting {
  key: keyof LimitConfig;
  env: string;
  default: number | boolean;
  /** Smallest allowed value (numbers only). */
  min?: number;
}

/**
 * Defaults. Why these numbers:
 * - The query-shape limits (depth, aliases, tokens, directives, cost) are at least 2× what the
 *   queries in queries/ (F1–F11, Q01–Q12), the README examples and a full introspection query need
 *   (test/limits.test.ts measures them); the measured maxima are in README.
 * - MAX_TOKENS 1,000: graphql-js' overlapping-fields check is quadratic in repeated fields;
 *   1,000 tokens keep the worst document at ~0.1 s of validation (2,000: ~0.5 s).
 * - MAX_COST 500,000: armor's cost multiplies by literal page sizes and by 1.5 per level, so a
 *   plain dashboard (100 areas × 10 projects with host, investors, stages: 1,100 nodes) already
 *   costs 133,000; 500,000 is about 10 per node at MAX_NODES and refuses wide-and-deep pages
 *   such as 100 areas × 100 children × two levels of parents (898,000).
 * - MAX_NODES is issue 8's figure (GitHub uses 500,000 for far larger rows).
 * - MAX_BODY_KB 100: the largest shipped query is under 1 KiB; imports go through the CLI.
 * - 600 requests a minute is ten a second, sustained, per caller: far more than a portal's
 *   users click, small enough that one caller cannot monopolise the API.
 * - 16 concurrent requests on a 2-core machine keep PostgreSQL (10 pooled connections) busy
 *   without holding more than 16 large results in memory; 64 more may wait up to 10 s.
 */
export const LIMIT_SETTINGS: readonly LimitSetting[] = [
  { key: 'maxBodyKb', env: 'MAX_BODY_KB', default: 100, min: 1 },
  { key: 'allowBatches', env: 'ALLOW_BATCHES', default: false },
  { key: 'maxBatch', env: 'MAX_BATCH', default: 10, min: 1 },
  { key: 'maxDepth', env: 'MAX_DEPTH', default: 12, min: 1 },
  { key: 'maxAliases', env: 'MAX_ALIASES', default: 15, min: 0 },
  { key: 'maxTokens', env: 'MAX_TOKENS', default: 1000, min: 1 },
  { key: 'maxDirectives', env: 'MAX_DIRECTIVES', default: 10, min: 0 },
  { key: 'maxCost', env: 'MAX_COST', default: 500_000, min: 1 },
  { key: 'maxNodes', env: 'MAX_NODES', default: 50_000, min: 1 },
  { key: 'maxValidationErrors', env: 'MAX_VALIDATION_ERRORS', default: 20, min: 1 },
  { key: 'ratePerMinute', env: 'RATE_LIMIT_PER_MINUTE', default: 600, min: 0 },
  { key: 'maxConcurrent', env: 'MAX_CONCURRENT_REQUESTS', default: 16, min: 1 },
  { key: 'queueMax', env: 'QUEUE_MAX', default: 64, min: 0 },
  { key: 'queueTimeoutMs', env: 'QUEUE_TIMEOUT_MS', default: 10_000, min: 1 },
  { key: 'maxNodesInFlight', env: 'MAX_NODES_IN_FLIGHT', default: 50_000, min: 1 },
];

export const DEFAULT_LIMITS: LimitConfig = Object.fromEntries(LIMIT_SETTINGS.map((s) => [s.key, s.default])) as unknown as LimitConfig;

/**
 * Reads the limits from the environment (unset or empty: the default). A value that is not a
 * whole number in range (or `true`/`false` for ALLOW_BATCHES) stops the start with a message
 * naming the variable: a typo must not silently remove a limit.
 */
export function limitConfigFromEnv(env: NodeJS.ProcessEnv = process.env): LimitConfig {
  const config: Record<string, number | boolean> = {};
  for (const s of LIMIT_SETTINGS) {
    const raw = env[s.env]?.trim();
    if (raw === undefined || raw === '') {
      config[s.key] = s.default;
    } else if (typeof s.default === 'boolean') {
      if (!/^(true|false|1|0)$/i.test(raw)) throw new Error(`${s.env} must be true or false, got "${raw}"`);
      config[s.key] = /^(true|1)$/i.test(raw);
    } else {
      const min = s.min ?? 0;
      if (!/^\d{1,12}$/.test(raw.replace(/_/g, '')) || Number(raw.replace(/_/g, '')) < min) {
        throw new Error(`${s.env} must be a whole number of at least ${min}, got "${raw}"`);
      }
      config[s.key] = Number(raw.replace(/_/g, ''));
    }
  }
  return config as unknown as LimitConfig;
}
