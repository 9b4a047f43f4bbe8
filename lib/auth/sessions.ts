import { recordUserAudit } from "@/lib/audit";
import type { Actor } from "@/lib/authz";
import { forbidden } from "@/lib/errors";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { newSessionCookie, sessionIdFromCookie } from "./session-cookie";

/** What the portal knows about the signed-in person: the ID token's claims at sign-in. */
export interface SessionClaims {
  subject: string;
  name: string;
  email: string | null;
  roles: string[];
  groups: string[];
}

/** A session ends 8 hours after sign-in however active it is: roles and groups are that old at most. */
export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

// Reading a page should not be a write each time; an idle limit of minutes tolerates this slack.
const LAST_SEEN_RESOLUTION_MS = 60 * 1000;

export interface SessionPolicy {
  secret: string;
  idleMinutes: number;
  /** Record the read as activity (default). A stream re-checking its session is not the person being active. */
  touch?: boolean;
}

/** Starts a session for someone whose ID token was just verified; returns the cookie's value. */
export async function createSession(db: PrismaClient, claims: SessionClaims, secret: string, now = new Date()): Promise<string> {
  const user = await db.user.upsert({
    where: { subject: claims.subject },
    create: { subject: claims.subject, name: claims.name, email: claims.email },
    update: { name: claims.name, email: claims.email, lastSeenAt: now },
  });
  const { cookie, sessionId } = newSessionCookie(secret);
  await db.session.create({
    data: {
      id: sessionId,
      userId: user.id,
      name: claims.name,
      email: claims.email,
      roles: claims.roles,
      groups: claims.groups,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000),
    },
  });
  // Housekeeping: sessions long over are of no use to anyone.
  await db.session.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - 7 * 24 * 3600 * 1000) } } });
  return cookie;
}

/**
 * The claims of the live session the cookie names, or null when the cookie is forged, or the
 * session was revoked, has been idle longer than allowed, or is past its 8 hours.
 */
export async function readSession(db: PrismaClient, cookie: string, policy: SessionPolicy, now = new Date()): Promise<SessionClaims | null> {
  const id = sessionIdFromCookie(cookie, policy.secret);
  if (!id) return null;
  const session = await db.session.findUnique({ where: { id }, include: { user: { select: { subject: true } } } });
  if (!session || !isLive(session, policy.idleMinutes, now)) return null;

  if (policy.touch !== false && now.getTime() - session.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS) {
    await db.session.updateMany({ where: { id, revokedAt: null }, data: { lastSeenAt: now } });
  }
  return { subject: session.user.subject, name: session.name, email: session.email, roles: session.roles, groups: session.groups };
}

/** Sign-out: the session the cookie names ends now, whoever holds a copy of the cookie. */
export async function revokeSession(db: PrismaClient, cookie: string, secret: string, now = new Date()): Promise<void> {
  const id = sessionIdFromCookie(cookie, secret);
  if (!id) return;
  await db.session.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } });
}

/** An admin ends every session of a user at once (a lost laptop, someone leaving); recorded in the audit trail. */
export async function revokeUserSessions(db: PrismaClient, actor: Actor, userId: string, now = new Date()): Promise<{ name: string; count: number }> {
  if (!actor.isAdmin) throw forbidden("Only portal admins can sign other people out.");
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { name: true } });
    if (!user) throw forbidden("That user does not exist.");
    const { count } = await tx.session.updateMany({ where: { userId, revokedAt: null, expiresAt: { gt: now } }, data: { revokedAt: now } });
    await recordUserAudit(tx, { actorId: actor.id, action: "user.sessions-revoked", details: { userId, sessions: count } });
    return { name: user.name, count };
  });
}

export interface ActiveSessionUser {
  userId: string;
  name: string;
  email: string | null;
  sessions: number;
  lastSeenAt: Date;
}

/** People signed in right now, for the admin page, most recently active first. */
export async function listSignedInUsers(db: PrismaClient, actor: Actor, idleMinutes: number, now = new Date()): Promise<ActiveSessionUser[]> {
  if (!actor.isAdmin) throw forbidden("Only portal admins can see who is signed in.");
  const sessions = await db.session.findMany({
    where: { revokedAt: null, expiresAt: { gt: now }, lastSeenAt: { gt: idleCutoff(idleMinutes, now) } },
    select: { userId: true, lastSeenAt: true, user: { select: { name: true, email: true } } },
    orderBy: { lastSeenAt: "desc" },
    take: 500,
  });
  const byUser = new Map<string, ActiveSessionUser>();
  for (const s of sessions) {
    const entry = byUser.get(s.userId);
    if (entry) entry.sessions += 1;
    else byUser.set(s.userId, { userId: s.userId, name: s.user.name, email: s.user.email, sessions: 1, lastSeenAt: s.lastSeenAt });
  }
  return [...byUser.values()];
}

function isLive(session: { revokedAt: Date | null; expiresAt: Date; lastSeenAt: Date }, idleMinutes: number, now: Date): boolean {
  return session.revokedAt === null && session.expiresAt > now && session.lastSeenAt > idleCutoff(idleMinutes, now);
}

function idleCutoff(idleMinutes: number, now: Date): Date {
  return new Date(now.getTime() - idleMinutes * 60 * 1000);
}
