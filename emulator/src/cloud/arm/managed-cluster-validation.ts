import type { Json } from "../store.js";
import { badRequest } from "./errors.js";
import { validateNetworkProfile } from "./network-profile.js";

const SUPPORTED_MINOR = ["1.30", "1.31", "1.32", "1.33"];
const invalid = (parameter: string, detail: string) =>
  badRequest("InvalidParameter", `The value of parameter ${parameter} is invalid. ${detail} Please see https://aka.ms/aks-naming-rules for more details.`);

/** One pool's fields as AKS checks them; `where` names it in the message (`agentPoolProfiles[0]`, `agentPoolProfile`). */
export function checkPool(pool: Json, where: string) {
  const name = pool.name;
  if (typeof name !== "string" || !/^[a-z][a-z0-9]{0,11}$/.test(name)) {
    throw invalid(`${where}.name`, "Agent pool names must start with a lowercase letter, contain only lowercase letters and numbers, and be 1 to 12 characters long.");
  }
  if (pool.osType === "Windows" && name.length > 6) throw invalid(`${where}.name`, "Windows agent pool names must be 1 to 6 characters long.");
  const count = pool.count ?? 1;
  if (!Number.isInteger(count) || (count as number) < 0 || (count as number) > 1000) throw invalid(`${where}.count`, "Count must be an integer from 0 to 1000.");
  if (pool.vmSize !== undefined && (typeof pool.vmSize !== "string" || !/^Standard_[A-Za-z0-9_]+$/.test(pool.vmSize))) {
    throw badRequest("InvalidParameter", `The VM size of '${String(pool.vmSize)}' in ${where} is not allowed in your subscription in this location.`);
  }
  if (pool.mode !== undefined && pool.mode !== "System" && pool.mode !== "User") throw invalid(`${where}.mode`, "Mode must be System or User.");
  const maxPods = pool.maxPods;
  if (maxPods !== undefined && (!Number.isInteger(maxPods) || (maxPods as number) < 10 || (maxPods as number) > 250)) {
    throw invalid(`${where}.maxPods`, "maxPods must be an integer from 10 to 250.");
  }
  if ((pool.mode ?? "System") === "System" && count === 0 && !pool.enableAutoScaling) throw invalid(`${where}.count`, "A System agent pool needs at least one node.");
  if (pool.enableAutoScaling === true) {
    const { minCount, maxCount } = pool;
    if (!Number.isInteger(minCount) || !Number.isInteger(maxCount)) throw invalid(`${where}.minCount`, "minCount and maxCount are required when enableAutoScaling is true.");
    if ((minCount as number) > (maxCount as number) || (maxCount as number) > 1000 || (minCount as number) < 0) throw invalid(`${where}.minCount`, "minCount must be between 0 and maxCount, and maxCount at most 1000.");
    if ((count as number) < (minCount as number) || (count as number) > (maxCount as number)) throw invalid(`${where}.count`, "Count must be between minCount and maxCount.");
  }
}

/** AKS's checks on the request fields the portal sends; AKS answers 400 InvalidParameter. */
export function validateClusterProperties(body: Json, isUpdate: boolean) {
  const p = body.properties;
  if (typeof p !== "object" || p === null) throw badRequest("InvalidParameter", "The value of parameter properties is required.");
  const props = p as Json;

  const pools = props.agentPoolProfiles;
  if (!Array.isArray(pools) || pools.length === 0) throw invalid("agentPoolProfiles", "At least one agent pool is required.");
  (pools as Json[]).forEach((pool, i) => checkPool(pool, `agentPoolProfiles[${i}]`));
  if (!(pools as Json[]).some((pool) => (pool.mode ?? "System") === "System")) throw invalid("agentPoolProfiles", "At least one agent pool of mode System is required.");
  const names = (pools as Json[]).map((pool) => pool.name);
  if (new Set(names).size !== names.length) throw invalid("agentPoolProfiles", "Agent pool names must be unique.");

  if (props.dnsPrefix !== undefined && (typeof props.dnsPrefix !== "string" || !/^[a-zA-Z0-9]$|^[a-zA-Z0-9][-a-zA-Z0-9]{0,52}[a-zA-Z0-9]$/.test(props.dnsPrefix))) {
    throw invalid("properties.dnsPrefix", "The DNS prefix can contain only letters, numbers and hyphens, must start and end with a letter or number, and be 1 to 54 characters long.");
  }
  if (props.kubernetesVersion !== undefined) {
    const v = String(props.kubernetesVersion);
    const minor = /^(\d+\.\d+)(\.\d+)?$/.exec(v)?.[1];
    if (!minor || !SUPPORTED_MINOR.includes(minor)) {
      throw badRequest("K8sVersionNotSupported", `Version ${v} is not supported in this region. Please use [az aks get-versions] command to get the supported version list in this region.`);
    }
  }
  validateNetworkProfile(props.networkProfile);
  const identity = body.identity as Json | undefined;
  if (identity !== undefined) {
    const type = identity.type;
    if (!["SystemAssigned", "UserAssigned", "None"].includes(type as string)) throw invalid("identity.type", "It must be SystemAssigned, UserAssigned or None.");
    if (type === "UserAssigned" && (typeof identity.userAssignedIdentities !== "object" || !identity.userAssignedIdentities)) {
      throw invalid("identity.userAssignedIdentities", "A UserAssigned identity needs userAssignedIdentities.");
    }
  } else if (!isUpdate && !props.servicePrincipalProfile) {
    throw badRequest("InvalidParameter", "Either a managed identity (identity) or a service principal (servicePrincipalProfile) is required.");
  }
  const sku = body.sku as Json | undefined;
  if (sku && ((sku.name !== undefined && !["Base", "Automatic"].includes(sku.name as string)) || (sku.tier !== undefined && !["Free", "Standard", "Premium"].includes(sku.tier as string)))) {
    throw invalid("sku", "sku.name must be Base or Automatic and sku.tier Free, Standard or Premium.");
  }
}
