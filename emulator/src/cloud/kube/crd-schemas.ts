import type { Json } from "../store.js";
import { checkStructural, s, type Cause, type Schema } from "./structural.js";

/**
 * The `spec` schemas of the Flux CRDs the microsoft.flux extension installs (HelmRelease
 * helm.toolkit.fluxcd.io/v2, HelmRepository source.toolkit.fluxcd.io/v1): every field with its
 * type, enums, patterns, lengths, required fields and defaults, so what the API server refuses or
 * prunes, the emulator refuses or prunes.
 */
const DURATION = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$";
const duration = s.str({ pattern: DURATION });
const name = s.obj({ name: s.str() }, ["name"]);
const metadata = s.obj({ labels: s.map(s.str()), annotations: s.map(s.str()) });
const remediation = (withStrategy: boolean) =>
  s.obj({ ignoreTestFailures: s.bool, remediateLastFailure: s.bool, retries: s.int, ...(withStrategy ? { strategy: s.str({ enum: ["rollback", "uninstall"] }) } : {}) });
const actionStrategy = s.obj({ name: s.str({ enum: ["RemediateOnFailure", "RetryOnFailure"] }), retryInterval: duration }, ["name"]);
const crds = s.str({ enum: ["Skip", "Create", "CreateReplace"] });
const common = { disableHooks: s.bool, disableOpenAPIValidation: s.bool, disableSchemaValidation: s.bool, disableTakeOwnership: s.bool, disableWait: s.bool, disableWaitForJobs: s.bool, timeout: duration };
const crossRef = (kinds: string[]) => s.obj({ apiVersion: s.str(), kind: s.str({ enum: kinds }), name: s.str({ maxLength: 253 }), namespace: s.str({ maxLength: 63 }) }, ["kind", "name"]);

const helmReleaseSpec: Schema = s.obj(
  {
    chart: s.obj(
      {
        metadata,
        spec: s.obj(
          {
            chart: s.str({ maxLength: 2048 }),
            ignoreMissingValuesFiles: s.bool,
            interval: duration,
            reconcileStrategy: s.str({ enum: ["ChartVersion", "Revision"], default: "ChartVersion" }),
            sourceRef: crossRef(["HelmRepository", "GitRepository", "Bucket"]),
            valuesFiles: s.arr(s.str()),
            verify: s.obj({ provider: s.str({ enum: ["cosign", "notation"], default: "cosign" }), secretRef: name }, ["provider"]),
            version: s.str({ default: "*" }),
          },
          ["chart", "sourceRef"],
        ),
      },
      ["spec"],
    ),
    chartRef: crossRef(["OCIRepository", "HelmChart", "ExternalArtifact"]),
    commonMetadata: metadata,
    dependsOn: s.arr(s.obj({ name: s.str(), namespace: s.str(), readyExpr: s.str() }, ["name"])),
    driftDetection: s.obj({ ignore: s.arr(s.obj({ paths: s.arr(s.str()), target: s.any }, ["paths"])), mode: s.str({ enum: ["enabled", "warn", "disabled"] }) }),
    healthCheckExprs: s.arr(s.obj({ apiVersion: s.str(), kind: s.str(), current: s.str(), failed: s.str(), inProgress: s.str() }, ["apiVersion", "current"])),
    install: s.obj({ ...common, crds, createNamespace: s.bool, remediation: remediation(false), replace: s.bool, serverSideApply: s.bool, skipCRDs: s.bool, strategy: actionStrategy }),
    interval: duration,
    kubeConfig: s.obj({ configMapRef: name, secretRef: s.obj({ name: s.str(), key: s.str() }, ["name"]) }),
    maxHistory: s.int,
    persistentClient: s.bool,
    postRenderStrategy: s.str({ enum: ["nohooks", "combined", "separate"] }),
    postRenderers: s.arr(s.any),
    releaseName: s.str({ maxLength: 53 }),
    rollback: s.obj({ cleanupOnFail: s.bool, disableHooks: s.bool, disableWait: s.bool, disableWaitForJobs: s.bool, force: s.bool, recreate: s.bool, serverSideApply: s.str({ enum: ["enabled", "disabled", "auto"] }), timeout: duration }),
    serviceAccountName: s.str({ maxLength: 253 }),
    storageNamespace: s.str({ maxLength: 63 }),
    suspend: s.bool,
    targetNamespace: s.str({ maxLength: 63 }),
    test: s.obj({ enable: s.bool, filters: s.arr(s.obj({ name: s.str({ maxLength: 253 }), exclude: s.bool }, ["name"])), ignoreFailures: s.bool, timeout: duration }),
    timeout: duration,
    uninstall: s.obj({ deletionPropagation: s.str({ enum: ["background", "foreground", "orphan"], default: "background" }), disableHooks: s.bool, disableWait: s.bool, keepHistory: s.bool, timeout: duration }),
    upgrade: s.obj({
      ...common,
      chartNameChangeStrategy: s.str({ enum: ["InPlaceUpdate", "Reinstall"] }),
      cleanupOnFail: s.bool,
      crds,
      force: s.bool,
      preserveValues: s.bool,
      remediation: remediation(true),
      serverSideApply: s.str({ enum: ["enabled", "disabled", "auto"] }),
      strategy: actionStrategy,
    }),
    values: s.any,
    valuesFrom: s.arr(
      s.obj(
        {
          kind: s.str({ enum: ["Secret", "ConfigMap"] }),
          name: s.str({ maxLength: 253 }),
          valuesKey: s.str({ pattern: "^[\\-._a-zA-Z0-9]+$", maxLength: 253 }),
          targetPath: s.str({ pattern: "^([a-zA-Z0-9_\\-.\\\\\\/]|\\[[0-9]{1,5}\\])+$", maxLength: 250 }),
          optional: s.bool,
          literal: s.bool,
        },
        ["kind", "name"],
      ),
    ),
    waitStrategy: s.obj({ name: s.str({ enum: ["poller", "legacy"] }) }, ["name"]),
  },
  ["interval"],
);

const helmRepositorySpec: Schema = s.obj(
  {
    accessFrom: s.obj({ namespaceSelectors: s.arr(s.obj({ matchLabels: s.map(s.str()) })) }, ["namespaceSelectors"]),
    certSecretRef: name,
    insecure: s.bool,
    interval: duration,
    passCredentials: s.bool,
    provider: s.str({ enum: ["generic", "aws", "azure", "gcp"], default: "generic" }),
    secretRef: name,
    suspend: s.bool,
    timeout: s.str({ pattern: "^([0-9]+(\\.[0-9]+)?(ms|s|m))+$" }),
    type: s.str({ enum: ["default", "oci"] }),
    url: s.str({ pattern: "^(http|https|oci)://.*$" }),
  },
  ["url"],
);

const SPECS: Record<string, Schema> = { HelmRelease: helmReleaseSpec, HelmRepository: helmRepositorySpec };

/**
 * Validates and prunes a Flux object's spec in place; returns the causes of a 422. The top level
 * (apiVersion, kind, metadata, spec, status) is kept; anything else there is pruned.
 */
export function checkCustomResource(kind: string, obj: Json): Cause[] {
  const schema = SPECS[kind];
  if (!schema) return [];
  const causes: Cause[] = [];
  for (const k of Object.keys(obj)) if (!["apiVersion", "kind", "metadata", "spec", "status"].includes(k)) delete obj[k];
  // The CRDs do not require a spec at all; without one there is nothing to check.
  if (obj.spec === undefined || obj.spec === null) {
    delete obj.spec;
    return causes;
  }
  obj.spec = checkStructural(schema, obj.spec, "spec", causes);
  const spec = obj.spec as Json;
  // The HelmRelease CRD's CEL rule.
  if (kind === "HelmRelease" && causes.length === 0 && (spec.chart === undefined) === (spec.chartRef === undefined)) causes.push({ field: "spec", message: 'Invalid value: "object": either chart or chartRef must be set' });
  return causes;
}
