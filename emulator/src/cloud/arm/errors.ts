import type { ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { sendJson } from "../../http.js";

/** An ARM error a handler throws; the router turns it into ARM's `{error: {code, message}}` body. */
export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function sendArmError(res: ServerResponse, err: ArmError) {
  sendJson(res, err.status, { error: { code: err.code, message: err.message } }, { "x-ms-request-id": randomUUID(), ...err.headers });
}

export const badRequest = (code: string, message: string) => new ArmError(400, code, message);

export const notFound = (type: string, name: string, group: string) =>
  new ArmError(404, "ResourceNotFound", `The Resource '${type}/${name}' under resource group '${group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);

export const groupNotFound = (group: string) => new ArmError(404, "ResourceGroupNotFound", `Resource group '${group}' could not be found.`);

export function invalidName(type: string, name: string, rule: string) {
  return badRequest("InvalidResourceName", `Resource name '${name}' is invalid for type '${type}'. ${rule}`);
}

/** Reads an object at `path` of a request body, refusing anything that is not an object. */
export function objectAt(body: Record<string, unknown>, key: string, where = key): Record<string, unknown> | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw badRequest("InvalidRequestContent", `The request content was invalid: '${where}' must be an object.`);
  return value as Record<string, unknown>;
}

export function checkTags(body: Record<string, unknown>) {
  const tags = objectAt(body, "tags");
  if (!tags) return;
  if (Object.keys(tags).length > 50) throw badRequest("InvalidTag", "The number of tags exceeds the limit of 50.");
  for (const [k, v] of Object.entries(tags)) {
    if (k.length > 512 || /[<>%&\\?/]/.test(k)) throw badRequest("InvalidTagName", `The tag name '${k}' has invalid characters or is too long.`);
    if (typeof v !== "string" || v.length > 256) throw badRequest("InvalidTag", `The value of tag '${k}' must be a string of at most 256 characters.`);
  }
}
