import { unwrapResolverError } from '@apollo/server/errors';
import {
  CheckConstraintViolationException,
  DriverException,
  ForeignKeyConstraintViolationException,
  NotNullConstraintViolationException,
  UniqueConstraintViolationException,
} from '@mikro-orm/postgresql';
import type { GraphQLFormattedError } from 'graphql';
import { databaseErrorKind, statementTimeoutText } from '../db/errors.js';

/**
 * The one place where errors become what a client sees: our GraphQLErrors pass through,
 * database constraint violations get a stable code, anything else is masked.
 * Stack traces and SQL never leave the server unless `exposeDetails` (development).
 */
export function formatError(exposeDetails: boolean, log: (e: unknown) => void) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
    const strip = (ext: Record<string, unknown> | undefined) => {
      if (!ext) return ext;
      const { stacktrace, ...rest } = ext;
      return exposeDetails ? ext : (void stacktrace, rest);
    };
    // The database being down, busy or too slow is not a bug: say so, without SQL.
    const databaseProblem = databaseErrorKind(original);
    if (databaseProblem === 'timeout') {
      return {
        ...base,
        message: `The query took longer than ${statementTimeoutText()} and was cancelled; ask for less (filters, a smaller first) or try again later`,
        extensions: { code: 'TIMEOUT' },
      };
    }
    if (databaseProblem === 'unavailable' || databaseProblem === 'busy') {
      return {
        ...base,
        message:
          databaseProblem === 'busy'
            ? 'The database is busy; try again in a few seconds'
            : 'The database is unavailable at the moment; try again in a few seconds',
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      };
    }
    if (original instanceof DriverException) {
      const { constraint } = original as unknown as { constraint?: string };
      if (original instanceof UniqueConstraintViolationException) {
        return {
          ...base,
          message: `Conflict: a record with the same natural key already exists (${constraint})`,
          extensions: { code: 'CONFLICT', constraint },
        };
      }
      if (original instanceof ForeignKeyConstraintViolationException) {
        return { ...base, message: `Conflict: the change breaks a reference between records (${constraint})`, extensions: { code: 'CONFLICT', constraint } };
      }
      if (original instanceof CheckConstraintViolationException || original instanceof NotNullConstraintViolationException) {
        return { ...base, message: `Invalid input: violates the database rule ${constraint}`, extensions: { code: 'BAD_USER_INPUT', rule: constraint } };
      }
    }
    if ((original as { code?: string } | undefined)?.code === '22003') {
      return { ...base, message: 'Invalid input: a number is out of range', extensions: { code: 'BAD_USER_INPUT', rule: 'out of range' } };
    }
    // An identifier scalar (src/common/identifiers.ts) refused a variable: name the input path like BAD_USER_INPUT problems do.
    if (formatted.extensions?.scalar && typeof formatted.extensions.rule === 'string') {
      const at = /^Variable "\$[^"]+" got invalid value .*? at "([^"]+)"; /s.exec(formatted.message)?.[1];
      const field = at ?? undefined;
      const rule = formatted.extensions.rule;
      return { ...base, extensions: { code: 'BAD_USER_INPUT', field, rule, problems: [{ field, rule }] } };
    }
    const code = formatted.extensions?.code;
    if (code === 'INTERNAL_SERVER_ERROR' || code === undefined) {
      log(original);
      if (!exposeDetails) return { ...base, message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
    return { ...base, extensions: strip(formatted.extensions as Record<string, unknown> | undefined) };
  };
}
