/** Where `/metrics` is served and who may read it (from the environment unless overridden). */
export interface MetricsConfig {
  /** A listener of its own for `/metrics` (METRICS_PORT; unset: none). 0 picks a free port (tests). */
  port?: number;
  /** Interface of that listener (METRICS_HOST, default 127.0.0.1: this machine only). */
  host: string;
  /**
   * A bearer key for `/metrics` (METRICS_KEY, at least 16 characters). Set: `/metrics` is also served
   * on the public port, to `Authorization: Bearer <key>` only, and the metrics listener asks for it
   * too. Unset: the public port has no `/metrics` (404).
   */
  key?: string;
  /** Operation names counted under their own label besides those of queries/ (METRICS_MAX_OPERATIONS, default 100); more: `other`. */
  maxOperationNames: number;
}

export const DEFAULT_MAX_OPERATION_NAMES = 100;

/** Reads METRICS_PORT, METRICS_HOST, METRICS_KEY and METRICS_MAX_OPERATIONS; a value it cannot use stops the start. */
export function metricsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): MetricsConfig {
  const config: MetricsConfig = { host: env.METRICS_HOST?.trim() || '127.0.0.1', maxOperationNames: DEFAULT_MAX_OPERATION_NAMES };
  const port = env.METRICS_PORT?.trim();
  if (port) {
    if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) throw new Error(`METRICS_PORT must be a port number (1–65535), got "${port}"`);
    config.port = Number(port);
  }
  const key = env.METRICS_KEY?.trim();
  if (key) config.key = key;
  const max = env.METRICS_MAX_OPERATIONS?.trim();
  if (max) {
    if (!/^\d{1,6}$/.test(max)) throw new Error(`METRICS_MAX_OPERATIONS must be a whole number, got "${max}"`);
    config.maxOperationNames = Number(max);
  }
  return config;
}

/** The environment's settings with the app's overrides, checked. */
export function resolveMetricsConfig(overrides: Partial<MetricsConfig> = {}): MetricsConfig {
  const config = { ...metricsConfigFromEnv(), ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) } as MetricsConfig;
  if (config.key !== undefined && (config.key.length < 16 || /\s/.test(config.key))) {
    throw new Error('METRICS_KEY must be at least 16 characters without spaces (e.g. `openssl rand -base64 32`)');
  }
  if (config.port !== undefined && config.key === undefined && !isLoopback(config.host)) {
    throw new Error(`METRICS_HOST=${config.host} opens /metrics beyond this machine: set METRICS_KEY too (or leave METRICS_HOST at 127.0.0.1)`);
  }
  return config;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Metrics are collected only when something can read them: a metrics port or a key. */
export function metricsEnabled(config: MetricsConfig): boolean {
  return config.port !== undefined || config.key !== undefined;
}
