import type { ArmResource, Json } from "../store.js";
import { badRequest } from "./errors.js";

const TIERS: Record<string, RegExp> = {
  Burstable: /^Standard_B\d+[a-z]*$/,
  GeneralPurpose: /^Standard_D\d+[a-z]*_v\d$/,
  MemoryOptimized: /^Standard_E\d+[a-z]*_v\d$/,
};
const VERSIONS = ["11", "12", "13", "14", "15", "16", "17"];
const STORAGE_GB = [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767];
const RESERVED_LOGINS = ["azure_superuser", "azure_pg_admin", "admin", "administrator", "root", "guest", "public"];

const invalidValue = (message: string) => badRequest("InvalidParameterValue", message);

function checkPassword(password: unknown) {
  if (typeof password !== "string" || password.length < 8 || password.length > 128) {
    throw badRequest("PasswordTooShort", "The administrator login password must be 8 to 128 characters long.");
  }
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) {
    throw badRequest("PasswordNotComplex", "The administrator login password must contain characters from three of: uppercase letters, lowercase letters, numbers and non-alphanumeric characters.");
  }
}

/** The flexible server checks for the fields the portal sends (SKU, version, storage, admin login). */
export function validateServerProperties(body: Json, existing: ArmResource | undefined) {
  const props = (body.properties ?? {}) as Json;
  if (typeof props !== "object") throw invalidValue("properties must be an object.");
  // An update names what changes: a SKU without its tier keeps the server's tier, and is checked against it.
  const sku = body.sku || existing?.body.sku ? ({ ...(existing?.body.sku as Json | undefined), ...(body.sku as Json | undefined) } as Json) : undefined;
  if (!sku) throw badRequest("InvalidParameterValue", "The sku is required to create a flexible server.");
  const tierRule = TIERS[sku.tier as string];
  if (!tierRule) throw invalidValue(`Invalid sku tier '${String(sku.tier)}'. Allowed values: ${Object.keys(TIERS).join(", ")}.`);
  if (typeof sku.name !== "string" || !tierRule.test(sku.name)) {
    throw badRequest("InvalidSkuName", `The sku name '${String(sku.name)}' is not valid for tier '${sku.tier as string}'.`);
  }

  if (props.version !== undefined && !VERSIONS.includes(String(props.version))) {
    throw invalidValue(`Invalid PostgreSQL version '${String(props.version)}'. Supported versions: ${VERSIONS.join(", ")}.`);
  }
  if (existing && props.version !== undefined && Number(props.version) < Number((existing.body.properties as Json).version)) {
    throw invalidValue("The PostgreSQL major version cannot be downgraded.");
  }

  const storage = props.storage as Json | undefined;
  if (storage?.storageSizeGB !== undefined) {
    const size = storage.storageSizeGB as number;
    if (!STORAGE_GB.includes(size)) throw invalidValue(`Invalid storage size ${String(size)} GB. Allowed sizes: ${STORAGE_GB.join(", ")}.`);
    const current = ((existing?.body.properties as Json | undefined)?.storage as Json | undefined)?.storageSizeGB as number | undefined;
    // Storage only grows on Azure; the code of Azure's refusal was not confirmed (best guess).
    if (current && size < current) throw invalidValue(`Storage size cannot be reduced: the server has ${current} GB and ${size} GB was requested. Storage can only be scaled up.`);
  }

  const ha = (props.highAvailability as Json | undefined)?.mode;
  if (ha !== undefined && !["Disabled", "ZoneRedundant", "SameZone"].includes(ha as string)) throw invalidValue(`Invalid high availability mode '${String(ha)}'.`);
  if (ha && ha !== "Disabled" && sku.tier === "Burstable") throw invalidValue("High availability is not supported for the Burstable tier.");

  const passwordAuth = ((props.authConfig as Json | undefined)?.passwordAuth ?? "Enabled") === "Enabled";
  if (!existing && passwordAuth && (props.createMode ?? "Create") !== "PointInTimeRestore") {
    const login = props.administratorLogin;
    if (typeof login !== "string" || !/^[a-zA-Z][a-zA-Z0-9_]{0,62}$/.test(login)) {
      throw invalidValue("administratorLogin is required: 1 to 63 letters, numbers or underscores, starting with a letter.");
    }
    if (RESERVED_LOGINS.includes(login.toLowerCase()) || login.toLowerCase().startsWith("pg_")) {
      throw badRequest("InvalidAdministratorLogin", `The administrator login '${login}' is reserved. Choose another name.`);
    }
    checkPassword(props.administratorLoginPassword);
  } else if (props.administratorLoginPassword !== undefined) {
    checkPassword(props.administratorLoginPassword);
  }
}
