import type { StepRun } from "../context";

/**
 * Deleting the resource group deletes everything the environment owns (AKS removes its node
 * resource group with the cluster). A group already gone is success: teardown is idempotent.
 */
export const deleteResourceGroup: StepRun = async (ctx) => {
  const { env, arm } = ctx;
  const name = env.names.resourceGroup;
  const exists = await ctx.retry(() => arm.resources.resourceGroups.checkExistence(name, { abortSignal: ctx.signal }));
  if (!exists.body) {
    await ctx.log(`Resource group ${name} does not exist; nothing to delete`);
    return { deleted: false };
  }
  await ctx.log(`Deleting resource group ${name} and everything in it`);
  await ctx.retry(async () => {
    try {
      await arm.resources.resourceGroups.beginDeleteAndWait(name, { ...arm.poll, abortSignal: ctx.signal });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return;
      throw error;
    }
  });
  await ctx.log(`Resource group ${name} deleted`);
  return { deleted: true };
};
