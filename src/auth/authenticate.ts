import type { RequestHandler, Response } from 'express';
import type { AppOptions } from '../server/app.js';
import { type JwtConfig, jwtConfigFromEnv, jwtVerifier, type TokenCheck } from './jwt.js';
import { looksLikeKey, principalForKey } from './keys.js';

/** Authentication settings (from the environment unless overridden). */
export interface AuthConfig {
  /** Anonymous requests may read (ANONYMOUS_READ, default true; `false` requires a credential for everything). */
  anonymousRead: boolean;
  jwt: JwtConfig;
}

export function authConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  return { anonymousRead: env.ANONYMOUS_READ !== 'false', jwt: jwtConfigFromEnv(env) };
}

function refuse(res: Response, status: number, code: string, message: string): void {
  if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="registry"');
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/**
 * Reads `Authorization: Bearer <token>`: an API key of the registry (`yhr_…`) or a JWT of the
 * district's identity provider. A valid one attaches the caller to the request; an invalid,
 * revoked or expired one is refused with 401 UNAUTHENTICATED (never treated as anonymous).
 */
export async function authentication(opts: AppOptions): Promise<RequestHandler> {
  const defaults = authConfigFromEnv();
  const config: AuthConfig = { ...defaults, ...opts.auth, jwt: { ...defaults.jwt, ...opts.auth?.jwt } };
  const verifyJwt = await jwtVerifier(config.jwt);
  return async (req, res, next) => {
    const header = req.headers.authorization;
    if (header === undefined || header.trim() === '') {
      if (config.anonymousRead) return next();
      return refuse(res, 401, 'UNAUTHENTICATED', 'Unauthenticated: this registry requires a credential (Authorization: Bearer <API key or token>)');
    }
    const match = /^Bearer +([A-Za-z0-9._~+/=-]{1,4096})\s*$/i.exec(header);
    if (!match) return refuse(res, 401, 'UNAUTHENTICATED', 'Unauthenticated: the Authorization header must be "Bearer <API key or token>"');
    const token = match[1]!;
    let check: TokenCheck;
    try {
      if (looksLikeKey(token)) check = await principalForKey(opts.orm.em.fork(), token);
      else if (verifyJwt && token.split('.').length === 3) check = await verifyJwt(token);
      else check = { refused: verifyJwt ? 'the credential is neither an API key nor a token' : 'unknown API key' };
    } catch {
      return refuse(res, 503, 'SERVICE_UNAVAILABLE', 'Service unavailable: credentials cannot be checked right now; try again shortly');
    }
    if ('refused' in check) return refuse(res, 401, 'UNAUTHENTICATED', `Unauthenticated: ${check.refused}`);
    req.principal = check.principal;
    next();
  };
}
