import '../server/request.js';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { Request } from 'express';
import type { Principal } from '../auth/principal.js';
import { readFromReplicas, replicasOf } from '../db/replicas.js';

/** Per-request DataLoaders, created lazily by name; dropped with the request. */
export class LoaderRegistry {
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();

  get<K, V>(key: string, make: () => DataLoader<K, V>): DataLoader<K, V> {
    let loader = this.loaders.get(key);
    if (!loader) {
      loader = make() as DataLoader<unknown, unknown>;
      this.loaders.set(key, loader);
    }
    return loader as DataLoader<K, V>;
  }

  /** Forgets every cached read (after a write, so later fields see the new state). */
  clear(): void {
    this.loaders.clear();
  }
}

/** Everything a resolver may use, built fresh for each request (auth will join here). */
export interface RequestContext {
  em: EntityManager;
  loaders: LoaderRegistry;
  /** The authenticated caller; undefined for anonymous requests. */
  principal?: Principal;
  /** Request id (X-Request-Id), for the audit log. */
  requestId?: string;
}

/** A request's context; with read replicas, its reads go to them until it writes (see src/db/replicas.ts). */
export function createRequestContext(orm: MikroORM, req?: Request): RequestContext {
  const em = orm.em.fork();
  const replicas = replicasOf(orm);
  if (replicas) readFromReplicas(em, replicas);
  return { em, loaders: new LoaderRegistry(), principal: req?.principal, requestId: req?.requestId };
}
