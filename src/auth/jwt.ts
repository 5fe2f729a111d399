import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type CryptoKey,
  importJWK,
  importSPKI,
  type JWTPayload,
  jwtVerify,
  type JWTVerifyGetKey,
  type KeyObject,
} from 'jose';
import { normalizeCreditCode } from '../enterprise/credit-code.js';
import { type Principal, type Role, ROLES } from './principal.js';

/** How tokens of the district's identity provider are checked and read. */
export interface JwtConfig {
  /** JWKS endpoint of the identity provider (JWT_JWKS_URL). */
  jwksUrl?: string;
  /** A public key instead (JWT_PUBLIC_KEY): PEM (SPKI), a JWK, or a JWKS, as text. */
  publicKey?: string;
  /** Required `iss` (JWT_ISSUER). */
  issuer?: string;
  /** Required `aud` (JWT_AUDIENCE). */
  audience?: string;
  /** Accepted algorithms (JWT_ALGORITHMS, default RS256,ES256,EdDSA). */
  algorithms: string[];
  /** Claim with the registry role (JWT_ROLE_CLAIM, default `registry_role`). */
  roleClaim: string;
  /** Claim with the area code of an `area` user (JWT_AREA_CLAIM, default `registry_area`). */
  areaClaim: string;
  /** Claim with the credit code of a `partner` user (JWT_ENTERPRISE_CLAIM, default `registry_enterprise`). */
  enterpriseClaim: string;
}

export function jwtConfigFromEnv(env: NodeJS.ProcessEnv = process.env): JwtConfig {
  return {
    jwksUrl: env.JWT_JWKS_URL || undefined,
    publicKey: env.JWT_PUBLIC_KEY || undefined,
    issuer: env.JWT_ISSUER || undefined,
    audience: env.JWT_AUDIENCE || undefined,
    algorithms: (env.JWT_ALGORITHMS || 'RS256,ES256,EdDSA')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    roleClaim: env.JWT_ROLE_CLAIM || 'registry_role',
    areaClaim: env.JWT_AREA_CLAIM || 'registry_area',
    enterpriseClaim: env.JWT_ENTERPRISE_CLAIM || 'registry_enterprise',
  };
}

export type TokenCheck = { principal: Principal } | { refused: string };
export type JwtVerifier = (token: string) => Promise<TokenCheck>;

/** A verifier for the configured identity provider; undefined when none is configured. Refuses to start half-configured. */
export async function jwtVerifier(config: JwtConfig): Promise<JwtVerifier | undefined> {
  if (!config.jwksUrl && !config.publicKey) return undefined;
  if (!config.issuer || !config.audience) {
    throw new Error('JWT_ISSUER and JWT_AUDIENCE are required when JWT_JWKS_URL or JWT_PUBLIC_KEY is set');
  }
  let key: JWTVerifyGetKey | CryptoKey | KeyObject | Uint8Array;
  if (config.jwksUrl) key = createRemoteJWKSet(new URL(config.jwksUrl));
  else {
    const text = config.publicKey!.trim();
    if (text.startsWith('{')) {
      const json = JSON.parse(text) as { keys?: unknown[] };
      key = json.keys ? createLocalJWKSet(json as never) : await importJWK(json as never);
    } else {
      key = await importSPKI(text.replace(/\\n/g, '\n'), config.algorithms[0]!);
    }
  }
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as never, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: config.algorithms,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ERR_JWT_EXPIRED') return { refused: 'the token has expired' };
      if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED')
        return { refused: `the token's ${(e as { claim?: string }).claim ?? ''} claim is not accepted`.replace('  ', ' ') };
      return { refused: 'the token is not valid' };
    }
    const role = payload[config.roleClaim];
    if (typeof role !== 'string' || !ROLES.includes(role as Role)) return { refused: `the token has no valid ${config.roleClaim} claim` };
    const principal: Principal = { id: `jwt:${payload.sub}`, role: role as Role };
    if (role === 'area') {
      const area = payload[config.areaClaim];
      if (typeof area !== 'string' || !/^\d{6,12}$/.test(area)) return { refused: `an area token needs the ${config.areaClaim} claim` };
      principal.areaCode = area;
    }
    if (role === 'partner') {
      const code = payload[config.enterpriseClaim];
      if (typeof code !== 'string' || code.trim() === '') return { refused: `a partner token needs the ${config.enterpriseClaim} claim` };
      principal.creditCode = normalizeCreditCode(code);
    }
    return { principal };
  };
}
