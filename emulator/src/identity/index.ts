import type { EmulatorPart } from "../http.js";

export interface IdentityOptions {
  /** Issuer URL, e.g. https://localhost:8443/oidc */
  issuer: string;
  dataDir: string;
}

export async function createIdentity(_options: IdentityOptions): Promise<EmulatorPart> {
  return { handle: () => false };
}
