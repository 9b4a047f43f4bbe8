"use client";

import type { IPublicClientApplication } from "@azure/msal-browser";
import { InteractionStatus } from "@azure/msal-browser";
import { MsalProvider, useMsal } from "@azure/msal-react";
import { useEffect, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { loadMsal, SIGN_IN_SCOPES } from "./msal";

type Phase = "loading" | "ready" | "redirecting" | "finishing";

/**
 * Signs in with MSAL (authorization code + PKCE, full-page redirect), then trades the ID token
 * for the portal's session cookie and goes to `returnTo` (already checked on the server).
 */
export function SignInPanel({ returnTo }: { returnTo: string }) {
  const [msal, setMsal] = useState<IPublicClientApplication | null>(null);
  const [phase, setPhase] = useState<Phase>("loading");
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        const { msal } = await loadMsal();
        if (cancelled) return;
        setMsal(msal);
        // Memoised by MSAL: MsalProvider's own call gets this same result.
        const result = await msal.handleRedirectPromise();
        if (cancelled) return;
        if (!result?.idToken) {
          dropProviderState();
          setPhase("ready");
          return;
        }
        setPhase("finishing");
        msal.setActiveAccount(result.account);
        const message = await startSession(result.idToken);
        if (cancelled) return;
        if (message) {
          setError(message);
          setPhase("ready");
          return;
        }
        // A full load, so the server renders the next page with the new cookie; replace, so
        // Back does not return to this page.
        window.location.replace(returnTo);
      } catch (err) {
        if (cancelled) return;
        setError(describeMsalError(err));
        setPhase("ready");
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [returnTo]);

  return (
    <div className="space-y-4">
      {error ? <Alert tone="error">{error}</Alert> : null}
      {phase === "finishing" ? <p role="status">Signing you in…</p> : null}
      {msal ? (
        <MsalProvider instance={msal}>
          <SignInButton
            blocked={phase !== "ready"}
            onStart={() => {
              setError(null);
              setPhase("redirecting");
            }}
            onError={(err) => {
              setError(describeMsalError(err));
              setPhase("ready");
            }}
          />
        </MsalProvider>
      ) : (
        <Button type="button" disabled className="w-full">
          Sign in with Microsoft
        </Button>
      )}
    </div>
  );
}

function SignInButton({ blocked, onStart, onError }: { blocked: boolean; onStart: () => void; onError: (err: unknown) => void }) {
  const { instance, inProgress } = useMsal();
  const busy = blocked || inProgress !== InteractionStatus.None;

  async function signIn() {
    onStart();
    try {
      // The portal accepts the ID token only with this nonce in it, once.
      const nonce = await fetchSignInNonce();
      await instance.loginRedirect({ scopes: SIGN_IN_SCOPES, nonce, redirectStartPage: window.location.href });
    } catch (err) {
      onError(err);
    }
  }

  return (
    <Button type="button" onClick={signIn} disabled={busy} aria-busy={busy} className="w-full">
      Sign in with Microsoft
    </Button>
  );
}

/** The provider echoes MSAL's `state` onto the page after sign-out; once MSAL has seen it, it is noise. */
function dropProviderState() {
  const url = new URL(window.location.href);
  if (!url.searchParams.has("state")) return;
  url.searchParams.delete("state");
  window.history.replaceState(null, "", `${url.pathname}${url.search}${url.hash}`);
}

async function fetchSignInNonce(): Promise<string> {
  const response = await fetch("/api/auth/nonce", { method: "POST", cache: "no-store" });
  if (!response.ok) throw new Error(`The portal could not start a sign-in (${response.status})`);
  return ((await response.json()) as { nonce: string }).nonce;
}

/** Null when the session cookie is set, else a message for the user. */
async function startSession(idToken: string): Promise<string | null> {
  const response = await fetch("/api/auth/session", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ idToken }),
  }).catch(() => null);
  if (!response) return "The portal could not be reached. Check your connection and sign in again.";
  if (response.ok) return null;
  const body = (await response.json().catch(() => null)) as { message?: string } | null;
  return body?.message ?? "Sign-in failed on the portal's side. Please sign in again.";
}

function describeMsalError(err: unknown): string {
  const code = typeof err === "object" && err && "errorCode" in err ? String(err.errorCode) : "";
  if (code === "access_denied" || code === "user_cancelled") return "Sign-in was cancelled.";
  if (code === "interaction_in_progress") return "A sign-in is already in progress in this browser. Finish it, or reload this page.";
  console.error("[sign-in]", err);
  return `Sign-in did not complete. Please try again.${code ? ` (${code})` : ""}`;
}
