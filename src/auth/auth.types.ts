import { GraphQLJSON } from 'graphql-scalars';
import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from '../common/connection.js';

/** One entry of the audit trail. */
@ObjectType('AuditEntry', { description: '审计记录 One entry of the append-only audit trail: who changed which record, when, from what to what.' })
export class AuditEntry {
  @Field(() => String, { description: '序号 Entry id (increasing).' })
  id!: string;

  @Field({ description: '时间 When the change was made.' })
  at!: Date;

  @Field({
    description:
      '操作者 Who: `key:<id>` for an API key, `jwt:<subject>` for a token, `cli:<operator>` for a command on the server, `db:<user>` for SQL by hand.',
  })
  actor!: string;

  @Field(() => String, { nullable: true, description: '角色 Role of the actor when known.' })
  role!: string | null;

  @Field(() => String, { nullable: true, description: '请求编号 X-Request-Id of the API request.' })
  requestId!: string | null;

  @Field(() => String, { nullable: true, description: '导入批次 Id of the import run that made the change.' })
  runId!: string | null;

  @Field({ description: '操作 The mutation (e.g. `updateWorkshop`), `import`, or a key operation.' })
  operation!: string;

  @Field({ description: '动作 INSERT, UPDATE or DELETE of one record; IMPORT for the summary of an import run; KEY for an API key event.' })
  action!: string;

  @Field(() => String, { nullable: true, description: '记录类型 Record kind, e.g. `Workshop`, `FundFlow`, `ApiKey`.' })
  recordKind!: string | null;

  @Field(() => String, { nullable: true, description: '记录键 Natural key of the record, e.g. `330110111001/茶香工坊` (parts joined by `/`).' })
  recordKey!: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: '变更前 Changed fields before (column names; null for an insert).' })
  before!: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: '变更后 Changed fields after (column names; null for a delete).' })
  after!: unknown;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      '详情 For an import: files with their SHA-256 and created/updated/unchanged counts; for a key event: the key’s id, role and scope (never the key).',
  })
  details!: unknown;
}

export const AuditEntryConnection = ConnectionType(AuditEntry, 'AuditEntry', '审计记录');

@InputType({ description: '审计筛选 Filter of the audit trail; all given conditions must hold.' })
export class AuditLogFilter {
  @Field(() => String, { nullable: true, description: '操作者 Exactly this actor, e.g. `key:12`.' })
  actor?: string | null;

  @Field(() => String, { nullable: true, description: '记录类型 Record kind, e.g. `Project`.' })
  recordKind?: string | null;

  @Field(() => String, { nullable: true, description: '记录键 Natural key of the record, e.g. a project code.' })
  key?: string | null;

  @Field(() => String, { nullable: true, description: '导入批次 Import run id.' })
  runId?: string | null;

  @Field(() => Date, { nullable: true, description: '起 At or after this time.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: '止 Before this time.' })
  to?: Date | null;
}

/** An API key as an admin sees it (never the key or its hash). */
@ObjectType('ApiKey', { description: '访问密钥 An API key of the registry, as shown to admins: never the key itself, which is shown only once when issued.' })
export class ApiKeyInfo {
  @Field(() => Int, { description: '编号 Key id (for revoking).' })
  id!: number;

  @Field({ description: '前缀 The first characters of the key, to recognise it.' })
  prefix!: string;

  @Field({ description: '角色 admin, editor, area, partner or reader.' })
  role!: string;

  @Field(() => String, { nullable: true, description: '区域 Area code an area key is bound to.' })
  areaCode!: string | null;

  @Field(() => String, { nullable: true, description: '企业 Credit code a partner key is bound to.' })
  creditCode!: string | null;

  @Field({ description: '标签 Who or what the key is for.' })
  label!: string;

  @Field({ description: '创建时间 When it was issued.' })
  createdAt!: Date;

  @Field({ description: '签发人 Who issued it.' })
  createdBy!: string;

  @Field(() => Date, { nullable: true, description: '最近使用 Last use (to the minute); null if never used.' })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: '到期 When it stops working; null for no expiry.' })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true, description: '吊销时间 When it was revoked; null while active.' })
  revokedAt!: Date | null;
}

@ObjectType('IssuedApiKey', { description: '新密钥 A newly issued key: `key` is shown only in this response.' })
export class IssuedApiKey {
  @Field({ description: '密钥 The key itself. Store it now: it is kept only as a hash and never shown again.' })
  key!: string;

  @Field(() => ApiKeyInfo, { description: '信息 The key’s record.' })
  info!: ApiKeyInfo;
}
