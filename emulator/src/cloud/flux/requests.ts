import type { Json } from "../store.js";
import { progressingStatus } from "./status.js";

/**
 * Flux's request annotations on a HelmRelease (`flux reconcile hr [--reset]`): `requestedAt` asks
 * for a reconcile now; `resetAt`, with the same token, first resets the failure counts, so a release
 * whose remediation retries are used up (Stalled) is tried again. Each token is handled once:
 * helm-controller echoes it in `status.lastHandledReconcileAt` / `lastHandledResetAt`.
 */
export const RECONCILE_REQUEST = "reconcile.fluxcd.io/requestedAt";
export const RESET_REQUEST = "reconcile.fluxcd.io/resetAt";

const annotationsOf = (hr: Json) => ((hr.metadata as Json).annotations ?? {}) as Record<string, string>;
const statusOf = (hr: Json) => (hr.status ?? {}) as Json;

/** The token of a reconcile request not handled yet, if there is one. */
export function pendingRequest(hr: Json): string | undefined {
  const token = annotationsOf(hr)[RECONCILE_REQUEST];
  return token !== undefined && token !== statusOf(hr).lastHandledReconcileAt ? token : undefined;
}

/**
 * The status once a pending request is taken up: the token recorded; with a matching reset token,
 * the failure counts gone and the release reconciling again (no longer Stalled). `reset` says
 * whether an attempt is due although nothing in the spec changed.
 */
export function handleRequest(hr: Json): { status: Json; reset: boolean } | undefined {
  const token = pendingRequest(hr);
  if (token === undefined) return undefined;
  const resetToken = annotationsOf(hr)[RESET_REQUEST];
  const status: Json = { ...statusOf(hr), lastHandledReconcileAt: token };
  if (resetToken !== token || resetToken === statusOf(hr).lastHandledResetAt) return { status, reset: false };
  const { installFailures: _i, upgradeFailures: _u, failures: _f, ...rest } = status;
  return { status: { ...progressingStatus({ ...hr, status: rest }), lastHandledResetAt: resetToken }, reset: true };
}
