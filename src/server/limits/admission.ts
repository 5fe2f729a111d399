import { AsyncLocalStorage } from 'node:async_hooks';
import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import type { RequestHandler, Response } from 'express';
import type { RequestContext } from '../../common/context.js';
import type { LimitConfig } from './config.js';
import { LimitCode, LimitError, refuse } from './errors.js';
import { countNodes, pageSizeError } from './nodes.js';

/** Seconds a client refused for overload is asked to wait. */
export const OVERLOAD_RETRY_AFTER_S = 2;

/** What the admission of one HTTP request knows, visible to the Apollo plugin through AsyncLocalStorage. */
interface Admission {
  /** Time (performance.now()) by which the request must be executing, or be refused. */
  deadline: number;
  res: Response;
}
const current = new AsyncLocalStorage<Admission>();

function overloadedMessage(why: string): string {
  return `Server busy: ${why}; retry in ${OVERLOAD_RETRY_AFTER_S} s.`;
}

/**
 * Bounds the work in progress so memory stays bounded whatever the number of clients:
 *
 * 1. HTTP: at most MAX_CONCURRENT_REQUESTS requests are past this point at once (from body
 *    parsed to response written: a slot is held until the response is handed to the OS, so
 *    unread responses of slow clients cannot pile up in memory); up to QUEUE_MAX more wait in
 *    arrival order. Beyond that, 503 at once.
 * 2. Execution: the node estimate of an operation (see nodes.ts) is its weight; operations run
 *    while the weights of those running fit in MAX_NODES_IN_FLIGHT (one runs alone whatever its
 *    weight). A result of 40,000 nodes takes ~150 MiB of heap while graphql-js builds it, so this
 *    is what keeps 200 concurrent heavy requests under 600 MiB; small ones still pass alongside.
 *
 * A request waits at most QUEUE_TIMEOUT_MS in total (both queues), then gets 503 OVERLOADED with
 * `Retry-After`.
 */
export class AdmissionControl {
  private active = 0;
  private readonly waiting: { admit: () => void }[] = [];
  private nodesInFlight = 0;
  private executing = 0;
  private readonly budgetQueue: { weight: number; admit: () => void }[] = [];

  constructor(private readonly limits: Pick<LimitConfig, 'maxConcurrent' | 'queueMax' | 'queueTimeoutMs' | 'maxNodesInFlight'>) {}

  /** Requests past the HTTP gate, waiting for it, executing, and their node weight (for tests and monitoring). */
  get load(): { active: number; waiting: number; executing: number; nodesInFlight: number; waitingForNodes: number } {
    return {
      active: this.active,
      waiting: this.waiting.length,
      executing: this.executing,
      nodesInFlight: this.nodesInFlight,
      waitingForNodes: this.budgetQueue.length,
    };
  }

  /** The HTTP gate (Express middleware, after body parsing). */
  middleware(): RequestHandler {
    return (_req, res, next) => {
      const admission: Admission = { deadline: performance.now() + this.limits.queueTimeoutMs, res };
      let state: 'waiting' | 'running' | 'done' = 'waiting';
      let timer: NodeJS.Timeout | undefined;
      const entry = {
        admit: () => {
          clearTimeout(timer);
          if (state !== 'waiting') return;
          state = 'running';
          this.active++;
          current.run(admission, next);
        },
      };
      const release = () => {
        if (state === 'running') {
          state = 'done';
          this.active--;
          this.waiting.shift()?.admit();
        } else if (state === 'waiting') {
          state = 'done';
          clearTimeout(timer);
          const i = this.waiting.indexOf(entry);
          if (i >= 0) this.waiting.splice(i, 1);
        }
      };
      res.once('finish', release);
      res.once('close', release);
      if (this.active < this.limits.maxConcurrent) return entry.admit();
      const overloaded = (why: string) =>
        refuse(res, 503, LimitCode.OVERLOADED, overloadedMessage(why), {
          headers: { 'Retry-After': String(OVERLOAD_RETRY_AFTER_S) },
          extensions: { retryAfter: OVERLOAD_RETRY_AFTER_S },
        });
      if (this.waiting.length >= this.limits.queueMax) {
        state = 'done';
        return overloaded(`${this.limits.maxConcurrent} requests running and ${this.limits.queueMax} waiting`);
      }
      this.waiting.push(entry);
      timer = setTimeout(() => {
        if (state !== 'waiting') return;
        release();
        overloaded(`no slot became free within ${this.limits.queueTimeoutMs} ms`);
      }, this.limits.queueTimeoutMs);
    };
  }

  /**
   * Waits until an operation of `weight` nodes may execute; resolves to its release function
   * (idempotent). Refuses with OVERLOADED (503) when the deadline passes first.
   */
  acquireNodes(weight: number, deadline: number): Promise<() => void> {
    const w = Math.max(1, Math.min(weight, this.limits.maxNodesInFlight));
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.nodesInFlight -= w;
      this.executing--;
      this.pumpBudget();
    };
    const start = () => {
      this.nodesInFlight += w;
      this.executing++;
      return release;
    };
    // Note: first fit, as when admitting from the queue: a small operation need not wait behind a
    // large one that does not fit yet (the large one's wait is bounded by its deadline).
    if (this.fits(w)) return Promise.resolve(start());
    return new Promise((resolve, reject) => {
      const entry = {
        weight: w,
        admit: () => {
          clearTimeout(timer);
          resolve(start());
        },
      };
      const timer = setTimeout(
        () => {
          const i = this.budgetQueue.indexOf(entry);
          if (i >= 0) this.budgetQueue.splice(i, 1);
          reject(
            new LimitError(LimitCode.OVERLOADED, overloadedMessage(`no room for a query of ${weight} nodes within ${this.limits.queueTimeoutMs} ms`), {
              retryAfter: OVERLOAD_RETRY_AFTER_S,
              http: { status: 503, headers: new HeaderMap([['retry-after', String(OVERLOAD_RETRY_AFTER_S)]]) },
            }),
          );
        },
        Math.max(0, deadline - performance.now()),
      );
      this.budgetQueue.push(entry);
    });
  }

  private fits(w: number): boolean {
    return this.executing === 0 || this.nodesInFlight + w <= this.limits.maxNodesInFlight;
  }

  /** Admits waiting operations that fit, oldest first (a small one may pass a large one that does not fit yet). */
  private pumpBudget(): void {
    for (let i = 0; i < this.budgetQueue.length;) {
      const entry = this.budgetQueue[i];
      if (this.fits(entry.weight)) {
        this.budgetQueue.splice(i, 1);
        entry.admit();
      } else {
        i++;
      }
    }
  }

  /**
   * The Apollo side: refuses operations over MAX_NODES or with page sizes out of range (before
   * any resolver, so before any SQL), then waits for room in MAX_NODES_IN_FLIGHT. The room is given
   * back when the response is ready (or the connection closes).
   */
  plugin(maxNodes: number): ApolloServerPlugin<RequestContext> {
    // Note: `this` inside the hooks below is the hooks object, so the admission is reached through arrows.
    const acquire = (weight: number, deadline: number | undefined) => this.acquireNodes(weight, deadline ?? performance.now() + this.limits.queueTimeoutMs);
    return {
      async requestDidStart() {
        let release: (() => void) | undefined;
        return {
          async didResolveOperation({ schema, document, operation, request }) {
            if (!operation) return;
            const { nodes, badPageSizes } = countNodes(schema, document, operation, (request.variables ?? {}) as Record<string, unknown>);
            if (badPageSizes.length > 0) throw pageSizeError(badPageSizes);
            if (nodes > BigInt(maxNodes)) {
              throw new LimitError(
                LimitCode.QUERY_TOO_LARGE,
                `Query too large: its connections may return up to ${nodes} nodes (page sizes multiplied along nested connections, summed), the limit is ${maxNodes}. Ask for smaller pages or fewer nested connections.`,
                { nodes: Number(nodes), limit: maxNodes },
              );
            }
            const http = current.getStore();
            release = await acquire(Number(nodes), http?.deadline);
            http?.res.once('close', release);
          },
          async willSendResponse() {
            release?.();
          },
        };
      },
    };
  }
}
