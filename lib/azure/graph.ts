import type { TokenCredential } from "@azure/core-auth";
import { send, type Answer } from "@/lib/http/outbound";
import { CloudError } from "./errors";

/**
 * The one Microsoft Graph call the portal makes: keeping the Airflow app registration's redirect
 * URIs (`web.redirectUris`) in step with the environments that can be signed in to. The portal's
 * identity needs `Application.ReadWrite.OwnedBy` and to be an owner of that registration.
 */
export class GraphApplications {
  constructor(
    private readonly endpoint: string,
    private readonly credential: TokenCredential,
    /** `ca`: a CA to trust for this client only (tests); the process's trust store otherwise. */
    private readonly options: { ca?: string } = {},
  ) {}

  private async call(method: "GET" | "PATCH", path: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
    const token = await this.credential.getToken(`${this.endpoint}/.default`, { abortSignal: signal });
    if (!token) throw new CloudError("AuthenticationFailed", "No token for Microsoft Graph", false);
    let response: Answer;
    try {
      response = await send(`${this.endpoint}/v1.0${path}`, {
        method,
        headers: { authorization: `Bearer ${token.token}`, accept: "application/json", ...(body ? { "content-type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal,
        ca: this.options.ca,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new CloudError("RequestError", `Microsoft Graph unreachable: ${(error as Error).message}`, true);
    }
    const text = response.body;
    if (response.status < 200 || response.status > 299) {
      let code = `HTTP${response.status}`;
      let message = text.slice(0, 500) || `HTTP ${response.status}`;
      try {
        const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
        code = parsed.error?.code ?? code;
        message = parsed.error?.message ?? message;
      } catch {
        // not JSON: keep the text
      }
      const retryAfter = Number(response.headers["retry-after"]);
      const transient = response.status === 429 || response.status >= 500;
      throw new CloudError(code, `Microsoft Graph: ${message}`, transient, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined);
    }
    return text ? (JSON.parse(text) as unknown) : undefined;
  }

  private async read(appId: string, signal?: AbortSignal): Promise<{ id: string; redirectUris: string[] }> {
    const app = (await this.call("GET", `/applications(appId='${encodeURIComponent(appId)}')?$select=id,appId,web`, undefined, signal)) as {
      id: string;
      web?: { redirectUris?: string[] | null } | null;
    };
    return { id: app.id, redirectUris: app.web?.redirectUris ?? [] };
  }

  /** Adds `uri` unless it is there already. Returns whether it changed anything. */
  async addRedirectUri(appId: string, uri: string, signal?: AbortSignal): Promise<boolean> {
    const app = await this.read(appId, signal);
    if (app.redirectUris.includes(uri)) return false;
    await this.call("PATCH", `/applications/${encodeURIComponent(app.id)}`, { web: { redirectUris: [...app.redirectUris, uri] } }, signal);
    return true;
  }

  /** Removes `uri` if it is there. Returns whether it changed anything. */
  async removeRedirectUri(appId: string, uri: string, signal?: AbortSignal): Promise<boolean> {
    const app = await this.read(appId, signal);
    if (!app.redirectUris.includes(uri)) return false;
    await this.call("PATCH", `/applications/${encodeURIComponent(app.id)}`, { web: { redirectUris: app.redirectUris.filter((u) => u !== uri) } }, signal);
    return true;
  }
}
