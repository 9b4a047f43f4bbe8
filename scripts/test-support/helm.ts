import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { HELM_REPOSITORY_PATH, HelmRepository } from "@/emulator/src/cloud/flux/helm-repository";

/**
 * For tests in this process: the emulator's chart repository on plain loopback http (the in-process
 * `fetch` trusts no test CA), serving the charts in a folder of `<version>/` chart folders.
 */
export interface TestChartRepository {
  /** What PORTAL_HELM_REPOSITORY_URL would be. */
  url: string;
  repository: HelmRepository;
  /** Answers 503 to everything while true, like a repository that is down. */
  down: boolean;
  close(): Promise<void>;
}

export async function startTestChartRepository(chartsDir: string): Promise<TestChartRepository> {
  const state: { down: boolean; repository?: HelmRepository } = { down: false };
  const server = http.createServer((req, res) => {
    if (state.down || !state.repository) return void res.writeHead(503).end("unavailable\n");
    if (!state.repository.handle(req, res, new URL(req.url ?? "/", "http://localhost").pathname)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The index names archives by absolute URL, so the repository exists once the port is known.
  const repository = (state.repository = new HelmRepository(base, undefined, chartsDir));
  return {
    url: `${base}${HELM_REPOSITORY_PATH}`,
    repository,
    get down() {
      return state.down;
    },
    set down(value: boolean) {
      state.down = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A chart `airflow` of `version` in a new folder of chart folders: a scheduler Deployment, and a
 * template that calls `fail` when the executor is Celery, as a platform's own chart might.
 */
export const CELERY_REFUSAL = "This platform runs Airflow without Celery: choose the Kubernetes or Local executor.";

export function writeRefusingChart(version: string): { chartsDir: string; remove(): void } {
  const chartsDir = mkdtempSync(path.join(os.tmpdir(), "test-charts-"));
  const files: Record<string, string> = {
    "Chart.yaml": `apiVersion: v2\nname: airflow\nversion: ${version}\nappVersion: 3.0.2\n`,
    "values.yaml": "executor: CeleryExecutor\n",
    "templates/check-values.yaml": `{{- if eq .Values.executor "CeleryExecutor" }}\n{{- fail "${CELERY_REFUSAL}" }}\n{{- end }}\n`,
    "templates/scheduler-deployment.yaml": [
      "apiVersion: apps/v1",
      "kind: Deployment",
      "metadata:",
      "  name: {{ .Release.Name }}-scheduler",
      "spec:",
      "  template:",
      "    spec:",
      "      containers:",
      "        - name: scheduler",
      "          image: apache/airflow:{{ .Values.airflowVersion }}",
      "",
    ].join("\n"),
  };
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(chartsDir, version, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  return { chartsDir, remove: () => rmSync(chartsDir, { recursive: true, force: true }) };
}
