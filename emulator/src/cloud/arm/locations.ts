import { badRequest } from "./errors.js";

/**
 * Azure's public regions, as ARM spells them. ARM refuses a location that is not one of them, so a
 * typo in a region setting fails here as it would in Azure instead of creating resources nowhere.
 */
export const AZURE_REGIONS = [
  // Americas
  "eastus",
  "eastus2",
  "centralus",
  "northcentralus",
  "southcentralus",
  "westcentralus",
  "westus",
  "westus2",
  "westus3",
  "canadacentral",
  "canadaeast",
  "brazilsouth",
  "brazilsoutheast",
  "mexicocentral",
  "chilecentral",
  // Europe
  "westeurope",
  "northeurope",
  "swedencentral",
  "uksouth",
  "ukwest",
  "francecentral",
  "francesouth",
  "germanywestcentral",
  "germanynorth",
  "norwayeast",
  "norwaywest",
  "switzerlandnorth",
  "switzerlandwest",
  "italynorth",
  "polandcentral",
  "spaincentral",
  // Middle East and Africa
  "uaenorth",
  "uaecentral",
  "qatarcentral",
  "israelcentral",
  "southafricanorth",
  "southafricawest",
  // Asia Pacific
  "australiaeast",
  "australiasoutheast",
  "australiacentral",
  "australiacentral2",
  "newzealandnorth",
  "eastasia",
  "southeastasia",
  "japaneast",
  "japanwest",
  "koreacentral",
  "koreasouth",
  "centralindia",
  "southindia",
  "westindia",
  "indonesiacentral",
  "malaysiawest",
] as const;

const KNOWN = new Set<string>(AZURE_REGIONS);

/** ARM's canonical form of a location: lower case, no spaces ("West Europe" → westeurope). */
export const normalizeLocation = (location: string) => location.replace(/\s+/g, "").toLowerCase();

/** The body's location in canonical form; 400 when it is missing or not a region ARM knows. */
export function requireLocation(body: Record<string, unknown>, resourceType: string) {
  const location = body.location;
  if (typeof location !== "string" || !location.trim()) {
    throw badRequest("LocationRequired", "The location property is required for this definition.");
  }
  return checkLocation(location, resourceType);
}

/** The canonical location, or ARM's 400 naming the regions it would have taken. */
export function checkLocation(location: string, resourceType: string): string {
  const canonical = normalizeLocation(location);
  if (KNOWN.has(canonical)) return canonical;
  const regions = AZURE_REGIONS.join(",");
  if (resourceType.toLowerCase() === "microsoft.resources/resourcegroups") {
    throw badRequest("LocationNotAvailableForResourceGroup", `The provided location '${location}' is not available for resource group. List of available regions is '${regions}'.`);
  }
  throw badRequest(
    "LocationNotAvailableForResourceType",
    `The provided location '${location}' is not available for resource type '${resourceType}'. List of available regions for the resource type is '${regions}'.`,
  );
}
