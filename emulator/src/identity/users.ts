/**
 * The emulator's directory: a fixed tenant with four people. Other parts of the product (team
 * seeds, end-to-end tests, the dev banner) rely on these exact values, so change them together.
 */
export const TENANT_ID = "11111111-2222-4333-8444-555555555555";

export interface TestUser {
  /** What the person types on the sign-in form. */
  username: string;
  password: string;
  /** Stable object id, sent as both `sub` and `oid` like Entra ID does for a single app. */
  objectId: string;
  name: string;
  /** The sign-in name, sent as `preferred_username` (always there for Entra accounts). */
  signInName: string;
  /** Sent as `email` when set; Entra v2.0 tokens carry it only as an optional claim, and not for every account. */
  email?: string;
  roles: string[];
  groups: string[];
  /** Only for the sign-in page's list of test users. */
  team: string;
}

export const TEST_USERS: readonly TestUser[] = [
  {
    username: "admin",
    password: "admin-pass",
    objectId: "0b8f5e4a-7c1d-4f2e-9a3b-1c2d3e4f5a01",
    name: "Ada Admin",
    signInName: "admin@contoso.example",
    email: "admin@contoso.example",
    roles: ["Portal.Admin"],
    groups: ["6f1c2a4e-1d5b-4c3e-9a7f-0d2b3c4d5e01"],
    team: "data-platform",
  },
  {
    username: "ana",
    password: "ana-pass",
    objectId: "0b8f5e4a-7c1d-4f2e-9a3b-1c2d3e4f5a02",
    name: "Ana Analyst",
    signInName: "ana@contoso.example",
    email: "ana@contoso.example",
    roles: [],
    groups: ["6f1c2a4e-1d5b-4c3e-9a7f-0d2b3c4d5e02"],
    team: "analytics",
  },
  {
    username: "milo",
    password: "milo-pass",
    objectId: "0b8f5e4a-7c1d-4f2e-9a3b-1c2d3e4f5a03",
    name: "Milo Modeler",
    signInName: "milo@contoso.example",
    email: "milo@contoso.example",
    roles: [],
    groups: ["6f1c2a4e-1d5b-4c3e-9a7f-0d2b3c4d5e03"],
    team: "ml",
  },
  {
    // An account whose tokens carry neither `email` nor `upn`: only `preferred_username`.
    username: "kai",
    password: "kai-pass",
    objectId: "0b8f5e4a-7c1d-4f2e-9a3b-1c2d3e4f5a04",
    name: "Kai Contractor",
    signInName: "kai@contoso.example",
    roles: [],
    groups: ["6f1c2a4e-1d5b-4c3e-9a7f-0d2b3c4d5e02"],
    team: "analytics",
  },
];

export function findUserById(objectId: string): TestUser | undefined {
  return TEST_USERS.find((u) => u.objectId === objectId);
}

/** Undefined for an unknown name and for a wrong password alike: the form must not tell them apart. */
export function checkPassword(username: string, password: string): TestUser | undefined {
  const user = TEST_USERS.find((u) => u.username === username.trim().toLowerCase());
  return user !== undefined && user.password === password ? user : undefined;
}

/** The claims an Entra ID token for this app carries (app roles, group object ids, tenant). */
export function claimsFor(user: TestUser) {
  return {
    sub: user.objectId,
    oid: user.objectId,
    tid: TENANT_ID,
    name: user.name,
    preferred_username: user.signInName,
    ...(user.email ? { email: user.email, email_verified: true } : {}),
    roles: user.roles,
    groups: user.groups,
  };
}

/**
 * How both of the directory's providers (the portal's issuer and the Entra-shaped tenant) issue
 * ID tokens: code flow, and the profile claims (groups, roles, tenant) in the ID token itself, as
 * Entra ID does; neither client calls userinfo.
 */
export const ID_TOKEN_SETTINGS = {
  responseTypes: ["code"],
  scopes: ["openid", "profile", "email"],
  claims: {
    openid: ["sub"],
    profile: ["name", "preferred_username", "oid", "tid", "roles", "groups"],
    email: ["email", "email_verified"],
  },
  conformIdTokenClaims: false,
} satisfies Partial<import("oidc-provider").Configuration>;
