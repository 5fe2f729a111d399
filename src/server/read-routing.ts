import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from '../common/context.js';
import { readFromPrimary } from '../db/replicas.js';

/**
 * A mutation reads the primary from its first statement: its payload (and any field after it)
 * shows its own write, never a replica that has not replayed it yet.
 */
export function primaryForMutationsPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          if (operation?.operation === 'mutation') readFromPrimary(contextValue.em);
        },
      };
    },
  };
}
