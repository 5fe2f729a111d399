/**
 * Identifier scalars: codes that name records (division codes, credit codes, project codes, …).
 * Each kind of code has ONE rule for normalising (trim, full-width → half-width, case) and for
 * validating (allowed characters, length). The GraphQL scalars apply it at the edge and the
 * importer's cell parser applies the same function to cells, so a code written either way names
 * the same record.
 */
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

export interface Identifier {
  /** GraphQL scalar name, e.g. `ProjectCode`. */
  name: string;
  /** What the code is, for messages, e.g. `project code`. */
  noun: string;
  /** Normalises raw text (never fails). */
  normalise(text: string): string;
  /** The broken rule of a normalised code, or null when it is valid. */
  validate(code: string): string | null;
}

/** Full-width ASCII (Ａ１－) and the ideographic space to half-width, then trimmed. */
export function foldWidth(text: string): string {
  return text
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .trim();
}

/** Normalises then validates: the code, or the rule it breaks. */
export function parseIdentifier(id: Identifier, text: string): { ok: true; code: string } | { ok: false; rule: string } {
  const code = id.normalise(text);
  const rule = id.validate(code);
  return rule === null ? { ok: true, code } : { ok: false, rule };
}

/** A code kind made of a pattern and a maximum length, upper-cased (codes are case-insensitive). */
export function patternIdentifier(spec: { name: string; noun: string; pattern: RegExp; max: number; rule: string; upper: boolean }): Identifier {
  return {
    name: spec.name,
    noun: spec.noun,
    normalise: (text) => (spec.upper ? foldWidth(text).toUpperCase() : foldWidth(text)),
    validate: (code) => {
      if (code.length === 0) return 'must not be empty';
      if (code.length > spec.max) return `must be at most ${spec.max} characters, got ${code.length}`;
      return spec.pattern.test(code) ? null : spec.rule;
    },
  };
}

function inputError(id: Identifier, value: unknown, rule: string): GraphQLError {
  return new GraphQLError(`${id.noun} ${JSON.stringify(value)} ${rule}`, { extensions: { code: 'BAD_USER_INPUT', rule, scalar: id.name } });
}

/**
 * The GraphQL scalar of a code kind: normalises and validates inputs; outputs are stored codes.
 * A blank code reads as null (in an optional reference, blank clears it, as an empty cell does).
 */
export function identifierScalar(id: Identifier, description: string): GraphQLScalarType<string | null, string> {
  const parse = (value: unknown): string | null => {
    if (typeof value !== 'string') throw inputError(id, value, 'must be a string');
    if (foldWidth(value) === '') return null;
    const result = parseIdentifier(id, value);
    if (!result.ok) throw inputError(id, value, result.rule);
    return result.code;
  };
  return new GraphQLScalarType<string | null, string>({
    name: id.name,
    description,
    serialize: (value) => String(value),
    parseValue: parse,
    parseLiteral(ast) {
      if (ast.kind !== Kind.STRING) throw inputError(id, ast.kind, 'must be a string');
      return parse(ast.value);
    },
  });
}
