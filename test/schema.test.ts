import { readFile } from 'node:fs/promises';
import { type GraphQLSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType, isScalarType, isSpecifiedScalarType, isUnionType } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildRegistrySchema } from '../src/schema/build.js';
import { schemaSdl } from '../src/schema/print.js';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildRegistrySchema();
});

/** Every place in the schema that should carry a description but does not. */
function undescribed(s: GraphQLSchema): string[] {
  const missing: string[] = [];
  const need = (where: string, description: string | null | undefined) => {
    if (!description || !description.trim()) missing.push(where);
  };
  for (const type of Object.values(s.getTypeMap())) {
    if (type.name.startsWith('__') || (isScalarType(type) && isSpecifiedScalarType(type))) continue;
    need(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        need(`${type.name}.${field.name}`, field.description);
        for (const arg of field.args) need(`${type.name}.${field.name}(${arg.name})`, arg.description);
      }
    }
    if (isInputObjectType(type)) for (const field of Object.values(type.getFields())) need(`${type.name}.${field.name}`, field.description);
    if (isEnumType(type)) for (const value of type.getValues()) need(`${type.name}.${value.name}`, value.description);
    if (isUnionType(type)) need(type.name, type.description);
  }
  return missing;
}

describe('the schema', () => {
  it('matches the committed schema.graphql (run `npm run schema` after changing the API)', async () => {
    const committed = await readFile('schema.graphql', 'utf8');
    expect(committed).toBe(schemaSdl(schema));
  });

  it('describes every type, field, argument and enum value', () => {
    expect(undescribed(schema)).toEqual([]);
  });

  it('describes things in Chinese and English', () => {
    for (const name of ['Area', 'Project', 'Pairing', 'Workshop', 'CollectiveIncome', 'FundFlow', 'Enterprise']) {
      const description = schema.getType(name)?.description ?? '';
      expect(description).toMatch(/[\u4e00-\u9fff]/);
      expect(description).toMatch(/[A-Za-z]{3,}/);
    }
  });

  it('has the root fields partner portals rely on', () => {
    const fields = Object.keys(schema.getQueryType()!.getFields());
    expect(fields).toEqual(
      expect.arrayContaining(['areas', 'area', 'enterprises', 'enterprise', 'pairings', 'projects', 'project', 'workshops', 'collectiveIncomes', 'node']),
    );
  });
});
