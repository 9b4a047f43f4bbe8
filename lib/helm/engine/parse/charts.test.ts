import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from ".";

/**
 * Every template of the official Airflow charts the portal renders, with their postgresql and
 * common subcharts, must parse: AIRFLOW_CHARTS_DIR, else the reference copy beside the repository.
 */
const beside = path.resolve(import.meta.dirname, "../../../../../shared/reference/airflow-chart/charts");
const chartsDir = process.env.AIRFLOW_CHARTS_DIR || beside;
const required = Boolean(process.env.CI || process.env.AIRFLOW_CHARTS_DIR);
const VERSIONS = ["1.22.0", "1.18.0"];

/** Files under any templates/ folder of the chart, subcharts included. */
function templateFiles(dir: string, inTemplates = false): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return templateFiles(file, inTemplates || entry.name === "templates");
    return inTemplates ? [file] : [];
  });
}

describe.skipIf(!existsSync(chartsDir) && !required)(`the Airflow charts' templates (${chartsDir})`, () => {
  it.each(VERSIONS)("%s parse, with every {{define}} found", (version) => {
    const root = path.join(chartsDir, version);
    const files = templateFiles(root);
    expect(files.length).toBeGreaterThan(100);
    expect(files.some((f) => f.includes("/charts/postgresql/charts/common/templates/"))).toBe(true);
    for (const file of files) {
      const name = path.relative(path.dirname(root), file);
      const text = readFileSync(file, "utf8");
      const trees = parse(name, text, "", "", () => true);
      const defined = [...text.matchAll(/{{-?\s*define\s+"([^"]+)"/g)].map((m) => m[1]);
      expect([...trees.keys()].sort(), name).toEqual([...new Set([name, ...defined])].sort());
    }
  });
});
