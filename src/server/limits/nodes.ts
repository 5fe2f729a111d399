import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  getNamedType,
  type GraphQLNamedType,
  type GraphQLSchema,
  isInterfaceType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationRule,
  type ValueNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../common/connection.js';
import { BadInputError, type InputProblem } from '../../common/errors.js';

/** A page size out of 1…MAX_PAGE_SIZE: the argument, the response path of its field, the value. */
export interface BadPageSize {
  argument: 'first' | 'last';
  path: string;
  value: number;
}

export interface NodeCount {
  /** Most nodes the operation's connections may return (exact integer). */
  nodes: bigint;
  badPageSizes: BadPageSize[];
}

/**
 * BAD_USER_INPUT as the resolvers report it (`field: 'first'`, the rule), plus where: `path` is
 * the field's response path, e.g. `areas.nodes.children`.
 */
export function pageSizeError(list: BadPageSize[]): BadInputError {
  const rule = `must be between 1 and ${MAX_PAGE_SIZE}`;
  const error = new BadInputError(list.map((p) => ({ field: p.argument, rule, value: p.value, path: p.path }) as InputProblem));
  error.message = `Invalid input: ${list.map((p) => `${p.argument} of ${p.path}: ${rule}`).join('; ')}`;
  Object.assign(error.extensions, { path: list[0].path, http: { status: 400 } });
  return error;
}

/** A connection field: returns a `…Connection` type and takes `first`. */
function isConnectionField(field: { args: readonly { name: string }[] }, type: GraphQLNamedType): boolean {
  return type.name.endsWith('Connection') && field.args.some((a) => a.name === 'first');
}

/**
 * Counts nodes as GitHub's GraphQL API does: for every connection field, the product of the page
 * sizes (`first`, else `last`, else the default 20) of it and every connection above it; summed
 * over the operation. Fragments are followed (each fragment is counted once and scaled, so a
 * fragment spread many times costs no more time than one), variables resolved (their value, else
 * their default). Page sizes outside 1…100 are reported instead of counted.
 */
export function countNodes(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): NodeCount {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const defaults = new Map<string, ValueNode>();
  for (const v of operation.variableDefinitions ?? []) if (v.defaultValue) defaults.set(v.variable.name.value, v.defaultValue);
  const badPageSizes: BadPageSize[] = [];
  const fragmentNodes = new Map<string, bigint>();

  const pageSize = (field: FieldNode, path: string): bigint => {
    let size: number | null = null;
    for (const name of ['first', 'last'] as const) {
      const arg = field.arguments?.find((a) => a.name.value === name);
      if (!arg) continue;
      let value: unknown;
      if (arg.value.kind === Kind.VARIABLE) {
        const v = arg.value.name.value;
        const fallback = defaults.get(v);
        value = variables[v] !== undefined ? variables[v] : fallback?.kind === Kind.INT ? Number(fallback.value) : null;
      } else {
        value = arg.value.kind === Kind.INT ? Number(arg.value.value) : null;
      }
      // Note: a value that is not an integer never reaches a resolver (variable coercion refuses it).
      if (value === null || typeof value !== 'number' || !Number.isInteger(value)) continue;
      if (value < 1 || value > MAX_PAGE_SIZE) {
        badPageSizes.push({ argument: name, path, value });
        continue;
      }
      size = Math.max(size ?? 0, value);
    }
    return BigInt(size ?? DEFAULT_PAGE_SIZE);
  };

  /** Nodes under a selection set on `type`, per unit of the enclosing page size. */
  const walk = (set: SelectionSetNode, type: GraphQLNamedType, path: string): bigint => {
    let total = 0n;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (!sel.selectionSet || !(isObjectType(type) || isInterfaceType(type))) continue;
        const def = type.getFields()[sel.name.value];
        if (!def) continue;
        const child = getNamedType(def.type);
        const here = `${path}${path ? '.' : ''}${sel.alias?.value ?? sel.name.value}`;
        if (isConnectionField(def, child)) {
          const size = pageSize(sel, here);
          total += size + size * walk(sel.selectionSet, child, here);
        } else {
          total += walk(sel.selectionSet, child, here);
        }
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const on = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
        if (on) total += walk(sel.selectionSet, on, path);
      } else {
        const name = sel.name.value;
        let n = fragmentNodes.get(name);
        if (n === undefined) {
          const fragment = fragments.get(name);
          const on = fragment && schema.getType(fragment.typeCondition.name.value);
          // Note: validation has refused fragment cycles before this runs; the guard is for direct callers.
          fragmentNodes.set(name, 0n);
          n = fragment && on ? walk(fragment.selectionSet, on, path) : 0n;
          fragmentNodes.set(name, n);
        }
        total += n;
      }
    }
    return total;
  };

  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  const nodes = root ? walk(operation.selectionSet, root, '') : 0n;
  return { nodes, badPageSizes };
}

/**
 * Page sizes written in the query (`first: 1000000`) are refused while validating, next to the
 * other validation errors; sizes given by variables are checked before execution (admission.ts).
 */
export const pageSizeRule: ValidationRule = (context) => ({
  Field(node, _key, _parent, _path, ancestors) {
    const def = context.getFieldDef();
    if (!def || !isConnectionField(def, getNamedType(def.type))) return;
    const names = [...ancestors, node]
      .filter((a): a is FieldNode => !Array.isArray(a) && (a as FieldNode).kind === Kind.FIELD)
      .map((f) => f.alias?.value ?? f.name.value);
    for (const arg of node.arguments ?? []) {
      if ((arg.name.value !== 'first' && arg.name.value !== 'last') || arg.value.kind !== Kind.INT) continue;
      const value = Number(arg.value.value);
      if (value >= 1 && value <= MAX_PAGE_SIZE) continue;
      context.reportError(pageSizeError([{ argument: arg.name.value, path: names.join('.'), value }]));
    }
  },
});
