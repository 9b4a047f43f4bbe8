import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { BundleResult } from "./bundle";
import type { ChartRenderResult } from "./chart";
import type { PageResult } from "./load";

export interface Target {
  name: string;
  ok: boolean;
  measured: string;
}

export interface BenchReport {
  commit: string;
  date: string;
  machine: { cpus: number; node: string };
  settings: Record<string, string | number>;
  provisioning?: { criticalPathMs: number; single: unknown; fleet?: unknown };
  chart?: ChartRenderResult[];
  load: { environments: number; pages: (PageResult & { ratioToSignin: number })[] }[];
  bundles: BundleResult[];
  memory: Record<string, number>;
  targets: Target[];
}

const ms = (v: number) => `${Math.round(v).toLocaleString("en-US")} ms`;

export function renderMarkdown(report: BenchReport): string {
  const lines = [
    `# Bench ${report.date} — commit ${report.commit}`,
    "",
    `Node ${report.machine.node}, ${report.machine.cpus} cores. Settings: ${Object.entries(report.settings).map(([k, v]) => `${k}=${v}`).join(", ")}.`,
    "",
    "## Targets",
    "",
    ...report.targets.map((t) => `- ${t.ok ? "✓" : "✗"} ${t.name}: ${t.measured}`),
    "",
  ];
  for (const run of report.load) {
    lines.push(
      `## Pages with ${run.environments.toLocaleString("en-US")} environments`,
      "",
      "| page | p50 | p95 | p99 | × `/signin` p95 | req/s | errors | portal CPU per request | bytes |",
      "|---|---|---|---|---|---|---|---|---|",
      ...run.pages.map(
        (p) =>
          `| ${p.name} | ${ms(p.p50)} | ${ms(p.p95)} | ${ms(p.p99)} | ${p.ratioToSignin.toFixed(2)} | ${p.rps} | ${p.errors} | ${p.cpuMsPerRequest} ms | ${p.bytesPerResponse.toLocaleString("en-US")} |`,
      ),
      "",
    );
  }
  if (report.chart) {
    lines.push(
      "## Rendering the Airflow chart",
      "",
      "| chart | objects | first in the process | p50 | p95 | cached | renders |",
      "|---|---|---|---|---|---|---|",
      ...report.chart.map((c) => `| ${c.chartVersion} | ${c.objects} | ${ms(c.firstMs)} | ${ms(c.p50Ms)} | ${ms(c.p95Ms)} | ${c.cachedMs} ms | ${c.renders} |`),
      "",
    );
  }
  if (report.provisioning) {
    lines.push("## Provisioning against the emulator", "", "```json", JSON.stringify(report.provisioning, null, 2), "```", "");
  }
  lines.push(
    "## First-load JavaScript (gzip, including what loads right after mount)",
    "",
    "| route | kB | scripts |",
    "|---|---|---|",
    ...report.bundles.map((b) => `| ${b.route} | ${b.firstLoadKb} | ${b.scripts} |`),
    "",
    "## Memory (RSS, MB)",
    "",
    ...Object.entries(report.memory).map(([k, v]) => `- ${k}: ${v}`),
    "",
  );
  return lines.join("\n");
}

export function writeReport(root: string, report: BenchReport): { md: string; json: string } {
  const dir = path.join(root, "bench/results");
  mkdirSync(dir, { recursive: true });
  const base = path.join(dir, `${report.date}-${report.commit}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(`${base}.md`, renderMarkdown(report));
  return { md: `${base}.md`, json: `${base}.json` };
}
