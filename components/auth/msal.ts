import type { Configuration, IPublicClientApplication } from "@azure/msal-browser";

/** What GET /api/auth/config answers. */
export interface MsalSettings {
  clientId: string;
  authority: string;
  knownAuthorities: string[];
  protocolMode: "AAD" | "OIDC";
}

/** Only what the portal needs; it asks for no API access, so no refresh token either. */
export const SIGN_IN_SCOPES = ["openid", "profile", "email"];

export const REDIRECT_BRIDGE_PATH = "/auth/redirect";
export const SIGNED_OUT_PATH = "/signin";

let instance: Promise<{ msal: IPublicClientApplication; settings: MsalSettings }> | undefined;

/**
 * The page's one MSAL instance, created in the browser on first use. One per page matters: each
 * instance would otherwise try to redeem the same sign-in response. MSAL is loaded on demand so
 * pages that only show a "Sign out" button do not carry it.
 */
export function loadMsal(): Promise<{ msal: IPublicClientApplication; settings: MsalSettings }> {
  instance ??= create();
  instance.catch(() => {
    instance = undefined;
  });
  return instance;
}

async function create() {
  const response = await fetch("/api/auth/config", { cache: "no-store" });
  if (!response.ok) throw new Error(`Sign-in settings are unavailable (${response.status})`);
  const settings = (await response.json()) as MsalSettings;
  const { createStandardPublicClientApplication, LogLevel } = await import("@azure/msal-browser");

  const origin = window.location.origin;
  const configuration: Configuration = {
    auth: {
      clientId: settings.clientId,
      authority: settings.authority,
      // Without this MSAL asks Microsoft's instance discovery about a non-Microsoft authority.
      knownAuthorities: settings.knownAuthorities,
      redirectUri: `${origin}${REDIRECT_BRIDGE_PATH}`,
      postLogoutRedirectUri: `${origin}${SIGNED_OUT_PATH}`,
      // MSAL's OIDC defaults include offline_access, which the portal neither needs nor asks providers to grant.
      ...(settings.protocolMode === "OIDC" ? { OIDCOptions: { defaultScopes: SIGN_IN_SCOPES } } : {}),
    },
    // Kept across tabs so "Sign out" in any tab can pass the ID token as logout hint.
    cache: { cacheLocation: "localStorage" },
    system: {
      protocolMode: settings.protocolMode,
      loggerOptions: {
        // Authority problems all surface as endpoints_resolution_error; the verbose log says why.
        logLevel: window.localStorage.getItem("portal.msalDebug") === "1" ? LogLevel.Verbose : LogLevel.Warning,
        piiLoggingEnabled: false,
        loggerCallback: (level, message) => {
          if (level === LogLevel.Error) console.error(message);
          else console.warn(message);
        },
      },
    },
  };

  return { msal: await createStandardPublicClientApplication(configuration), settings };
}
