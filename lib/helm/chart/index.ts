export {
  makeCapabilities,
  parseKubeVersion,
  DEFAULT_HELM_VERSION,
  DEFAULT_KUBE_VERSION,
  type BuildInfo,
  type CapabilitiesOptions,
} from "./capabilities";
export {
  chartFullPath,
  chartName,
  chartPath,
  crdObjects,
  isRoot,
  rootOf,
  type Chart,
  type ChartFile,
  type ChartTemplate,
} from "./chart";
export { chartStruct, metadataStruct, CHART_STRUCT_TYPE } from "./chart-struct";
export {
  coalesceTables,
  coalesceValues,
  deepCopy,
  isTable,
  mergeTables,
  mergeValues,
  GLOBAL_KEY,
  type CoalesceResult,
} from "./coalesce";
export { processDependencies, type ProcessResult } from "./dependencies";
export { newFiles, FILES_TYPE } from "./files";
export { compileGlob } from "./glob";
export { IgnoreRules } from "./ignore";
export { loadArchive, loadArchiveFiles, loadChart, loadDir, loadFile, loadFiles, type LoadOptions } from "./loader";
export type { Dependency, Maintainer, Metadata } from "./metadata";
export {
  chartRenderables,
  checkKubeVersion,
  releaseValues,
  toRenderValues,
  validateReleaseName,
  type ReleaseOptions,
  type RenderValues,
} from "./render-values";
export { isCompatibleRange } from "@/lib/helm/engine/sprig/semver";
export { readTar, readTarEntries } from "./tar";
export { ErrNoTable, ErrNoValue, pathValue, readValues, table } from "./values";
