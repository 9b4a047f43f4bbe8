/**
 * Sign-in to an environment's Airflow UI with Microsoft Entra ID: the `webserver_config.py` the
 * chart mounts (`apiServer.apiServerConfig` on Airflow 3, `webserver.webserverConfig` on
 * Airflow 2), for FAB's auth manager with OAuth. One Entra app registration serves every Airflow
 * UI; its client id and secret reach the pods as environment variables from a Kubernetes Secret
 * (`OAUTH_SECRET_NAME`, through the chart's `extraEnvFrom`), never as values.
 *
 * Roles come from the ID token's `groups` claim, read by a small security-manager override: FAB's
 * Azure provider takes role keys from the `roles` claim, which would need an app role per team on
 * the Airflow registration; the portal already knows each team by its Entra group object id.
 *
 * The override also reads the person's address itself. FAB's Azure branch takes `email`, else
 * `upn` (Airflow 2's copy: `email` only), and fails the sign-in with a KeyError ("Invalid login")
 * when they are missing — and in Entra's v2.0 ID tokens both are optional claims the app
 * registration must ask for. `preferred_username` is always there for Entra accounts, so it is the
 * last fallback. The username stays the object id, as FAB's branch has it, so nobody gets a new
 * Airflow user.
 */
export const OAUTH_SECRET_NAME = "airflow-entra-oauth";
export const OAUTH_ENV = { clientId: "AIRFLOW_ENTRA_CLIENT_ID", clientSecret: "AIRFLOW_ENTRA_CLIENT_SECRET" } as const;

export type AirflowRole = "Admin" | "Op" | "User" | "Viewer";

export interface AirflowSignIn {
  /** Entra's host, e.g. https://login.microsoftonline.com (a national cloud's otherwise). */
  authorityHost: string;
  tenantId: string;
  /** Entra group object id → the Airflow role its members get. */
  roleMapping: Record<string, AirflowRole>;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT = /^[A-Za-z0-9.-]{1,100}$/;

/** Python string literal for a value already checked to be plain (no quotes, no backslashes). */
const py = (value: string) => `"${value}"`;

export function webserverConfigPy(input: AirflowSignIn): string {
  const authority = new URL(input.authorityHost);
  if (authority.protocol !== "https:" || authority.pathname !== "/" || authority.search) throw new Error(`Not an Entra authority host: ${input.authorityHost}`);
  if (!TENANT.test(input.tenantId)) throw new Error(`Not a tenant id: ${input.tenantId}`);
  const entries = Object.entries(input.roleMapping);
  for (const [group] of entries) if (!GUID.test(group)) throw new Error(`Not an Entra group object id: ${group}`);
  const mapping = entries.map(([group, role]) => `    ${py(group.toLowerCase())}: [${py(role)}],`).join("\n");

  return `# Written by the Airflow portal: sign-in with Microsoft Entra ID. Changes here are replaced.
import os

from airflow.providers.fab.auth_manager.security_manager.override import FabAirflowSecurityManagerOverride
from flask_appbuilder.security.manager import AUTH_OAUTH

AUTH_TYPE = AUTH_OAUTH
AUTH_USER_REGISTRATION = True
# People outside the mapped groups get Airflow's empty role: signed in, allowed nothing.
AUTH_USER_REGISTRATION_ROLE = "Public"
AUTH_ROLES_SYNC_AT_LOGIN = True
AUTH_ROLES_MAPPING = {
${mapping}
}

_AUTHORITY = ${py(`${authority.origin}/${input.tenantId}`)}

OAUTH_PROVIDERS = [
    {
        "name": "azure",
        "icon": "fa-windows",
        "token_key": "access_token",
        "remote_app": {
            "client_id": os.environ["${OAUTH_ENV.clientId}"],
            "client_secret": os.environ["${OAUTH_ENV.clientSecret}"],
            "api_base_url": _AUTHORITY + "/oauth2/v2.0",
            "server_metadata_url": _AUTHORITY + "/v2.0/.well-known/openid-configuration",
            "access_token_url": _AUTHORITY + "/oauth2/v2.0/token",
            "authorize_url": _AUTHORITY + "/oauth2/v2.0/authorize",
            "request_token_url": None,
            "client_kwargs": {"scope": "openid email profile"},
        },
    }
]


# Where a person's address comes from, first present wins: email and upn are optional claims of
# Entra's v2.0 tokens (added on the app registration), preferred_username is always there.
_ADDRESS_CLAIMS = ("email", "upn", "preferred_username")


class EntraGroupsSecurityManager(FabAirflowSecurityManagerOverride):
    """FAB's Azure branch needs email or upn and reads roles; teams are Entra groups."""

    def get_oauth_user_info(self, provider, resp):
        if provider != "azure":
            return super().get_oauth_user_info(provider, resp)
        claims = self._decode_and_validate_azure_jwt(resp["id_token"])
        return {
            "username": claims["oid"],
            "email": next((claims[c] for c in _ADDRESS_CLAIMS if claims.get(c)), ""),
            "first_name": claims.get("given_name", ""),
            "last_name": claims.get("family_name", ""),
            "role_keys": [str(g).lower() for g in claims.get("groups", [])],
        }


SECURITY_MANAGER_CLASS = EntraGroupsSecurityManager
`;
}
