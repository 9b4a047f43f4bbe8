"use client";

import { useEffect, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { loadMsal, SIGN_IN_SCOPES } from "./msal";

type Phase = "loading" | "ready" | "redirecting" | "finishing";

/**
 * A sign-in is under way when MSAL left its interaction state in this tab (it went to the provider
 * and is coming back) or the provider echoed MSAL's `state` after a sign-out. Only then does the
 * page load MSAL (85 kB) on arrival; otherwise it loads when the button is pressed.
 */
function signInUnderWay(): boolean {
  try {
    if (new URL(window.location.href).searchParams.has("state")) return true;
    for (let i = 0; i < window.sessionStorage.length; i++) {
      if (window.sessionStorage.key(i)?.startsWith("msal.")) return true;
    }
  } catch {
    // Storage refused (privacy settings): MSAL could not have kept its state there either.
  }
  return false;
}

/**
 * Signs in with MSAL (authorization code + PKCE, full-page redirect), then trades the ID token
 * for the portal's session cookie and goes to `returnTo` (already checked on the server).
 */
export function SignInPanel({ returnTo }: { returnTo: string }) {
  const [phase, setPhase] = useState<Phase>("loading");
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        // Read after hydration: the server cannot know this tab's storage.
        if (!signInUnderWay()) {
          setPhase("ready");
          return;
        }
        const { msal } = await loadMsal();
        if (cancelled) return;
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

  async function signIn() {
    setError(null);
    setPhase("redirecting");
    try {
      const { msal } = await loadMsal();
      // Settles what an abandoned earlier attempt left behind; memoised by MSAL.
      await msal.handleRedirectPromise();
      // The portal accepts the ID token only with this nonce in it, once.
      const nonce = await fetchSignInNonce();
      await msal.loginRedirect({ scopes: SIGN_IN_SCOPES, nonce, redirectStartPage: window.location.href });
    } catch (err) {
      setError(describeMsalError(err));
      setPhase("ready");
    }
  }

  const busy = phase !== "ready";
  return (
    <div className="space-y-4">
      {error ? <Alert tone="error">{error}</Alert> : null}
      {phase === "finishing" ? <p role="status">Signing you in…</p> : null}
      <Button type="button" onClick={signIn} disabled={busy} aria-busy={phase === "redirecting" || phase === "finishing"} className="w-full">
        Sign in with Microsoft
      </Button>
    </div>
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
