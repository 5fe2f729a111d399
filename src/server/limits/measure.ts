import { getOperationAST, type GraphQLSchema, Kind, Lexer, parse, Source, TokenKind, validate } from 'graphql';
import { armorMeasureRules } from './armor.js';
import { countNodes } from './nodes.js';

export interface QueryFigures {
  tokens: number;
  depth: number;
  aliases: number;
  directives: number;
  cost: number;
  nodes: number;
}

/**
 * What the limits measure of one document (its largest operation for each figure), with the very
 * rules the server applies: for tests that check the defaults leave room, and for tools.
 */
export function measureQuery(schema: GraphQLSchema, source: string, variables: Record<string, unknown> = {}): QueryFigures {
  let tokens = 0;
  const lexer = new Lexer(new Source(source));
  while (lexer.advance().kind !== TokenKind.EOF) tokens++;
  const document = parse(source);
  const { rules, figures } = armorMeasureRules();
  const errors = validate(schema, document, rules);
  if (errors.length) throw new Error(`measureQuery: ${errors.map((e) => e.message).join('; ')}`);
  let nodes = 0n;
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    const op = getOperationAST(document, def.name?.value);
    if (!op) continue;
    const n = countNodes(schema, document, op, variables).nodes;
    if (n > nodes) nodes = n;
  }
  return { tokens, ...figures, nodes: Number(nodes) };
}
