import type { ArmResource, Json } from "../store.js";
import { isPlainObject, uuidFrom } from "../util.js";
import { badRequest } from "./errors.js";

/**
 * A managed cluster's `addonProfiles`, as AKS keeps them: each add-on `{enabled, config}`, its
 * managed identity answered while it is enabled. Only the Key Vault secrets provider matters to the
 * emulator: the application routing add-on's NGINX reads Key Vault certificates through it (the
 * Secrets Store CSI driver), so without it NGINX serves its own default certificate.
 */
export const KEY_VAULT_SECRETS_PROVIDER = "azureKeyvaultSecretsProvider";

/** Add-on names AKS knows (their canonical casing); a PUT naming another is refused. */
const KNOWN = [
  KEY_VAULT_SECRETS_PROVIDER,
  "azurepolicy",
  "omsagent",
  "ingressApplicationGateway",
  "aciConnectorLinux",
  "openServiceMesh",
  "httpApplicationRouting",
  "confcom",
  "kubeDashboard",
];

/** The secrets provider's settings: rotation as a string boolean, the poll interval as a Go duration. */
const PROVIDER_DEFAULTS = { enableSecretRotation: "false", rotationPollInterval: "2m" };
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

const invalid = (path: string, why: string) =>
  badRequest("InvalidRequestContent", `The request content was invalid: 'properties.addonProfiles.${path}' ${why}.`);

/** Checks `properties.addonProfiles` as AKS does: known add-ons, `enabled` a boolean, `config` string values. */
export function validateAddonProfiles(input: Json) {
  const profiles = input.addonProfiles;
  if (profiles === undefined || profiles === null) return;
  if (!isPlainObject(profiles)) throw badRequest("InvalidRequestContent", "The request content was invalid: 'properties.addonProfiles' must be an object.");
  for (const [name, profile] of Object.entries(profiles)) {
    if (!KNOWN.some((k) => k.toLowerCase() === name.toLowerCase())) {
      throw badRequest("AddonInvalid", `Addon '${name}' is not supported. Supported addons: ${KNOWN.join(", ")}.`);
    }
    if (!isPlainObject(profile)) throw invalid(name, "must be an object");
    if (typeof profile.enabled !== "boolean") throw invalid(`${name}.enabled`, "is required and must be a boolean");
    const config = profile.config;
    if (config === undefined || config === null) continue;
    if (!isPlainObject(config)) throw invalid(`${name}.config`, "must be an object");
    for (const [key, value] of Object.entries(config)) {
      if (typeof value !== "string") throw invalid(`${name}.config.${key}`, "must be a string");
    }
    if (name.toLowerCase() === KEY_VAULT_SECRETS_PROVIDER.toLowerCase()) {
      const rotation = config.enableSecretRotation;
      if (rotation !== undefined && rotation !== "true" && rotation !== "false") {
        throw badRequest("InvalidParameter", `The value of parameter addonProfiles.${name}.config.enableSecretRotation is invalid: '${String(rotation)}'. Allowed values are 'true' and 'false'.`);
      }
      const interval = config.rotationPollInterval;
      if (interval !== undefined && !DURATION.test(String(interval))) {
        throw badRequest("InvalidParameter", `The value of parameter addonProfiles.${name}.config.rotationPollInterval is invalid: '${String(interval)}' is not a valid duration.`);
      }
    }
  }
}

/**
 * The stored add-ons: the PUT's (or the previous ones when the PUT leaves them out), with AKS's
 * defaults and each enabled add-on's identity in the node resource group (`<addon>-<cluster>`).
 */
export function addonProfilesFor(input: Json, previous: Json, clusterId: string, nodeResourceGroup: string, clusterName: string): Json | undefined {
  const given = (input.addonProfiles ?? previous.addonProfiles) as Json | undefined;
  if (!given) return undefined;
  const sub = clusterId.split("/")[2] as string;
  const out: Json = {};
  for (const [name, raw] of Object.entries(given)) {
    const { identity: _ignored, ...profile } = raw as Json;
    const canonical = KNOWN.find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
    const enabled = profile.enabled === true;
    const config = canonical === KEY_VAULT_SECRETS_PROVIDER ? { ...PROVIDER_DEFAULTS, ...(profile.config as Json | undefined) } : (profile.config as Json | null | undefined) ?? null;
    const identityName = `${canonical.toLowerCase()}-${clusterName}`;
    out[canonical] = {
      enabled,
      config,
      ...(enabled
        ? {
            identity: {
              resourceId: `/subscriptions/${sub}/resourcegroups/${nodeResourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${identityName}`,
              clientId: uuidFrom(`${clusterId.toLowerCase()}#${identityName}-client`),
              objectId: uuidFrom(`${clusterId.toLowerCase()}#${identityName}-object`),
            },
          }
        : {}),
    };
  }
  return out;
}

/** Whether the cluster runs the Key Vault secrets provider (the Secrets Store CSI driver for Key Vault). */
export function hasKeyVaultSecretsProvider(cluster: ArmResource | undefined): boolean {
  const profiles = (cluster?.body.properties as Json | undefined)?.addonProfiles as Json | undefined;
  return ((profiles?.[KEY_VAULT_SECRETS_PROVIDER] as Json | undefined)?.enabled ?? false) === true;
}
