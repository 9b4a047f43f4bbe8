import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
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
    expect(webserverConfigPy(input)).toMatch(/info\["role_keys"\] = \[str\(g\)\.lower\(\) for g in claims\.get\("groups", \[\]\)\]/);
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
});
