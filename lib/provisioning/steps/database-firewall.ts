import type { FirewallRule } from "@azure/arm-postgresql-flexible";
import { clusterOutboundAddresses } from "@/lib/azure/cluster-outbound";
import type { StepRun } from "../context";

/**
 * The portal's firewall rules on an environment's database server: one per outbound address of
 * the cluster, named after the address, so a retry finds the rule it made and a rule the portal
 * did not make (another prefix) is never touched. `aks-outbound` alone is the single rule that
 * environments built earlier have; it counts as the portal's and is replaced by the named ones.
 */
export const FIREWALL_RULE_PREFIX = "aks-outbound";

export const firewallRuleName = (address: string) => `${FIREWALL_RULE_PREFIX}-${address.replaceAll(".", "-")}`;

export const isPortalRule = (name: string) =>
  name === FIREWALL_RULE_PREFIX || name.startsWith(`${FIREWALL_RULE_PREFIX}-`);

export interface FirewallChanges {
  /** Rules to write: missing, or found admitting something other than their address. */
  put: { name: string; address: string }[];
  /** The portal's rules for addresses the cluster no longer uses. */
  remove: string[];
}

/** What to change so the portal's rules admit exactly `addresses`, one address each. */
export function firewallChanges(addresses: readonly string[], existing: readonly FirewallRule[]): FirewallChanges {
  const byName = new Map(existing.filter((r) => r.name && isPortalRule(r.name)).map((r) => [r.name!, r]));
  const wanted = new Map(addresses.map((address) => [firewallRuleName(address), address]));
  const admitsOnly = (rule: FirewallRule | undefined, address: string) =>
    rule?.startIpAddress === address && rule.endIpAddress === address;
  const put = [...wanted]
    .filter(([name, address]) => !admitsOnly(byName.get(name), address))
    .map(([name, address]) => ({ name, address }));
  return { put, remove: [...byName.keys()].filter((name) => !wanted.has(name)).sort() };
}

/**
 * The database accepts connections from the cluster's outbound addresses only — never from
 * everywhere. Run again on every run of the operation (the plan marks it `recheck`), since AKS
 * may change or add outbound IPs while the environment lives: it reads them all, writes only the
 * rules that differ, and removes the portal's rules for addresses no longer in use — after the new
 * ones exist, so the cluster is never shut out between the two.
 */
export const openDatabaseToCluster: StepRun = async (ctx) => {
  const { env, arm } = ctx;
  const rg = env.names.resourceGroup;
  const server = env.names.postgresServer;
  const options = { ...arm.poll, abortSignal: ctx.signal };
  const addresses = await ctx.retry(() => clusterOutboundAddresses(arm, rg, env.names.cluster, ctx.signal));
  const existing = await ctx.retry(async () => {
    const rules: FirewallRule[] = [];
    for await (const rule of arm.postgres.firewallRules.listByServer(rg, server, options)) rules.push(rule);
    return rules;
  });
  const changes = firewallChanges(addresses, existing);
  const ids = new Map(existing.map((rule) => [rule.name, rule.id]));
  for (const { name, address } of changes.put) {
    const only = { startIpAddress: address, endIpAddress: address };
    const rule = await ctx.retry(() =>
      arm.postgres.firewallRules.beginCreateOrUpdateAndWait(rg, server, name, only, options),
    );
    ids.set(name, rule.id);
    await ctx.log(`Firewall rule ${name} admits ${address}`);
  }
  for (const name of changes.remove) {
    await ctx.retry(() => arm.postgres.firewallRules.beginDeleteAndWait(rg, server, name, options));
    await ctx.log(`Firewall rule ${name} removed: the cluster no longer sends from its address`);
  }
  if (changes.put.length === 0 && changes.remove.length === 0) {
    await ctx.log(`The firewall already admits the cluster's ${addresses.join(", ")} only`);
  }
  const ruleIds = addresses.map((address) => ids.get(firewallRuleName(address)));
  // `id` is what the environment's page lists as its firewall rule: the first of them.
  return { id: ruleIds[0], ids: ruleIds, ips: addresses };
};
