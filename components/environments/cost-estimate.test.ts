import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { CostEstimate } from "./cost-estimate";
import { SizeOption } from "./size-option";

const text = (html: string) => html.replace(/<[^>]+>/g, "").replace(/&#x27;/g, "'");

describe("the cost estimate on the request form", () => {
  it("counts Redis's disk and no log disks: a new environment keeps its task logs in Blob Storage", () => {
    const celery = text(renderToStaticMarkup(createElement(CostEstimate, { executor: "CeleryExecutor", size: "large" })));
    expect(celery).toContain("Redis (Celery broker): 8 GiB, $0.60");
    expect(celery).toContain("storage class managed-csi");
    expect(celery).not.toMatch(/worker logs|Triggerer logs/);
    expect(celery).toContain("Task logs are kept in Blob Storage, billed by what is stored: about $2 a month per 100 GiB");
    const kubernetes = text(renderToStaticMarkup(createElement(CostEstimate, { executor: "KubernetesExecutor", size: "large" })));
    expect(kubernetes).toContain("No disks.");
  });

  it("lists the log disks of an environment built before task logs went to Blob Storage", async () => {
    const { DiskBreakdown } = await import("./cost-estimate");
    const celery = text(renderToStaticMarkup(createElement(DiskBreakdown, { executor: "CeleryExecutor", size: "large", taskLogs: false })));
    expect(celery).toContain("Celery worker logs: 4 × 64 GiB, $19.20");
    expect(celery).toContain("Triggerer logs: 64 GiB, $4.80");
    expect(celery).not.toContain("Blob Storage");
  });

  it("states each size's database connection limit where the size is chosen", () => {
    const option = text(renderToStaticMarkup(createElement(SizeOption, { size: "small", executor: "KubernetesExecutor", checked: true, invalid: false, onSelect: () => {} })));
    expect(option).toContain("PostgreSQL Standard_B2s, 32 GiB, 414 connections");
  });
});
