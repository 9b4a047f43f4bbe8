/**
 * Blob containers through ARM (`…/storageAccounts/{account}/blobServices/default/containers/{name}`):
 * PUT (201, then 200), GET, DELETE (200, 204 when absent), list. A container made here is made in
 * the account's blob data plane too (Azurite behind the emulator), and goes from it with a delete
 * here or with its account.
 */
import { randomBytes } from "node:crypto";
import type { CloudContext } from "../context.js";
import type { ArmResource, Json } from "../store.js";
import { isPlainObject } from "../util.js";
import { ArmError, badRequest } from "./errors.js";
import { childRoutes } from "./resource-routes.js";
import { isoNow, props, reply, type ArmRequest } from "./resources.js";
import { requireStorageAccount, STORAGE_ACCOUNT_TYPE } from "./storage-accounts.js";

export const BLOB_CONTAINER_TYPE = `${STORAGE_ACCOUNT_TYPE}/blobServices/containers`;
const SEGMENT = "blobServices/default/containers";

/** 3–63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit. */
const NAME_RULE = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;
const PUBLIC_ACCESS = ["None", "Container", "Blob"];

/** The scope a container's role assignments name. */
export const containerScope = (accountId: string, container: string) => `${accountId}/${SEGMENT}/${container}`;

const etag = () => `"0x${randomBytes(8).toString("hex").toUpperCase()}"`;

async function put(ctx: CloudContext, ar: ArmRequest) {
  const account = requireStorageAccount(ctx, ar);
  const name = ar.params[3] as string;
  if (!NAME_RULE.test(name)) {
    // The code is the one the provider is reported to answer; the words are the data plane's.
    throw badRequest("ContainerOperationFailure", "The specified resource name contains invalid characters.");
  }
  const body = await ar.body();
  const input = isPlainObject(body.properties) ? body.properties : {};
  const publicAccess = String(input.publicAccess ?? "None");
  if (!PUBLIC_ACCESS.includes(publicAccess)) throw badRequest("InvalidRequestPropertyValue", `The value '${publicAccess}' is not allowed for property publicAccess.`);
  if (publicAccess !== "None" && props(account).allowBlobPublicAccess !== true) {
    // Azure's code and words.
    throw new ArmError(409, "PublicAccessNotPermitted", "Public access is not permitted on this storage account.");
  }
  const id = containerScope(account.id, name);
  const existing = ctx.store.getResource(id);
  const now = isoNow();
  const resource: ArmResource = {
    id,
    type: BLOB_CONTAINER_TYPE,
    body: {
      id,
      name,
      type: BLOB_CONTAINER_TYPE,
      etag: etag(),
      properties: {
        publicAccess,
        ...(isPlainObject(input.metadata) ? { metadata: input.metadata } : {}),
        lastModifiedTime: now,
        leaseStatus: "Unlocked",
        leaseState: "Available",
        hasImmutabilityPolicy: false,
        hasLegalHold: false,
        deleted: false,
        remainingRetentionDays: 0,
        defaultEncryptionScope: "$account-encryption-key",
        denyEncryptionScopeOverride: false,
      },
    },
  };
  await ctx.blob.ensureContainer(String(account.body.name), name);
  ctx.store.putResource(resource);
  ctx.store.count(id, "puts");
  if (!existing) ctx.store.count(id, "created");
  reply(ar, existing ? 200 : 201, resource.body);
}

export function registerBlobContainers(ctx: CloudContext) {
  ctx.onRemoved.push((r) => {
    if (r.type !== BLOB_CONTAINER_TYPE) return;
    const account = r.id.split("/")[8] ?? "";
    void ctx.blob.deleteContainer(account, String(r.body.name)).catch((err: unknown) => ctx.log(`blob: deleting container ${account}/${String(r.body.name)}: ${String(err)}`));
  });
}

export const blobContainerRoutes = childRoutes(STORAGE_ACCOUNT_TYPE, {
  segment: SEGMENT,
  type: BLOB_CONTAINER_TYPE,
  kind: "blobContainer",
  parent: requireStorageAccount,
  render: (_ctx, container: ArmResource): Json => container.body,
  put,
  synchronousDelete: true,
});
