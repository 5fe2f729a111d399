import cors from 'cors';
import type { RequestHandler } from 'express';

/** Methods a browser may use across origins. */
export const CORS_METHODS = ['GET', 'POST', 'OPTIONS'];
/** Request headers a browser may send across origins (besides the CORS-safelisted ones). */
export const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'X-Request-Id', 'apollo-require-preflight', 'X-Apollo-Operation-Name'];
/** Response headers a browser script may read. */
export const CORS_EXPOSED_HEADERS = ['X-Request-Id', 'Retry-After'];

/**
 * Checks CORS_ORIGINS entries: `*` alone, or origins `scheme://host[:port]` (a trailing `/` is
 * dropped). Throws on anything else, so a typo never silently opens or closes the API.
 */
export function parseCorsOrigins(entries: readonly string[]): string[] {
  const origins = entries.map((e) => e.trim()).filter((e) => e !== '');
  if (origins.includes('*')) {
    if (origins.length > 1) throw new Error(`CORS_ORIGINS: '*' cannot be combined with other origins`);
    return ['*'];
  }
  return [
    ...new Set(
      origins.map((entry) => {
        const bare = entry.replace(/\/$/, '');
        let origin: string | undefined;
        try {
          origin = new URL(bare).origin;
        } catch {
          origin = undefined;
        }
        if (!origin || origin === 'null' || origin !== bare.toLowerCase()) {
          throw new Error(`CORS_ORIGINS: '${entry}' is not an origin (scheme://host[:port], e.g. https://portal.example.gov.cn)`);
        }
        return origin;
      }),
    ),
  ];
}

/**
 * CORS for the configured origins. `*` lets any origin read, never with credentials; a list lets
 * those origins read with credentials. Requests from other origins get no CORS headers (the
 * browser then refuses the response). Every OPTIONS request is answered here with 204.
 */
export function corsGuard(origins: readonly string[], maxAgeSeconds: number): RequestHandler[] {
  const anyOrigin = origins.includes('*');
  const allowed = new Set(origins);
  const common = {
    methods: CORS_METHODS,
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: maxAgeSeconds,
    optionsSuccessStatus: 204,
  };
  const handlers: RequestHandler[] = [];
  if (anyOrigin) {
    handlers.push(cors({ ...common, origin: '*', credentials: false }));
  } else if (allowed.size > 0) {
    // Note: Vary: Origin on every answer, so a cache never hands one origin's answer to another.
    handlers.push((_req, res, next) => {
      res.vary('Origin');
      next();
    });
    handlers.push(
      cors((req, callback) => {
        const origin = req.headers.origin;
        if (origin && allowed.has(origin)) callback(null, { ...common, origin, credentials: true });
        else callback(null, { origin: false });
      }),
    );
  }
  handlers.push((req, res, next) => {
    if (req.method !== 'OPTIONS') return next();
    res.setHeader('Allow', CORS_METHODS.join(', '));
    res.status(204).end();
  });
  return handlers;
}
