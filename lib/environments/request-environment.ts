import { canRequestForTeam } from "@/lib/authz";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import type { CurrentUser } from "@/lib/users/resolve-user";
import { chartVersionFor, type Catalog } from "./catalog";
import { newNameSuffix } from "./naming";
import type { ReleaseCheck } from "./release-check";
import { releaseSpecOf } from "./release-spec";
import { fieldErrorsOf, makeRequestSchema } from "./request-schema";
import { asPlanned } from "./changes/seed-adoption";

const nameTaken = (name: string) =>
  new AppError("INVALID", "Check the highlighted fields.", {
    fieldErrors: { name: [`An environment named "${name}" already exists. Choose another name.`] },
  });

/** How many requests one person may make in an hour (PORTAL_REQUESTS_PER_HOUR); unset means no limit. */
export interface RequestRateLimit {
  perHour: number;
}

/**
 * Records a request for a new environment, pending an admin's approval. Validates everything the
 * browser sent again; writes nothing unless all of it holds. With a rate limit, a person's requests
 * in the last hour are counted under a per-person lock, so a burst of parallel submissions cannot
 * all slip past the count. With `checkRelease`, the chart renders the environment's values first
 * and a refusal writes nothing.
 */
export async function requestEnvironment(
  db: PrismaClient,
  user: CurrentUser,
  input: unknown,
  catalog: Catalog,
  now: Date = new Date(),
  rateLimit?: RequestRateLimit,
  checkRelease?: ReleaseCheck,
): Promise<{ id: string }> {
  const parsed = makeRequestSchema(catalog, now).safeParse(input);
  if (!parsed.success) {
    throw new AppError("INVALID", "Check the highlighted fields.", { fieldErrors: fieldErrorsOf(parsed.error) });
  }
  const request = parsed.data;

  const team = user.teams.find((t) => t.slug === request.team);
  if (!team || !canRequestForTeam(user, team.id)) {
    throw new AppError("INVALID", "Check the highlighted fields.", {
      fieldErrors: { team: ["Choose one of your own teams."] },
    });
  }

  const live = await db.environment.findFirst({
    where: { name: request.name, status: { notIn: ["REJECTED", "DELETED"] } },
    select: { id: true },
  });
  if (live) throw nameTaken(request.name);

  const nameSuffix = newNameSuffix();
  const chartVersion = chartVersionFor(request.airflowVersion);
  if (checkRelease) {
    const teamRow = await db.team.findUniqueOrThrow({ where: { id: team.id }, select: { name: true, entraGroupId: true } });
    // Checked as it will be applied: with the identity and task logs its provisioning creates.
    await checkRelease(
      asPlanned(releaseSpecOf({
        ...request,
        nameSuffix,
        chartVersion,
        dagRepoUrl: request.dagRepoUrl ?? null,
        dagBranch: request.dagBranch ?? null,
        dagSubPath: request.dagSubPath ?? null,
        team: teamRow,
      })),
    );
  }

  try {
    return await db.$transaction(async (tx) => {
      if (rateLimit) await assertUnderRateLimit(tx, user.id, rateLimit, now);
      const environment = await tx.environment.create({
        data: {
          name: request.name,
          nameSuffix,
          teamId: team.id,
          requestedById: user.id,
          purpose: request.purpose,
          region: request.region,
          size: request.size,
          executor: request.executor,
          airflowVersion: request.airflowVersion,
          chartVersion,
          dagRepoUrl: request.dagRepoUrl ?? null,
          dagBranch: request.dagBranch ?? null,
          dagSubPath: request.dagSubPath ?? null,
          expiresAt: request.expiresOn ? new Date(`${request.expiresOn}T00:00:00Z`) : null,
        },
        select: { id: true },
      });
      await recordAudit(tx, {
        environmentId: environment.id,
        actorId: user.id,
        action: "environment.requested",
        toStatus: "PENDING_APPROVAL",
        reason: request.purpose,
      });
      return environment;
    });
  } catch (error) {
    // Two requests for the same name at once: the partial unique index decides, not the check above.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw nameTaken(request.name);
    throw error;
  }
}

async function assertUnderRateLimit(tx: Prisma.TransactionClient, userId: string, limit: RequestRateLimit, now: Date): Promise<void> {
  // Held until this transaction ends: the next request by the same person counts this one.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('portal.environment-requests'), hashtext(${userId}))`;
  const recent = await tx.environment.count({
    where: { requestedById: userId, createdAt: { gt: new Date(now.getTime() - 60 * 60 * 1000) } },
  });
  if (recent >= limit.perHour) {
    throw new AppError(
      "RATE_LIMITED",
      `You have made ${recent} requests in the last hour, the most the portal takes from one person. Try again later, or ask a portal admin.`,
    );
  }
}
