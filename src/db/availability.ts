import type { MikroORM } from '@mikro-orm/postgresql';
import { databaseErrorKind } from './errors.js';

const PROBE_INTERVAL_MS = 500;
const PROBE_TIMEOUT_MS = 2_000;

/**
 * Whether the API's database is reachable, as far as the API knows: it goes `down` when a query
 * or a new connection fails because the server is gone (or the embedded server is being
 * restarted), and `up` again when a probe (`select 1`, every 500 ms while down) succeeds.
 * While down, GraphQL requests are answered 503 SERVICE_UNAVAILABLE without trying the database.
 */
export class DatabaseAvailability {
  private down: { reason: string; since: number } | undefined;
  private held = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly probe: () => Promise<unknown>,
    private readonly log: (msg: string) => void = () => {},
  ) {}

  get up(): boolean {
    return this.down === undefined;
  }

  /** Why it is down (undefined while up). */
  get reason(): string | undefined {
    return this.down?.reason;
  }

  markDown(reason: string): void {
    if (this.closed) return;
    if (!this.down) {
      this.down = { reason, since: Date.now() };
      this.log(`database unavailable: ${reason}`);
    }
    this.schedule(PROBE_INTERVAL_MS);
  }

  /** Down, and no probe may bring it back until {@link release} (the embedded server is restarting). */
  hold(reason: string): void {
    this.held = true;
    this.markDown(reason);
  }

  release(): void {
    this.held = false;
    if (this.down) this.schedule(0, true);
  }

  /** Feeds a failed query or connection attempt: marks the database down when the server is gone. */
  noteError(err: unknown): void {
    if (databaseErrorKind(err) === 'unavailable') this.markDown(describe(err));
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delay: number, now = false): void {
    if (this.closed) return;
    if (this.timer) {
      if (!now) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => void this.runProbe(), delay);
    this.timer.unref();
  }

  private async runProbe(): Promise<void> {
    this.timer = undefined;
    if (this.closed || !this.down) return;
    if (this.held) return; // release() probes
    try {
      await withTimeout(this.probe(), PROBE_TIMEOUT_MS);
      if (this.held || !this.down) return;
      this.log(`database available again after ${Date.now() - this.down.since} ms`);
      this.down = undefined;
    } catch {
      this.schedule(PROBE_INTERVAL_MS);
    }
  }
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const first = (e?.message ?? String(err)).split('\n')[0] ?? '';
  return e?.code ? `${e.code} ${first}` : first;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const registry = new WeakMap<MikroORM, DatabaseAvailability>();

/** Links an ORM to the availability of its database (openDatabase does this). */
export function registerAvailability(orm: MikroORM, availability: DatabaseAvailability): void {
  registry.set(orm, availability);
}

/** The availability of an ORM's database (undefined for an ORM not opened by openDatabase). */
export function availabilityOf(orm: MikroORM): DatabaseAvailability | undefined {
  return registry.get(orm);
}
