import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { AIRFLOW_APP } from "./cloud/airflow-app.js";
import { createCloud } from "./cloud/index.js";
import { sendJson, type EmulatorPart } from "./http.js";
import { createIdentity } from "./identity/index.js";
import { loadOrCreateTls } from "./tls.js";

export interface EmulatorOptions {
  /** 0 picks a free port. */
  port: number;
  /** Loopback only unless told otherwise. */
  host?: string;
  dataDir: string;
  /** JSON schema of the Airflow chart's values; without it HelmRelease values are not validated. */
  chartSchemaPath?: string;
  /** Unpacked official Airflow charts (`<version>/` folders) the chart repository serves as real packages. */
  chartsDir?: string;
  /** The add-on ingress's HTTPS port (0: a free one); default EMULATOR_INGRESS_PORT, else the one chosen before. */
  ingressPort?: number;
}

export interface RunningEmulator {
  url: string;
  port: number;
  caCertPath: string;
  /** The HTTPS port of the clusters' application routing ingress (https://<host>:<ingressPort>/ on 127.0.0.1). */
  ingressPort: number;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const host = options.host ?? "127.0.0.1";
  const tls = loadOrCreateTls(path.join(options.dataDir, "tls"));
  const parts: EmulatorPart[] = [];
  // The port is known only once listening, and the parts need it: requests wait until they exist.
  let partsReady!: () => void;
  const ready = new Promise<void>((resolve) => (partsReady = resolve));

  const server = https.createServer({ cert: tls.cert, key: tls.key }, async (req, res) => {
    try {
      await ready;
      for (const part of parts) {
        if (await part.handle(req, res)) return;
      }
      sendJson(res, 404, { error: { code: "NotFound", message: `No emulated service at ${req.method} ${req.url}` } });
    } catch (err) {
      console.error("[emulator]", req.method, req.url, err);
      if (!res.headersSent) sendJson(res, 500, { error: { code: "InternalServerError", message: String(err) } });
      else res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://localhost:${port}`;

  const cloud = await createCloud({ baseUrl: url, dataDir: path.join(options.dataDir, "cloud"), tls, chartSchemaPath: options.chartSchemaPath, chartsDir: options.chartsDir, ingressPort: options.ingressPort });
  const identity = await createIdentity({
    issuer: `${url}/oidc`,
    dataDir: path.join(options.dataDir, "identity"),
    tenant: { baseUrl: url, airflowRedirectUris: () => cloud.graph.redirectUris(AIRFLOW_APP.appId), workloadKeys: () => cloud.tokenKeys() },
  });
  // Both at once, so that anything answering (the sign-in provider a start-up waits for) means everything does.
  // Identity first: the Entra tenant's token endpoint takes authorization codes and leaves client credentials to the cloud.
  parts.push(identity, cloud);
  partsReady();

  return {
    url,
    port,
    caCertPath: tls.caCertPath,
    ingressPort: cloud.ingressPort,
    async close() {
      for (const part of parts) await part.close?.();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
