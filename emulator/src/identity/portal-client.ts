/**
 * The portal's app registration at the emulated provider: a public single-page client, like its
 * Entra ID counterpart. Whoever starts the portal against the emulator passes it as OIDC_CLIENT_ID.
 */
export const PORTAL_CLIENT_ID = "6b7d9c1e-1a2b-4c3d-8e9f-a0b1c2d3e4f5";
