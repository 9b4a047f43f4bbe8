"use client";

import { useEffect, useState } from "react";

let started = false;

/**
 * MSAL v5's redirect target: hands the provider's answer back to the page that started the
 * sign-in. Kept outside any MsalProvider, as MSAL requires.
 */
export function RedirectBridge() {
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    // Once per page load: React's development double-run of effects must not replay it.
    if (started) return;
    started = true;
    import("@azure/msal-browser/redirect-bridge")
      .then(({ broadcastResponseToMainFrame }) => broadcastResponseToMainFrame())
      .catch(() => setFailed(true));
  }, []);

  if (failed) {
    return (
      <div role="alert" className="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900">
        This sign-in response could not be used. <a className="font-semibold underline" href="/signin">Sign in again</a>.
      </div>
    );
  }
  return <p role="status">Signing you in…</p>;
}
