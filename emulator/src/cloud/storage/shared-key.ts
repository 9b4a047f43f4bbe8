/**
 * Shared Key signing (https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key),
 * as the blob service checks it for version 2015-02-21 and later: what the emulator signs a request
 * with once it has authorized the caller itself, before handing it to Azurite.
 */
import { createHash, createHmac } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

const SIGNED_HEADERS = ["content-encoding", "content-language", "content-length", "content-md5", "content-type", "date", "if-modified-since", "if-match", "if-none-match", "if-unmodified-since", "range"];

const headerValue = (headers: IncomingHttpHeaders, name: string) => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : (value ?? "");
};

/** The account's key: stable per account name, never handed out (the accounts refuse Shared Key from outside unless they allow it). */
export const accountKey = (account: string) => createHash("sha512").update(`emulator-storage-account-key#${account}`).digest();

/** The query's parameters as the service canonicalizes them: lower-cased names, decoded values, sorted. */
function canonicalQuery(rawQuery: string): string {
  const params = new Map<string, string>();
  for (const part of rawQuery.split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const key = (eq < 0 ? part : part.slice(0, eq)).toLowerCase();
    const value = eq < 0 ? "" : part.slice(eq + 1);
    params.set(key, decodeURIComponent(value.replace(/\+/g, "%20")));
  }
  return [...params.keys()]
    .sort()
    .map((k) => `\n${k}:${params.get(k)}`)
    .join("");
}

/** The `Authorization` header value for a request with these method, raw path (with the account), raw query and headers. */
export function sharedKeyAuthorization(account: string, key: Buffer, method: string, rawPath: string, rawQuery: string, headers: IncomingHttpHeaders): string {
  const standard = SIGNED_HEADERS.map((name) => {
    const value = headerValue(headers, name);
    return name === "content-length" && value === "0" ? "" : value;
  });
  const msHeaders = Object.keys(headers)
    .filter((name) => name.toLowerCase().startsWith("x-ms-"))
    .sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))
    .map((name) => `${name.toLowerCase().trimEnd()}:${headerValue(headers, name).trimStart()}\n`)
    .join("");
  const stringToSign = `${[method.toUpperCase(), ...standard].join("\n")}\n${msHeaders}/${account}${rawPath}${canonicalQuery(rawQuery)}`;
  return `SharedKey ${account}:${createHmac("sha256", key).update(stringToSign, "utf8").digest("base64")}`;
}
