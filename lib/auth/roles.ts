import type { SessionClaims } from "./sessions";

export function hasRole(claims: Pick<SessionClaims, "roles">, role: string): boolean {
  return claims.roles.includes(role);
}

/** `adminRole` is `config().adminRole` (the Entra app role, `Portal.Admin` by default). */
export function isAdmin(claims: Pick<SessionClaims, "roles">, adminRole: string): boolean {
  return hasRole(claims, adminRole);
}
