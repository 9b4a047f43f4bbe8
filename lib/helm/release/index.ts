export { INSTALL_ORDER, UNINSTALL_ORDER, lessByKind, sortByKind } from "./kind-order";
export { goTrimSpace, splitManifests } from "./manifest";
export {
  renderResources,
  NOTES_FILE_SUFFIX,
  type RenderedHook,
  type RenderedObject,
  type RenderedRelease,
  type RenderResourcesOptions,
} from "./render-resources";
export { readHead, sortManifests, type Hook, type Manifest, type SimpleHead, type SortResult } from "./sort-manifests";
export { categoryOf, summarizeObjects, type ObjectCategory, type SummaryGroup, type SummaryItem } from "./summary";
