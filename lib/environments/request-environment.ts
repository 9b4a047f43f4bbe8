import { canRequestForTeam } from "@/lib/authz";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import type { CurrentUser } from "@/lib/users/resolve-user";
import { chartVersionFor, type Catalog } from "./catalog";
import { newNameSuffix } from "./naming";
import { fieldErrorsOf, makeRequestSchema } from "./request-schema";

const nameTaken = (name: string) =>
  new AppError("INVALID", "Check the highlighted fields.", {
    fieldErrors: { name: [`An environment named "${name}" already exists. Choose another name.`] },
  });

/**
 * Records a request for a new environment, pending an admin's approval. Validates everything the
 * browser sent again; writes nothing unless all of it holds.
 */
export async function requestEnvironment(
  db: PrismaClient,
  user: CurrentUser,
  input: unknown,
  catalog: Catalog,
  now: Date = new Date(),
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

  try {
    return await db.$transaction(async (tx) => {
      const environment = await tx.environment.create({
        data: {
          name: request.name,
          nameSuffix: newNameSuffix(),
          teamId: team.id,
          requestedById: user.id,
          purpose: request.purpose,
          region: request.region,
          size: request.size,
          executor: request.executor,
          airflowVersion: request.airflowVersion,
          chartVersion: chartVersionFor(request.airflowVersion),
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
