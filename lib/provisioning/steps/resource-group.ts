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

/**
 * The environment's resource group, written only when it is missing or lacks the portal's tags: a
 * run after a retry or a takeover finds it as it left it and writes nothing. (A resource group PUT
 * is synchronous and idempotent, so writing it when in doubt is safe.)
 */
export const createResourceGroup: StepRun = async (ctx) => {
  const { env, arm } = ctx;
  const name = env.names.resourceGroup;
  const tags = environmentTags(env);
  const existing = await ctx.retry(async () => {
    try {
      return await arm.resources.resourceGroups.get(name, { abortSignal: ctx.signal });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return null;
      throw error;
    }
  });
  const tagged = existing && Object.entries(tags).every(([k, v]) => existing.tags?.[k] === v);
  if (existing && tagged && existing.properties?.provisioningState !== "Deleting") {
    await ctx.log(`Resource group ${name} in ${existing.location} already exists`);
    return { id: existing.id };
  }
  const group = await ctx.retry(() =>
    arm.resources.resourceGroups.createOrUpdate(name, { location: existing?.location ?? env.region, tags: { ...existing?.tags, ...tags } }, { abortSignal: ctx.signal }),
  );
  await ctx.log(`Resource group ${name} in ${group.location}`);
  return { id: group.id };
};
