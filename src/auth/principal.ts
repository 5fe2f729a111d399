/** What a caller may do: `admin` everything; `editor` every record; `area` one area's subtree; `partner` one enterprise's records; `reader` reads only. */
export type Role = 'admin' | 'editor' | 'area' | 'partner' | 'reader';

export const ROLES: readonly Role[] = ['admin', 'editor', 'area', 'partner', 'reader'];

/** The authenticated caller of one request (absent for anonymous requests). */
export interface Principal {
  /** `key:<id>` for an API key, `jwt:<subject>` for a token of the identity provider, `cli:<label>` for an operator. */
  id: string;
  role: Role;
  /** Area code bound to an `area` caller. */
  areaCode?: string;
  /** Enterprise credit code bound to a `partner` caller. */
  creditCode?: string;
}
