import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { Request } from 'express';

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
}

/** Everything a resolver may use, built fresh for each request (auth will join here). */
export interface RequestContext {
  em: EntityManager;
  loaders: LoaderRegistry;
}

export function createRequestContext(orm: MikroORM, _req?: Request): RequestContext {
  return { em: orm.em.fork(), loaders: new LoaderRegistry() };
}
