import net from 'node:net';
import express, { type Request, type RequestHandler } from 'express';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterPostgres } from 'rate-limiter-flexible';
import type { LimitConfig } from './config.js';
import { LimitCode, refuse } from './errors.js';
import { CoalescingRateLimiter, type RateDecision } from './rate.js';

/**
 * JSON body parsing bounded by MAX_BODY_KB. A body announced (Content-Length) or found to be
 * larger is refused with 413 PAYLOAD_TOO_LARGE before it is read further; the limit applies to the
 * decompressed bytes of a gzip/deflate/br body, so a compression bomb stops there too. Its errors
 * (too large, not JSON, unreadable) go to the app's JSON error handler (http-errors.ts).
 */
export function bodyLimit(limits: LimitConfig): RequestHandler {
  return express.json({ limit: limits.maxBodyKb * 1024 });
}

/** A JSON array body is a batch: refused unless ALLOW_BATCHES, and then at most MAX_BATCH operations. */
export function batchLimit(limits: LimitConfig): RequestHandler {
  return (req, res, next) => {
    if (!Array.isArray(req.body)) return next();
    if (!limits.allowBatches) {
      return refuse(res, 400, LimitCode.BATCH_NOT_ALLOWED, 'Batched requests (a JSON array of operations) are not accepted: send one operation per request.');
    }
    if (req.body.length > limits.maxBatch) {
      return refuse(res, 400, LimitCode.BATCH_NOT_ALLOWED, `Too many operations in one batch: ${req.body.length} (the limit is ${limits.maxBatch}).`, {
        extensions: { limit: limits.maxBatch, found: req.body.length },
      });
    }
    next();
  };
}

/**
 * Who a request counts against: its credential when authenticated, else its client address.
 * IPv6 clients count per /64 (one machine usually holds a whole /64).
 */
export function rateKey(req: Pick<Request, 'ip' | 'principal'> & { socket?: { remoteAddress?: string } }): string {
  if (req.principal?.id) return `credential:${req.principal.id}`;
  let ip = req.ip ?? req.socket?.remoteAddress ?? 'unknown';
  if (ip.startsWith('::ffff:') && net.isIPv4(ip.slice(7))) ip = ip.slice(7);
  if (net.isIPv6(ip)) return `ip6:${expandIPv6(ip).slice(0, 4).join(':')}::/64`;
  return `ip:${ip}`;
}

function expandIPv6(ip: string): string[] {
  const [head, tail = ''] = ip.split('%')[0].split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') ? (tail ? tail.split(':') : []) : [];
  const middle = Array(Math.max(0, 8 - left.length - right.length)).fill('0');
  return [...left, ...middle, ...right].map((h) => h.toLowerCase().replace(/^0+(?=.)/, ''));
}

/** Where the rate limit's counters live: the `rate_limit` table, through this knex (the ORM's pool). */
export interface RateLimitStore {
  knex: unknown;
}

/** The table the counters live in (created by Migration20261201080000_rate_limit, unlogged). */
export const RATE_LIMIT_TABLE = 'rate_limit';

/**
 * The counter behind {@link rateLimit}: `points` a minute per key, in the `rate_limit` table through
 * `store` (in memory when the store fails, or without one), a caller's concurrent requests counted by one upsert.
 */
export function rateCounter(points: number, store?: RateLimitStore): CoalescingRateLimiter {
  const memory = new RateLimiterMemory({ points, duration: 60 });
  const limiter: RateLimiterAbstract = store
    ? new RateLimiterPostgres({
        storeClient: store.knex,
        storeType: 'knex',
        tableName: RATE_LIMIT_TABLE,
        tableCreated: true,
        points,
        duration: 60,
        inMemoryBlockOnConsumed: points + 1,
        insuranceLimiter: memory,
      })
    : memory;
  return new CoalescingRateLimiter(limiter, points);
}

/**
 * RATE_LIMIT_PER_MINUTE requests per minute per credential (or client address), counted in
 * PostgreSQL (`rate_limit`, an atomic upsert), so every API process on the database shares one
 * count: N replicas allow the limit, not N× it. One upsert per request, except that requests of a
 * caller arriving while its upsert is in flight are counted together by the next one
 * ({@link CoalescingRateLimiter}: exact, and cheaper under a busy caller). A caller over the limit is then
 * refused from this process's memory until its window ends (no more statements for it here).
 * When the database cannot count (it is down), this process counts on its own in memory until it
 * can again. Without a store (tests of the limiter alone) it counts in memory. Refusals are 429
 * with `Retry-After`; every answer carries `RateLimit-Limit/-Remaining/-Reset`.
 */
export function rateLimit(limits: LimitConfig, store?: RateLimitStore): RequestHandler | null {
  if (limits.ratePerMinute <= 0) return null;
  const counter = rateCounter(limits.ratePerMinute, store);
  const headers = (d: RateDecision) => ({
    'RateLimit-Limit': String(limits.ratePerMinute),
    'RateLimit-Remaining': String(d.remaining),
    'RateLimit-Reset': String(Math.ceil(d.msBeforeNext / 1000)),
  });
  // Note: the promise is returned so that Express 5 routes anything thrown here to the error handler.
  return (req, res, next) =>
    counter.consume(rateKey(req)).then((d) => {
      if (d.allowed) {
        for (const [name, value] of Object.entries(headers(d))) res.setHeader(name, value);
        return next();
      }
      const retry = Math.max(1, Math.ceil(d.msBeforeNext / 1000));
      refuse(res, 429, LimitCode.RATE_LIMITED, `Too many requests: the limit is ${limits.ratePerMinute} a minute; retry in ${retry} s.`, {
        headers: { ...headers(d), 'Retry-After': String(retry) },
        extensions: { limit: limits.ratePerMinute, retryAfter: retry },
      });
    }, next);
}
