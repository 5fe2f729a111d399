import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Levels LOG_LEVEL accepts, most to least verbose (`silent` logs nothing). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Checks a LOG_LEVEL value; undefined or empty gives `info`. */
export function parseLogLevel(value: string | undefined): LogLevel {
  const level = (value ?? '').trim().toLowerCase();
  if (level === '') return 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new Error(`LOG_LEVEL: '${value}' is not one of ${LOG_LEVELS.join(', ')}`);
  }
  return level as LogLevel;
}

export interface LoggerOptions {
  /** Default: LOG_LEVEL, else `info`. */
  level?: LogLevel;
  /** Where JSON lines go; default stdout. */
  destination?: DestinationStream;
}

/**
 * The registry's structured logger: one JSON object per line (pino).
 * Errors are logged by type, message and stack only (never their other properties: a body-parser
 * error carries the raw request body), and the usual places of secrets are redacted should
 * anyone ever log a request or its headers.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const settings: pino.LoggerOptions = {
    level: options.level ?? parseLogLevel(process.env.LOG_LEVEL),
    serializers: { err: serializeError },
    redact: {
      paths: [
        'authorization',
        'cookie',
        'body',
        'variables',
        '*.authorization',
        '*.cookie',
        '*.body',
        '*.variables',
        '*.headers.authorization',
        '*.headers.cookie',
      ],
      censor: '[redacted]',
    },
  };
  // Note: pino's default destination writes stdout synchronously, so no line is lost on exit.
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/** What of an error may be logged: its class, code, message and stack (idempotent). */
export function serializeError(error: unknown): { type: string; code?: string; message: string; stack?: string } {
  if (typeof error !== 'object' || error === null) return { type: typeof error, message: String(error) };
  const e = error as { type?: unknown; code?: unknown; message?: unknown; stack?: unknown };
  const type = error instanceof Error ? (error.constructor?.name ?? 'Error') : typeof e.type === 'string' ? e.type : 'Object';
  return {
    type,
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    message: typeof e.message === 'string' ? e.message : String(error),
    ...(typeof e.stack === 'string' ? { stack: e.stack } : {}),
  };
}
