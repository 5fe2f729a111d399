import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLError, ValidationContext, ValidationRule } from 'graphql';
import type { RequestContext } from '../../common/context.js';
import type { LimitConfig } from './config.js';
import { LimitCode, LimitError } from './errors.js';

type ArmorConfig = NonNullable<ConstructorParameters<typeof ApolloArmor>[0]>;

/** "… limit of 12 exceeded, found 13." → { limit: 12, found: 13 } */
function figures(message: string): { limit?: number; found?: number } {
  const m = /limit of (\d+(?:\.\d+)?) exceeded, found (\d+(?:\.\d+)?)/.exec(message);
  return m ? { limit: Number(m[1]), found: Number(m[2]) } : {};
}

/** Reports armor's refusal with our own code and message instead of its generic BAD_USER_INPUT. */
function rejectWith(code: LimitCode, what: string) {
  return (ctx: ValidationContext | null, err: GraphQLError) => {
    const { limit, found } = figures(err.message);
    const message = found !== undefined ? `${what} ${found} (the limit is ${limit}).` : `${what}.`;
    ctx?.reportError(new LimitError(code, message, { limit, found }));
  };
}

/**
 * graphql-armor's depth, alias, directive and cost rules, and its field-suggestion mask.
 * Each rule reports with its own code ({@link LimitCode}) and never throws, so the other rules
 * and graphql's own ones still run and the client sees every problem at once.
 *
 * Armor's token limit is not used: on Apollo it counts tokens in a second parse and throws from a
 * plugin hook (the client gets an internal error). graphql-js has the same count built into its
 * parser (`parseOptions.maxTokens`): parsing stops at the limit, nothing is parsed twice.
 */
export function armorProtection(
  limits: LimitConfig,
  opts: { suggestions: boolean },
): { plugins: ApolloServerPlugin<RequestContext>[]; validationRules: ValidationRule[] } {
  const config: ArmorConfig = {
    maxTokens: { enabled: false },
    maxDepth: {
      n: limits.maxDepth,
      flattenFragments: true,
      ignoreIntrospection: true,
      propagateOnRejection: false,
      onReject: [rejectWith(LimitCode.QUERY_TOO_DEEP, 'Query too deep: depth')],
    },
    maxAliases: {
      n: limits.maxAliases,
      propagateOnRejection: false,
      onReject: [rejectWith(LimitCode.TOO_MANY_ALIASES, 'Too many aliases:')],
    },
    maxDirectives: {
      n: limits.maxDirectives,
      propagateOnRejection: false,
      onReject: [rejectWith(LimitCode.TOO_MANY_DIRECTIVES, 'Too many directives:')],
    },
    costLimit: {
      maxCost: limits.maxCost,
      flattenFragments: true,
      ignoreIntrospection: true,
      propagateOnRejection: false,
      onReject: [rejectWith(LimitCode.QUERY_TOO_COSTLY, 'Query too costly: graphql-armor cost')],
    },
    blockFieldSuggestion: { enabled: !opts.suggestions },
  };
  const { plugins, validationRules } = new ApolloArmor(config).protect();
  return { plugins: plugins as ApolloServerPlugin<RequestContext>[], validationRules };
}

/** What graphql-armor measures of one operation (depth, aliases, directives, cost), for tests and tools. */
export function armorMeasureRules(): { rules: ValidationRule[]; figures: Record<'depth' | 'aliases' | 'directives' | 'cost', number> } {
  const figures = { depth: 0, aliases: 0, directives: 0, cost: 0 };
  const keep = (key: keyof typeof figures) => [(_ctx: unknown, details: { n: number }) => void (figures[key] = Math.max(figures[key], details.n))];
  const huge = Number.MAX_SAFE_INTEGER;
  const { validationRules } = new ApolloArmor({
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: false },
    maxDepth: { n: huge, flattenFragments: true, ignoreIntrospection: true, propagateOnRejection: false, onAccept: keep('depth') },
    maxAliases: { n: huge, propagateOnRejection: false, onAccept: keep('aliases') },
    maxDirectives: { n: huge, propagateOnRejection: false, onAccept: keep('directives') },
    costLimit: { maxCost: huge, flattenFragments: true, ignoreIntrospection: true, propagateOnRejection: false, onAccept: keep('cost') },
  }).protect();
  return { rules: validationRules, figures };
}
