/**
 * Who may do what on the blob endpoint, decided as Azure Storage decides it for an account with
 * Entra authorization: a bearer token from the emulator's token service for Storage, whose `oid`
 * holds a Storage Blob Data role on the container, the account, or a scope above (role assignments
 * ARM stores); Shared Key and SAS only when the account allows them. Answers are the service's XML
 * errors.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { TENANT_ID } from "../arm/cluster-ids.js";
import { containerScope } from "../arm/blob-containers.js";
import { BUILT_IN_ROLES, holdsRole } from "../arm/role-assignments.js";
import { sharedKeyAllowed, storageAccountNamed } from "../arm/storage-accounts.js";
import type { CloudContext } from "../context.js";
import type { ArmResource } from "../store.js";

export const BLOB_DATA_OWNER = BUILT_IN_ROLES["Storage Blob Data Owner"] as string;
export const BLOB_DATA_CONTRIBUTOR = BUILT_IN_ROLES["Storage Blob Data Contributor"] as string;
export const BLOB_DATA_READER = BUILT_IN_ROLES["Storage Blob Data Reader"] as string;

const WRITERS = [BLOB_DATA_OWNER, BLOB_DATA_CONTRIBUTOR];
const READERS = [...WRITERS, BLOB_DATA_READER];

/** The audiences Storage takes: the service's, and the account's own endpoint. */
export const storageAudiences = (account: string) => ["https://storage.azure.com", `https://${account}.blob.core.windows.net`];

export interface BlobError {
  status: number;
  code: string;
  message: string;
  /** `AuthenticationErrorDetail`, as the service adds it to a 401. */
  detail?: string;
  headers?: Record<string, string>;
}

export type Decision = { ok: true; account: ArmResource; sharedKey: boolean } | { ok: false; error?: BlobError };

/** The service's XML error body and headers. */
export function sendBlobError(res: ServerResponse, error: BlobError) {
  const requestId = randomUUID();
  const detail = error.detail ? `<AuthenticationErrorDetail>${escapeXml(error.detail)}</AuthenticationErrorDetail>` : "";
  const body = `\uFEFF<?xml version="1.0" encoding="utf-8"?><Error><Code>${error.code}</Code><Message>${escapeXml(`${error.message}\nRequestId:${requestId}\nTime:${new Date().toISOString()}`)}</Message>${detail}</Error>`;
  res.writeHead(error.status, {
    "content-type": "application/xml",
    "x-ms-error-code": error.code,
    "x-ms-request-id": requestId,
    "x-ms-version": "2026-02-06",
    server: "Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0",
    ...error.headers,
  });
  res.end(body);
}

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const AUTH_FAILED = "Server failed to authenticate the request. Please refer to the information in the www-authenticate header.";

/**
 * Whether the request may reach the data plane. `account` and `container` come from the path
 * (`/<account>/<container>/…`). An unknown account is `{ ok: false }` without an error: there is
 * no such host name, so nothing answers.
 */
export async function authorizeBlob(ctx: CloudContext, req: IncomingMessage, account: string, container: string | undefined, query: URLSearchParams): Promise<Decision> {
  const resource = storageAccountNamed(ctx, account);
  if (!resource || (resource.body.properties as { provisioningState?: string }).provisioningState !== "Succeeded") return { ok: false };
  const authorization = req.headers.authorization ?? "";
  const keyBased = /^SharedKey(Lite)?\s/i.test(authorization) || query.has("sig");
  if (keyBased) {
    if (!sharedKeyAllowed(resource)) {
      return { ok: false, error: { status: 403, code: "KeyBasedAuthenticationNotPermitted", message: "Key based authentication is not permitted on this storage account." } };
    }
    return { ok: true, account: resource, sharedKey: true };
  }
  if (!authorization) {
    return {
      ok: false,
      error: {
        status: 401,
        code: "NoAuthenticationInformation",
        message: AUTH_FAILED,
        headers: { "www-authenticate": `Bearer authorization_uri=https://login.microsoftonline.com/${TENANT_ID}/oauth2/authorize resource_id=https://storage.azure.com` },
      },
    };
  }
  const verified = await ctx.tokens.verify(authorization, storageAudiences(account));
  if (!verified.ok) {
    const detail =
      verified.code === "ExpiredAuthenticationToken"
        ? "Lifetime validation failed. The token is expired."
        : verified.code === "InvalidAuthenticationTokenAudience"
          ? "Audience validation failed. Audience did not match."
          : "Signature validation failed. Signature is invalid.";
    return { ok: false, error: { status: 401, code: "InvalidAuthenticationInfo", message: AUTH_FAILED, detail } };
  }
  const oid = String(verified.claims.oid ?? "");
  const reading = req.method === "GET" || req.method === "HEAD";
  const scope = container ? containerScope(resource.id, container) : resource.id;
  if (!oid || !holdsRole(ctx, oid, reading ? READERS : WRITERS, scope)) {
    return { ok: false, error: { status: 403, code: "AuthorizationPermissionMismatch", message: "This request is not authorized to perform this operation using this permission." } };
  }
  return { ok: true, account: resource, sharedKey: false };
}
