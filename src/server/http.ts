import express, { type Router } from 'express';
import helmet from 'helmet';
import type { DestinationStream } from 'pino';
import type { AppOptions } from './app.js';
import { corsGuard, parseCorsOrigins } from './http-cors.js';
import { requestLogger } from './http-log.js';
import { createLogger, type Logger, type LogLevel, parseLogLevel } from './logging.js';

export { httpErrorHandler, notFoundHandler } from './http-errors.js';
export { operationNamePlugin } from './http-log.js';

/** HTTP settings (from the environment unless overridden). */
export interface HttpConfig {
  /** Origins allowed to call the API from a browser (CORS_ORIGINS, comma-separated; none by default; `*` any, without credentials). */
  corsOrigins: string[];
  /** How long a browser may cache a preflight answer, in seconds (600). */
  corsMaxAgeSeconds: number;
  /** LOG_LEVEL (default `info`). */
  logLevel: LogLevel;
  /** Where log lines go instead of stdout (tests capture them here). */
  logDestination?: DestinationStream;
  /** A logger to use as it is (then logLevel and logDestination are not used). */
  logger?: Logger;
}

/** HTTP settings from the environment: CORS_ORIGINS and LOG_LEVEL. Throws on a value it cannot use. */
export function httpConfigFromEnv(env: NodeJS.ProcessEnv = process.env): HttpConfig {
  return {
    corsOrigins: parseCorsOrigins((env.CORS_ORIGINS ?? '').split(',')),
    corsMaxAgeSeconds: 600,
    logLevel: parseLogLevel(env.LOG_LEVEL),
  };
}

/** The environment's settings with the app's overrides applied and checked. */
export function resolveHttpConfig(opts: Pick<AppOptions, 'http'>): HttpConfig {
  const config = { ...httpConfigFromEnv(), ...opts.http };
  return { ...config, corsOrigins: parseCorsOrigins(config.corsOrigins) };
}

/**
 * Request id and log line, security headers and CORS, for every route (mounted first).
 * Install {@link notFoundHandler} and {@link httpErrorHandler} last, and {@link operationNamePlugin}
 * in Apollo, to complete it.
 */
export function httpGuards(opts: Pick<AppOptions, 'http'>): Router {
  const config = resolveHttpConfig(opts);
  const logger = config.logger ?? createLogger({ level: config.logLevel, destination: config.logDestination });
  const router = express.Router();
  router.use(requestLogger(logger));
  router.use(
    helmet({
      contentSecurityPolicy: {
        // Note: a JSON API, and later HTML pages of our own (playground, dashboard) that load only
        // same-origin scripts. No https: wildcard for styles or fonts; no upgrade-insecure-requests,
        // which would break those pages when the API is reached over plain HTTP on a LAN.
        directives: {
          'default-src': ["'self'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'font-src': ["'self'", 'data:'],
          'frame-ancestors': ["'self'"],
          'upgrade-insecure-requests': null,
        },
      },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  router.use(...corsGuard(config.corsOrigins, config.corsMaxAgeSeconds));
  return router;
}
