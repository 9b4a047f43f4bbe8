import { badRequest } from "./errors.js";

/**
 * The api-versions each resource provider of the emulated subset answers, as Azure publishes
 * them. A version outside its provider's list is refused with ARM's InvalidApiVersionParameter,
 * naming the supported ones, so a client pinned to a version Azure does not have fails here as
 * it would there. Microsoft.Resources' list is the gateway's own; for the others the GA and
 * preview versions of their REST specifications (AKS publishes a GA version on the first of most
 * months, which is written as a rule rather than a list).
 */
const RESOURCES = [
  "2025-04-01", "2025-03-01", "2024-10-01-preview", "2024-11-01", "2024-08-01", "2024-07-01", "2024-06-01-preview", "2024-03-01",
  "2023-07-01", "2023-07-01-preview", "2023-03-01-preview", "2022-12-01", "2022-11-01-preview", "2022-09-01", "2022-06-01", "2022-05-01",
  "2022-03-01-preview", "2022-01-01", "2021-04-01", "2021-01-01", "2020-10-01", "2020-09-01", "2020-08-01", "2020-07-01", "2020-06-01",
  "2020-05-01", "2020-01-01", "2019-11-01", "2019-10-01", "2019-09-01", "2019-08-01", "2019-07-01", "2019-06-01", "2019-05-10",
  "2019-05-01", "2019-03-01", "2018-11-01", "2018-09-01", "2018-08-01", "2018-07-01", "2018-06-01", "2018-05-01", "2018-02-01",
  "2018-01-01", "2017-12-01", "2017-08-01", "2017-06-01", "2017-05-10", "2017-05-01", "2017-03-01", "2016-09-01", "2016-07-01",
  "2016-06-01", "2016-02-01", "2015-11-01", "2015-01-01", "2014-04-01-preview", "2014-04-01", "2014-01-01", "2013-03-01",
  "2014-02-26", "2014-04",
];

const POSTGRES = [
  "2025-08-01", "2025-06-01-preview", "2025-01-01-preview", "2024-11-01-preview", "2024-08-01", "2024-03-01-preview", "2023-12-01-preview",
  "2023-06-01-preview", "2023-03-01-preview", "2022-12-01", "2022-05-01-preview", "2022-03-08-preview", "2022-01-20-preview",
  "2021-06-15-privatepreview", "2021-06-01", "2021-06-01-preview", "2021-04-10-privatepreview", "2020-11-05-preview",
  "2020-02-14-privatepreview", "2020-02-14-preview",
];

const KUBERNETES_CONFIGURATION = [
  "2024-11-01", "2023-05-01", "2022-11-01", "2022-07-01", "2022-04-02-preview", "2022-03-01", "2022-01-15-preview", "2022-01-01-preview",
  "2021-11-01-preview", "2021-09-01", "2021-05-01-preview", "2020-07-01-preview",
];

const NETWORK = [
  "2025-05-01", "2025-03-01", "2025-01-01", "2024-10-01", "2024-07-01", "2024-05-01", "2024-03-01", "2024-01-01", "2023-11-01",
  "2023-09-01", "2023-06-01", "2023-05-01", "2023-04-01", "2023-02-01", "2022-11-01", "2022-09-01", "2022-07-01", "2022-05-01",
  "2022-01-01", "2021-08-01", "2021-05-01", "2021-03-01", "2021-02-01", "2020-11-01", "2020-08-01", "2020-07-01", "2020-06-01",
  "2020-05-01", "2020-04-01", "2020-03-01", "2019-12-01", "2019-11-01", "2019-09-01", "2019-08-01", "2019-07-01", "2019-06-01",
  "2019-04-01", "2019-02-01", "2018-12-01", "2018-11-01", "2018-10-01", "2018-08-01", "2018-07-01", "2018-06-01", "2018-04-01",
  "2018-02-01", "2018-01-01", "2017-11-01", "2017-10-01", "2017-09-01", "2017-08-01", "2017-06-01", "2017-04-01", "2017-03-01",
  "2016-12-01", "2016-11-01", "2016-10-01", "2016-09-01", "2016-08-01", "2016-07-01", "2016-06-01", "2016-03-30", "2015-06-15",
];

/** Azure DNS publishes its own versions, apart from the rest of Microsoft.Network. */
const DNS = ["2023-07-01-preview", "2018-05-01", "2018-03-01-preview", "2017-10-01", "2017-09-15-preview", "2017-09-01", "2016-04-01", "2015-05-04-preview"];

/** Private DNS publishes its own versions too. */
const PRIVATE_DNS = ["2024-06-01", "2020-06-01", "2020-01-01", "2018-09-01"];

const AUTHORIZATION = [
  "2022-05-01-preview", "2022-04-01", "2022-01-01-preview", "2021-03-01-preview", "2020-10-01-preview", "2020-08-01-preview", "2020-04-01-preview",
  "2020-03-01-preview", "2019-04-01-preview", "2018-12-01-preview", "2018-09-01-preview", "2018-07-01", "2018-01-01-preview", "2017-10-01-preview",
  "2017-05-01", "2016-09-01", "2015-07-01", "2015-06-01", "2015-01-01",
];

const MANAGED_IDENTITY = ["2025-01-31-preview", "2024-11-30", "2023-07-31-preview", "2023-01-31", "2022-01-31-preview", "2021-09-30-preview", "2018-11-30", "2015-08-31-preview"];

/** Microsoft.Storage's versions (`@azure/arm-storage` 20.2's is 2026-06-01). */
const STORAGE = [
  "2026-06-01", "2026-04-01", "2025-08-01", "2025-06-01", "2025-01-01", "2024-01-01", "2023-05-01", "2023-04-01", "2023-01-01", "2022-09-01",
  "2022-05-01", "2021-09-01", "2021-08-01", "2021-06-01", "2021-04-01", "2021-02-01", "2021-01-01", "2020-08-01-preview", "2019-06-01",
  "2019-04-01", "2018-11-01", "2018-07-01", "2018-03-01-preview", "2018-02-01", "2017-10-01", "2017-06-01", "2016-12-01", "2016-05-01",
  "2016-01-01", "2015-06-15", "2015-05-01-preview",
];

/** Microsoft.KeyVault's versions (`@azure/arm-keyvault` 5's is 2026-02-01; the list is from its REST specifications, as far as known). */
const KEY_VAULT = [
  "2026-02-01", "2025-05-01", "2024-12-01-preview", "2024-11-01", "2024-04-01-preview", "2023-08-01-preview", "2023-07-01", "2023-02-01",
  "2022-11-01", "2022-07-01", "2022-02-01-preview", "2021-11-01-preview", "2021-10-01", "2021-06-01-preview", "2021-04-01-preview",
  "2020-04-01-preview", "2019-09-01", "2018-02-14", "2018-02-14-preview", "2016-10-01", "2015-06-01",
];

/** AKS: GA on the first of a month from February 2019 to the newest the SDKs use, previews in between, and the two first GAs. */
function aksSupports(version: string): boolean {
  if (version === "2017-08-31" || version === "2018-03-31") return true;
  const ga = /^(\d{4}-\d{2})-01$/.exec(version);
  if (ga) return ga[1]! >= "2019-02" && ga[1]! <= "2026-04";
  const preview = /^(\d{4}-\d{2}-\d{2})-preview$/.exec(version);
  return preview !== null && validDate(preview[1]!) && preview[1]! >= "2018-08-01" && preview[1]! <= "2026-04-30";
}

const AKS_LISTED = "2026-04-01, 2026-03-01, …, 2019-02-01 (the first of each month), their -preview versions, 2018-03-31, 2017-08-31";

function validDate(date: string): boolean {
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date);
}

/** The provider whose api-version applies: the last `providers/<namespace>` of the path, else Microsoft.Resources. */
function namespaceOf(path: string): string {
  const matches = [...path.matchAll(/\/providers\/([^/]+)/gi)];
  return matches.length > 0 ? matches[matches.length - 1]![1]!.toLowerCase() : "microsoft.resources";
}

const LISTS: Record<string, readonly string[]> = {
  "microsoft.resources": RESOURCES,
  "microsoft.dbforpostgresql": POSTGRES,
  "microsoft.kubernetesconfiguration": KUBERNETES_CONFIGURATION,
  "microsoft.network": NETWORK,
  "microsoft.authorization": AUTHORIZATION,
  "microsoft.managedidentity": MANAGED_IDENTITY,
  "microsoft.storage": STORAGE,
  "microsoft.keyvault": KEY_VAULT,
};

/** Resource types whose versions differ from their provider's list. */
const BY_TYPE: { pattern: RegExp; versions: readonly string[] }[] = [
  { pattern: /\/providers\/microsoft\.network\/dnszones(\/|$)/i, versions: DNS },
  { pattern: /\/providers\/microsoft\.network\/privatednszones(\/|$)/i, versions: PRIVATE_DNS },
];

export function checkApiVersion(path: string, version: string): void {
  const namespace = namespaceOf(path);
  if (namespace === "microsoft.containerservice") {
    if (!aksSupports(version)) throw invalid(version, AKS_LISTED);
    return;
  }
  // An operation's status is polled at the api-version of the request that started it, whichever type that was.
  const operation = /\/locations\/[^/]+\/operation(statuses|results)\//i.test(path);
  const list =
    namespace !== "microsoft.network" ? LISTS[namespace] : operation ? [...(LISTS[namespace] ?? []), ...BY_TYPE.flatMap((b) => b.versions)] : (BY_TYPE.find((b) => b.pattern.test(path))?.versions ?? LISTS[namespace]);
  if (list && !list.includes(version)) throw invalid(version, list.join(","));
}

const invalid = (version: string, supported: string) =>
  badRequest("InvalidApiVersionParameter", `The api-version '${version}' is invalid. The supported versions are '${supported}'.`);
