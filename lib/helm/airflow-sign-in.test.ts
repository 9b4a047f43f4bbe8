import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { OAUTH_ENV, webserverConfigPy, type AirflowSignIn } from "./airflow-sign-in";

const TEAM = "0b7a6c3e-2f1d-4e5a-9c8b-7d6e5f4a3b21";
const ADMINS = "3F7C9A2E-6B1D-4C8E-9F2A-7D5E4B3C2A10";
const input: AirflowSignIn = { authorityHost: "https://login.microsoftonline.com", tenantId: "11111111-1111-4111-8111-111111111111", roleMapping: { [TEAM]: "Op", [ADMINS]: "Admin" } };

function pythonAvailable(): boolean {
  try {
    execFileSync("python3", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("Airflow's webserver_config.py for Entra sign-in", () => {
  it("maps the team's group to Op and the platform admins to Admin, and syncs roles at each sign-in", () => {
    const config = webserverConfigPy(input);
    expect(config).toContain(`"${TEAM}": ["Op"],`);
    expect(config).toContain(`"${ADMINS.toLowerCase()}": ["Admin"],`);
    expect(config).toMatch(/^AUTH_TYPE = AUTH_OAUTH$/m);
    expect(config).toMatch(/^AUTH_ROLES_SYNC_AT_LOGIN = True$/m);
    expect(config).toMatch(/^AUTH_USER_REGISTRATION_ROLE = "Public"$/m);
    expect(config).toContain('_AUTHORITY = "https://login.microsoftonline.com/11111111-1111-4111-8111-111111111111"');
  });

  it("reads the client's id and secret from the environment, never as values", () => {
    const config = webserverConfigPy(input);
    expect(config).toContain(`os.environ["${OAUTH_ENV.clientSecret}"]`);
    expect(config).not.toMatch(/client_secret": "/);
  });

  it("takes role keys from the groups claim", () => {
    expect(webserverConfigPy(input)).toMatch(/"role_keys": \[str\(g\)\.lower\(\) for g in claims\.get\("groups", \[\]\)\]/);
  });

  it("refuses what could break out of the generated Python", () => {
    expect(() => webserverConfigPy({ ...input, tenantId: 'x"; import os' })).toThrow(/tenant/);
    expect(() => webserverConfigPy({ ...input, roleMapping: { 'g"]: os.system("x")#': "Op" } })).toThrow(/group object id/);
    expect(() => webserverConfigPy({ ...input, authorityHost: "http://login.example" })).toThrow(/authority/);
    expect(() => webserverConfigPy({ ...input, authorityHost: "https://login.example/evil?x" })).toThrow(/authority/);
  });

  it.skipIf(!pythonAvailable() && !process.env.CI)("is valid Python", () => {
    const source = webserverConfigPy(input);
    execFileSync("python3", ["-c", "import ast, sys; ast.parse(sys.stdin.read())"], { input: source });
  });

  it("takes the address from email, then upn, then preferred_username", () => {
    expect(webserverConfigPy(input)).toMatch(/^_ADDRESS_CLAIMS = \("email", "upn", "preferred_username"\)$/m);
  });
});

/**
 * The generated file run by Python against a stand-in for FAB's security manager, whose Azure
 * branch is FAB's own (`email`, else `upn`, else a KeyError). The ID token is the JSON of its claims.
 */
const FAB_STUB = `
import json, os, sys, types

class FabAirflowSecurityManagerOverride:
    def _decode_and_validate_azure_jwt(self, id_token):
        return json.loads(id_token)

    def get_oauth_user_info(self, provider, resp):
        me = self._decode_and_validate_azure_jwt(resp["id_token"])
        return {"email": me["email"] if "email" in me else me["upn"], "username": me["oid"], "role_keys": me.get("roles", [])}

def module(name, **attrs):
    sys.modules[name] = types.ModuleType(name)
    sys.modules[name].__dict__.update(attrs)

module("airflow.providers.fab.auth_manager.security_manager.override", FabAirflowSecurityManagerOverride=FabAirflowSecurityManagerOverride)
module("flask_appbuilder.security.manager", AUTH_OAUTH=4)
os.environ.update(AIRFLOW_ENTRA_CLIENT_ID="id", AIRFLOW_ENTRA_CLIENT_SECRET="secret")
config = {}
exec(open(sys.argv[1]).read(), config)
manager = config["SECURITY_MANAGER_CLASS"]()
try:
    print(json.dumps(manager.get_oauth_user_info(sys.argv[2], {"id_token": sys.argv[3]})))
except KeyError as missing:
    print(json.dumps({"KeyError": missing.args[0]}))
`;

describe.skipIf(!pythonAvailable() && !process.env.CI)("the generated security manager, run by Python", () => {
  const oid = "0b8f5e4a-7c1d-4f2e-9a3b-1c2d3e4f5a04";
  const groups = [ADMINS];
  let file = "";
  beforeAll(() => {
    file = path.join(mkdtempSync(path.join(os.tmpdir(), "webserver-config-")), "webserver_config.py");
    writeFileSync(file, webserverConfigPy(input));
  });
  const userInfo = (claims: Record<string, unknown>, provider = "azure") =>
    JSON.parse(execFileSync("python3", ["-c", FAB_STUB, file, provider, JSON.stringify(claims)], { encoding: "utf8" })) as Record<string, unknown>;

  it("signs in a person whose token has neither email nor upn, by preferred_username", () => {
    expect(userInfo({ oid, preferred_username: "kai@contoso.example", groups })).toEqual({
      username: oid,
      email: "kai@contoso.example",
      first_name: "",
      last_name: "",
      role_keys: [ADMINS.toLowerCase()],
    });
  });

  it("prefers email, then upn, when the app registration adds them", () => {
    const claims = { oid, preferred_username: "kai@contoso.example", upn: "kai@contoso.onmicrosoft.com" };
    expect(userInfo(claims).email).toBe("kai@contoso.onmicrosoft.com");
    expect(userInfo({ ...claims, email: "kai.b@contoso.example" }).email).toBe("kai.b@contoso.example");
  });

  it("leaves other providers to FAB", () => {
    expect(userInfo({ oid, preferred_username: "kai@contoso.example" }, "github")).toEqual({ KeyError: "upn" });
  });
});
