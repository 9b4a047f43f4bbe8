"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { loadMsal, SIGNED_OUT_PATH } from "./msal";

/**
 * Ends the portal session, then the session at the identity provider, so the next visitor on
 * this browser is asked for their password again.
 */
export function SignOutButton() {
  const [pending, setPending] = useState(false);
  const [failed, setFailed] = useState(false);

  async function signOut() {
    setPending(true);
    setFailed(false);
    // The portal session ends first: if the provider is unreachable the user is still signed out here.
    // If it does not end, saying so beats sending the user to the provider while still signed in here.
    const ended = await fetch("/api/auth/session", { method: "DELETE" }).then(
      (response) => response.ok,
      () => false,
    );
    if (!ended) {
      setPending(false);
      setFailed(true);
      return;
    }
    try {
      const { msal, settings } = await loadMsal();
      const account = msal.getActiveAccount() ?? msal.getAllAccounts()[0] ?? null;
      await msal.logoutRedirect({
        account,
        idTokenHint: account?.idToken,
        postLogoutRedirectUri: `${window.location.origin}${SIGNED_OUT_PATH}`,
        // Without an ID token hint the provider needs the client id to honour the redirect.
        ...(account?.idToken ? {} : { extraQueryParameters: { client_id: settings.clientId } }),
      });
    } catch {
      window.location.assign(SIGNED_OUT_PATH);
    }
  }

  return (
    <>
      <Button type="button" variant="secondary" onClick={signOut} disabled={pending} aria-busy={pending}>
        Sign out
      </Button>
      <span role="alert" className="text-sm text-red-700">
        {failed ? "Sign-out did not go through: you are still signed in. Try again." : null}
      </span>
    </>
  );
}
