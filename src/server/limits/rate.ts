import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';

/** What the rate limit says about one request. */
export interface RateDecision {
  allowed: boolean;
  /** Requests the caller has left in its window. */
  remaining: number;
  /** Milliseconds until its window ends. */
  msBeforeNext: number;
}

/**
 * Counts requests per key through a rate-limiter-flexible limiter with at most one counting call per
 * key in flight in this process: the requests of the same caller that arrive meanwhile wait for it
 * and are then counted together by one call (`+k`), each given its own place in the count. The
 * count stays exact (each request is the n-th of its window, as if counted alone), while a busy
 * caller costs one statement per round trip to the store rather than one per request.
 */
export class CoalescingRateLimiter {
  private readonly queued = new Map<string, ((d: RateDecision | Error) => void)[]>();
  private readonly busy = new Set<string>();
  /** Calls made to the underlying limiter (statements, for a store): at most one per request. */
  calls = 0;

  constructor(
    private readonly limiter: RateLimiterAbstract,
    private readonly points: number,
  ) {}

  consume(key: string): Promise<RateDecision> {
    return new Promise((resolve, reject) => {
      const waiting = this.queued.get(key) ?? [];
      waiting.push((d) => (d instanceof Error ? reject(d) : resolve(d)));
      this.queued.set(key, waiting);
      if (!this.busy.has(key)) this.count(key);
    });
  }

  private count(key: string): void {
    const waiters = this.queued.get(key);
    if (!waiters) return;
    this.queued.delete(key);
    this.busy.add(key);
    const k = waiters.length;
    this.calls++;
    const settle = (r: RateLimiterRes, refused: boolean) => {
      // Note: a refusal without a count over the limit comes from the limiter's memory (the caller
      // is blocked in this process until its window ends): nothing was counted, all are refused.
      const total = r.consumedPoints;
      const blocked = refused && total <= this.points;
      waiters.forEach((w, i) => {
        const nth = total - k + 1 + i;
        w({ allowed: !blocked && nth <= this.points, remaining: blocked ? 0 : Math.max(0, this.points - nth), msBeforeNext: r.msBeforeNext });
      });
    };
    this.limiter
      .consume(key, k)
      .then(
        (r) => settle(r, false),
        (e: unknown) => {
          if (e instanceof RateLimiterRes) settle(e, true);
          else for (const w of waiters) w(e instanceof Error ? e : new Error(String(e)));
        },
      )
      .finally(() => {
        this.busy.delete(key);
        if (this.queued.has(key)) this.count(key);
      });
  }
}
