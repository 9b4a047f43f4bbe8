import { GoStruct, type GoFunc } from "@/lib/helm/engine/value";
import { setJsonView, StructJson } from "./encoding/go-json";

/**
 * `.Capabilities` as chartutil.Capabilities gives it to templates: KubeVersion (Version, Major,
 * Minor; GitVersion and String methods), APIVersions (chartutil.VersionSet with Has) and
 * HelmVersion (version.BuildInfo). Defaults are those of Helm's source (Kubernetes v1.20.0).
 */
export interface CapabilitiesOptions {
  /** The server's GitVersion, e.g. "v1.33.0"; Helm's built-in default is v1.20.0. */
  kubeVersion?: string;
  /** Exactly the API versions `.Capabilities.APIVersions.Has` reports. */
  apiVersions?: string[];
  helmVersion?: Partial<BuildInfo>;
}

export interface BuildInfo {
  version: string;
  gitCommit: string;
  gitTreeState: string;
  goVersion: string;
}

export const DEFAULT_KUBE_VERSION = "v1.20.0";
/** As Helm's v3.19.2 release build stamps it (GoVersion depends on the toolchain; left empty). */
export const DEFAULT_HELM_VERSION: BuildInfo = {
  version: "v3.19.2",
  gitCommit: "8766e718a0119851f10ddbe4577593a45fadf544",
  gitTreeState: "clean",
  goVersion: "",
};

/**
 * The server's GitVersion as Helm's getCapabilities takes it from discovery: Version verbatim,
 * Major and Minor its leading numbers. Throws on a version without them.
 */
export function parseKubeVersion(version: string): { version: string; major: string; minor: string } {
  const m = /^v?([0-9]+)\.([0-9]+)/.exec(version);
  if (!m) throw new Error(`could not parse ${JSON.stringify(version)} as version`);
  return { version, major: m[1]!, minor: m[2]! };
}

const stringMethod = (value: string): GoFunc => ({ params: [], result: "string", call: () => value });

export function makeCapabilities(options: CapabilitiesOptions = {}): GoStruct {
  const kv = parseKubeVersion(options.kubeVersion ?? DEFAULT_KUBE_VERSION);
  const kube = new GoStruct(
    "chartutil.KubeVersion",
    { Version: kv.version, Major: kv.major, Minor: kv.minor },
    { String: stringMethod(kv.version), GitVersion: stringMethod(kv.version) },
    "struct",
    () => kv.version,
  );
  const versions = [...(options.apiVersions ?? [])];
  const has: GoFunc = { params: ["string"], result: "bool", call: (v) => versions.includes(v as string) };
  const apiVersions = new GoStruct(
    "chartutil.VersionSet",
    Object.fromEntries(versions.map((v, i) => [String(i), v])),
    { Has: has },
    "slice",
    () => `[${versions.join(" ")}]`,
  );
  setJsonView(apiVersions, () => [...versions]);
  const b = { ...DEFAULT_HELM_VERSION, ...options.helmVersion };
  const helm = new GoStruct("version.BuildInfo", {
    Version: b.version,
    GitCommit: b.gitCommit,
    GitTreeState: b.gitTreeState,
    GoVersion: b.goVersion,
  });
  setJsonView(helm, () => {
    const tagged: [string, string][] = [
      ["version", b.version],
      ["git_commit", b.gitCommit],
      ["git_tree_state", b.gitTreeState],
      ["go_version", b.goVersion],
    ];
    return new StructJson(tagged.filter(([, v]) => v !== ""));
  });
  const caps = new GoStruct(
    "*chartutil.Capabilities",
    { KubeVersion: kube, APIVersions: apiVersions, HelmVersion: helm },
    {},
    "ptr",
  );
  return caps;
}
