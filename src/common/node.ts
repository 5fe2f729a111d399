import { Field, ID, InterfaceType } from 'type-graphql';

/** Encodes a global object ID from a GraphQL type name and a primary key. */
export function toGlobalId(typeName: string, id: number | string): string {
  return Buffer.from(`${typeName}:${id}`, 'utf8').toString('base64url');
}

/** Decodes a global object ID; returns null when it is not one of ours. */
export function fromGlobalId(globalId: string): { typeName: string; id: number } | null {
  const m = /^([A-Za-z]+):(\d{1,15})$/.exec(Buffer.from(globalId, 'base64url').toString('utf8'));
  return m ? { typeName: m[1], id: Number(m[2]) } : null;
}

/** Relay Node interface: every record type implements it (records compute `nodeId` from their class and key). */
@InterfaceType('Node', { description: '节点 Node: any object with a globally unique, opaque ID (Relay object identification).' })
export abstract class Node {
  @Field(() => ID, { name: 'id', description: '全局标识 Globally unique opaque ID; use with the `node(id:)` root field.' })
  nodeId!: string;
}
