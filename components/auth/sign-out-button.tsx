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

  async function signOut() {
    setPending(true);
    // The portal session ends first: if the provider is unreachable the user is still signed out here.
    await fetch("/api/auth/session", { method: "DELETE" }).catch(() => undefined);
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
    <Button type="button" variant="secondary" onClick={signOut} disabled={pending} aria-busy={pending}>
      Sign out
    </Button>
  );
}
