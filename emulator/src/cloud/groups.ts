/**
 * Entra group membership of the workload identities (service principals) the token endpoint serves.
 * Only Node built-ins on purpose: the portal's dev script and tests import the constant from here
 * without starting anything.
 */
import { createHash } from "node:crypto";

/**
 * The one group every client belongs to when EMULATOR_GROUP_MEMBERS is not set. Give an Entra
 * cluster `aadProfile.adminGroupObjectIDs: [PLATFORM_ADMINS_GROUP_ID]` and any client's token for
 * the AKS server application is a cluster admin there.
 */
export const PLATFORM_ADMINS_GROUP_ID = "3f7c9a2e-6b1d-4c8e-9f2a-7d5e4b3c2a10";

/** Group object id → client ids in it; "*" stands for every client. */
export type GroupMembers = Record<string, string[]>;

export const DEFAULT_GROUP_MEMBERS: GroupMembers = { [PLATFORM_ADMINS_GROUP_ID]: ["*"] };

/** EMULATOR_GROUP_MEMBERS as JSON `{"<group object id>": ["<client id>", ...]}`, else the default. */
export function parseGroupMembers(text: string | undefined): GroupMembers {
  if (!text?.trim()) return DEFAULT_GROUP_MEMBERS;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`EMULATOR_GROUP_MEMBERS: not JSON (${(err as Error).message})`);
  }
  const valid =
    typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) && Object.values(parsed).every((v) => Array.isArray(v) && v.every((c) => typeof c === "string"));
  if (!valid) throw new Error('EMULATOR_GROUP_MEMBERS: expected {"<group object id>": ["<client id>", ...]}');
  return parsed as GroupMembers;
}

/** The group object ids a client is a member of (client ids compare case-insensitively, as Entra's GUIDs do). */
export function groupsOf(members: GroupMembers, clientId: string): string[] {
  const id = clientId.toLowerCase();
  return Object.entries(members)
    .filter(([, clients]) => clients.some((c) => c === "*" || c.toLowerCase() === id))
    .map(([group]) => group);
}

/**
 * The service principal's object id (`oid`, also `sub`) in its tokens: stable per client id, a GUID
 * as in Entra, and not the client id (an application and its service principal differ there too).
 */
export function objectIdOf(clientId: string): string {
  const h = createHash("sha256").update(`service-principal#${clientId.toLowerCase()}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
