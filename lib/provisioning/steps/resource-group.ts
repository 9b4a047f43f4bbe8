import type { StepRun } from "../context";

export const MANAGED_BY = "airflow-portal";

/** Tags on everything the portal creates, so Azure's own views say whose it is and who made it. */
export function environmentTags(env: import("../context").EngineEnvironment): Record<string, string> {
  return {
    team: env.team.slug,
    environment: env.name,
    "requested-by": env.requestedBy.email ?? env.requestedBy.name,
    "managed-by": MANAGED_BY,
  };
}

/** A resource group PUT is synchronous and idempotent: the same call creates or leaves it be. */
export const createResourceGroup: StepRun = async (ctx) => {
  const { env, arm } = ctx;
  const group = await ctx.retry(() =>
    arm.resources.resourceGroups.createOrUpdate(env.names.resourceGroup, { location: env.region, tags: environmentTags(env) }, { abortSignal: ctx.signal }),
  );
  await ctx.log(`Resource group ${env.names.resourceGroup} in ${group.location}`);
  return { id: group.id };
};
