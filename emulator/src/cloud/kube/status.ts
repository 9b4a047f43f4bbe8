import type { ServerResponse } from "node:http";
import { sendJson } from "../../http.js";
import type { KubeType } from "./discovery.js";

/** A Kubernetes API error, answered as a `Status` object the way the API server does. */
export class KubeError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function sendStatus(res: ServerResponse, err: KubeError) {
  const status = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: err.message,
    reason: err.reason,
    ...(err.details ? { details: err.details } : {}),
    code: err.code,
  };
  sendJson(res, err.code, status, err.headers);
}

/** "helmreleases.helm.toolkit.fluxcd.io" for grouped kinds, "secrets" for core ones, as the API server names them. */
export const qualified = (t: KubeType) => (t.group ? `${t.plural}.${t.group}` : t.plural);

const details = (t: KubeType, name: string) => ({ name, ...(t.group ? { group: t.group } : {}), kind: t.plural });

export const notFound = (t: KubeType, name: string) => new KubeError(404, "NotFound", `${qualified(t)} "${name}" not found`, details(t, name));

export const alreadyExists = (t: KubeType, name: string) => new KubeError(409, "AlreadyExists", `${qualified(t)} "${name}" already exists`, details(t, name));

export const conflict = (t: KubeType, name: string) =>
  new KubeError(409, "Conflict", `Operation cannot be fulfilled on ${qualified(t)} "${name}": the object has been modified; please apply your changes to the latest version and try again`, details(t, name));

export function invalid(t: KubeType, name: string, causes: { field: string; message: string; type?: string }[]) {
  const text = causes.map((c) => `${c.field}: ${c.message}`).join(", ");
  return new KubeError(422, "Invalid", `${t.kind}${t.group ? `.${t.group}` : ""} "${name}" is invalid: ${text}`, {
    ...details(t, name),
    kind: t.kind,
    causes: causes.map((c) => ({ reason: c.type ?? "FieldValueInvalid", message: c.message, field: c.field })),
  });
}

export const badRequest = (message: string) => new KubeError(400, "BadRequest", message);

/** What a cluster without the CRD says to a request for the kind. */
export const noResource = () => new KubeError(404, "NotFound", "the server could not find the requested resource");
