import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, SUBSCRIPTION, type TestEmulator } from "@/emulator/test/support";
import { compareAddresses, outboundIpIds, parsePublicIpId } from "@/lib/azure/cluster-outbound";
import { emulatorStepContext, testEnvironment, type StepHarness } from "@/scripts/test-support/provisioning-steps";
import { clusterSpec, createCluster } from "./cluster";
import { createDatabaseServer } from "./database";
import { firewallRuleName, openDatabaseToCluster } from "./database-firewall";
import { createResourceGroup } from "./resource-group";

/**
 * The firewall step through the real SDK clients against the emulated Azure: the cluster's
 * outbound IPs change the way AKS changes them (`managedOutboundIPs.count`), and the emulator's
 * counters show which firewall rules were written or deleted.
 */
type Counter = { created: number; puts: number; deletes: number };

let emulator: TestEmulator;
let h: StepHarness;

const env = testEnvironment("firewall");
const { resourceGroup: rg, cluster: clusterName, postgresServer: server } = env.names;

/** Puts and deletes of the server's firewall rules, by rule name. */
async function ruleWrites(): Promise<Record<string, Counter>> {
  const { counts } = await emulator.control<{ counts: Record<string, Counter> }>("GET", "state");
  const prefix = `/providers/microsoft.dbforpostgresql/flexibleservers/${server}/firewallrules/`;
  const rules = Object.entries(counts).filter(([id]) => id.includes(prefix));
  return Object.fromEntries(rules.map(([id, counter]) => [id.split("/").pop()!, counter]));
}

/** The server's rules: name → "start-end". */
async function rules(): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for await (const r of h.ctx.arm.postgres.firewallRules.listByServer(rg, server)) {
    found[r.name!] = `${r.startIpAddress}-${r.endIpAddress}`;
  }
  return found;
}

const only = (address: string) => `${address}-${address}`;
const OFFICE = "198.51.100.7";

/** As a platform admin would (`az aks update --load-balancer-managed-outbound-ip-count`); returns the addresses. */
async function setOutboundIpCount(count: number): Promise<string[]> {
  const { aks, network, poll } = h.ctx.arm;
  const spec = clusterSpec(h.ctx);
  spec.networkProfile = { ...spec.networkProfile, loadBalancerProfile: { managedOutboundIPs: { count } } };
  const cluster = await aks.managedClusters.beginCreateOrUpdateAndWait(rg, clusterName, spec, poll);
  const ips = outboundIpIds(cluster).map((id) => parsePublicIpId(id));
  const found = await Promise.all(ips.map((ip) => network.publicIPAddresses.get(ip.resourceGroup, ip.name)));
  return found.map((ip) => ip.ipAddress!);
}

beforeAll(async () => {
  emulator = await startTestEmulator();
  h = emulatorStepContext(emulator, SUBSCRIPTION, env);
  await createResourceGroup(h.ctx);
  await Promise.all([createCluster(h.ctx), createDatabaseServer(h.ctx)]);
});
afterAll(() => emulator?.close());

describe("the database firewall step", () => {
  it("admits each outbound IP of the cluster with a rule of its own, replacing the earlier single rule", async () => {
    const [a, b] = (await setOutboundIpCount(2)) as [string, string];
    // What an environment built before had, and a rule someone else keeps on the server.
    const put = (name: string, ip: string) => {
      const rule = { startIpAddress: ip, endIpAddress: ip };
      return h.ctx.arm.postgres.firewallRules.beginCreateOrUpdateAndWait(rg, server, name, rule, h.ctx.arm.poll);
    };
    await put("aks-outbound", a);
    await put("office-vpn", OFFICE);

    const output = await openDatabaseToCluster(h.ctx);
    expect(await rules()).toEqual({
      [firewallRuleName(a)]: only(a),
      [firewallRuleName(b)]: only(b),
      "office-vpn": only(OFFICE),
    });
    expect(output.ips).toEqual([a, b].sort(compareAddresses));
    const ruleId = expect.stringMatching(/\/firewallRules\/aks-outbound-[0-9-]+$/i);
    expect(output.ids).toEqual([ruleId, ruleId]);
    const writes = await ruleWrites();
    expect(writes[firewallRuleName(a)]).toMatchObject({ created: 1, puts: 1 });
    expect(writes[firewallRuleName(b)]).toMatchObject({ created: 1, puts: 1 });
    expect(writes["aks-outbound"]).toMatchObject({ deletes: 1 });
  });

  it("writes nothing when run again and nothing changed", async () => {
    const before = await ruleWrites();
    await openDatabaseToCluster(h.ctx);
    expect(await ruleWrites()).toEqual(before);
    expect(h.logs.at(-1)).toMatch(/already admits the cluster's .* only/);
  });

  it("removes the rule of an outbound IP the cluster no longer has, and only that one", async () => {
    const before = Object.keys(await rules()).filter((name) => name.startsWith("aks-outbound-"));
    const [kept] = (await setOutboundIpCount(1)) as [string];
    await openDatabaseToCluster(h.ctx);
    expect(await rules()).toEqual({ [firewallRuleName(kept)]: only(kept), "office-vpn": only(OFFICE) });
    const gone = before.find((name) => name !== firewallRuleName(kept))!;
    const writes = await ruleWrites();
    expect(writes[gone]).toMatchObject({ puts: 1, deletes: 1 });
    expect(writes[firewallRuleName(kept)]).toMatchObject({ puts: 1, deletes: 0 });
    expect(writes["office-vpn"]).toMatchObject({ puts: 1, deletes: 0 });
  });
});
