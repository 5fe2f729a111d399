import type { Principal } from '../auth/principal.js';

/** What our middleware attaches to an Express request. */
declare module 'express-serve-static-core' {
  interface Request {
    /** Set by authentication; absent when the request carries no credential. */
    principal?: Principal;
    /** Set by the HTTP guards: `X-Request-Id` if the client sent a sane one, else a new UUID. */
    requestId?: string;
  }
}

export {};
