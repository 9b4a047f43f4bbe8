import { describe, expect, it } from "vitest";
import { webserverConfigPy } from "@/lib/helm/airflow-sign-in";
import { azureAddress, parseFabConfig, rolesFor, type FabOAuthConfig } from "./sign-in.js";

const TEAM = "6f1c2a4e-1d5b-4c3e-9a7f-0d2b3c4d5e02";
const portalConfig = webserverConfigPy({ authorityHost: "https://localhost:8443", tenantId: "contoso", roleMapping: { [TEAM]: "Op" } });

/** The override as the portal wrote it before it read addresses itself: FAB's Azure branch runs first. */
const FAB_FIRST = `    def get_oauth_user_info(self, provider, resp):
        info = super().get_oauth_user_info(provider, resp)
        if provider == "azure":
            claims = self._decode_and_validate_azure_jwt(resp["id_token"])
            info["role_keys"] = [str(g).lower() for g in claims.get("groups", [])]
        return info
`;

function parsed(text: string): FabOAuthConfig {
  const config = parseFabConfig(text);
  if (typeof config === "string") throw new Error(config);
  return config;
}

function replaceOverride(text: string, method: string): string {
  const override = /^ {4}def get_oauth_user_info[\s\S]*?(?=\n\n\nSECURITY_MANAGER_CLASS)/m;
  expect(text).toMatch(override);
  return text.replace(override, method.trimEnd());
}

const noAddress = { oid: "0b8f5e4a-7c1d-4f2e-9a3b-1c2d3e4f5a04", preferred_username: "kai@contoso.example", groups: [TEAM.toUpperCase()] };

describe("the stand-in's reading of webserver_config.py", () => {
  it("follows the portal's override: groups for roles, the address from email, upn, then preferred_username", () => {
    const config = parsed(portalConfig);
    expect(config).toMatchObject({ roleClaim: "groups", lowerCaseKeys: true, addressClaims: ["email", "upn", "preferred_username"] });
    expect(azureAddress(config, noAddress, 3)).toEqual({ ok: true, email: "kai@contoso.example" });
    expect(azureAddress(config, { ...noAddress, upn: "kai@contoso.onmicrosoft.com" }, 2)).toEqual({ ok: true, email: "kai@contoso.onmicrosoft.com" });
    expect(rolesFor(config, noAddress)).toEqual(["Op", "Public"]);
  });

  it("runs FAB's Azure branch when the override calls it first: email, else upn, else a KeyError", () => {
    const config = parsed(replaceOverride(portalConfig, FAB_FIRST));
    expect(config.addressClaims).toBeUndefined();
    expect(config.roleClaim).toBe("groups");
    expect(azureAddress(config, noAddress, 3)).toEqual({ ok: false, error: "KeyError: 'upn'" });
    expect(azureAddress(config, { ...noAddress, upn: "kai@contoso.onmicrosoft.com" }, 3)).toEqual({ ok: true, email: "kai@contoso.onmicrosoft.com" });
    // Airflow 2's provider copy reads email only.
    expect(azureAddress(config, { ...noAddress, upn: "kai@contoso.onmicrosoft.com" }, 2)).toEqual({ ok: false, error: "KeyError: 'email'" });
    expect(azureAddress(config, { ...noAddress, email: "kai@contoso.example" }, 2)).toEqual({ ok: true, email: "kai@contoso.example" });
  });

  it("ignores an override no SECURITY_MANAGER_CLASS names: FAB reads roles and the address itself", () => {
    const config = parsed(portalConfig.replace(/^SECURITY_MANAGER_CLASS = .*$/m, ""));
    expect(config).toMatchObject({ roleClaim: "roles", lowerCaseKeys: false });
    expect(config.addressClaims).toBeUndefined();
    expect(azureAddress(config, noAddress, 3).ok).toBe(false);
  });

  it("says so when an override answers for Azure but its address cannot be read", () => {
    const unreadable = portalConfig.replace(/^ *"email": next\(.*$/m, '            "email": claims.get("mail"),');
    expect(parseFabConfig(unreadable)).toMatch(/does not say where the address comes from/);
  });
});
