import type { Actor } from "@/lib/authz";
import type { PrismaClient } from "@/lib/generated/prisma/client";

export interface SignedInClaims {
  subject: string;
  name: string;
  email: string | null;
  roles: readonly string[];
  groups: readonly string[];
}

export interface TeamRef {
  id: string;
  slug: string;
  name: string;
}

export interface CurrentUser extends Actor {
  subject: string;
  name: string;
  email: string | null;
  teams: TeamRef[];
}

/** Only refresh `lastSeenAt` this often, so reading a page is not a write. */
const LAST_SEEN_RESOLUTION_MS = 10 * 60 * 1000;

/**
 * The signed-in person as the portal knows them: their user row (created on first sight), their
 * teams from the token's groups, and whether they hold the admin role. The token is the source of
 * truth for roles and groups; nothing about them is stored.
 */
export async function resolveUser(
  db: PrismaClient,
  claims: SignedInClaims,
  adminRole: string,
  now: Date = new Date(),
): Promise<CurrentUser> {
  const [existing, teams] = await Promise.all([
    db.user.findUnique({ where: { subject: claims.subject } }),
    claims.groups.length === 0
      ? Promise.resolve([])
      : db.team.findMany({
          where: { entraGroupId: { in: [...claims.groups] } },
          select: { id: true, slug: true, name: true },
          orderBy: { name: "asc" },
        }),
  ]);

  let user = existing;
  if (!user) {
    user = await db.user.upsert({
      where: { subject: claims.subject },
      create: { subject: claims.subject, name: claims.name, email: claims.email },
      update: { name: claims.name, email: claims.email, lastSeenAt: now },
    });
  } else if (
    user.name !== claims.name ||
    user.email !== claims.email ||
    now.getTime() - user.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS
  ) {
    user = await db.user.update({
      where: { id: user.id },
      data: { name: claims.name, email: claims.email, lastSeenAt: now },
    });
  }

  return {
    id: user.id,
    subject: user.subject,
    name: user.name,
    email: user.email,
    isAdmin: claims.roles.includes(adminRole),
    teamIds: teams.map((t) => t.id),
    teams,
  };
}
