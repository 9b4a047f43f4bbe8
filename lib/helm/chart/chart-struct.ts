import { GoStruct, typedSlice, type GoMap, type GoValue } from "@/lib/helm/engine/value";
import { setJsonView, StructJson } from "./encoding/go-json";
import type { Dependency, Maintainer, Metadata } from "./metadata";

/**
 * `.Chart` as Helm's engine gives it to templates: `struct{chart.Metadata; IsRoot bool}`. The
 * embedded Metadata's fields are promoted, so `.Chart.Name` works and `.Chart.Nope` fails with
 * Go's "can't evaluate field Nope in type struct { chart.Metadata; IsRoot bool }". Promoted fields
 * are non-enumerable, so printing shows Go's {{…} true} layout and not every field twice.
 */
export const CHART_STRUCT_TYPE = "struct { chart.Metadata; IsRoot bool }";

type Entry = [string, GoValue];

/** encoding/json's omitempty test for the kinds Metadata has. */
function empty(v: GoValue): boolean {
  if (v === null || v === undefined || v === false || v === "" || v === 0) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof GoStruct) return v.kind === "map" ? Object.keys(v.fields).length === 0 : false;
  return typeof v === "object" && !(v instanceof GoStruct) && Object.keys(v).length === 0;
}

function omitEmpty(entries: [string, GoValue, boolean?][]): StructJson {
  return new StructJson(entries.filter(([, v, keep]) => keep || !empty(v)).map(([k, v]) => [k, v] as Entry));
}

function maintainerStruct(m: Maintainer | null): GoValue {
  if (!m) return null;
  const s = new GoStruct("*chart.Maintainer", { Name: m.name, Email: m.email, URL: m.url }, {}, "ptr");
  return setJsonView(s, () =>
    omitEmpty([
      ["name", m.name],
      ["email", m.email],
      ["url", m.url],
    ]),
  );
}

function dependencyStruct(d: Dependency | null): GoValue {
  if (!d) return null;
  const tags = typedSlice([...d.tags], "[]string");
  const fields: GoMap = {
    ...{ Name: d.name, Version: d.version, Repository: d.repository, Condition: d.condition, Tags: tags },
    ...{ Enabled: d.enabled, ImportValues: [...d.importValues], Alias: d.alias },
  };
  const s = new GoStruct("*chart.Dependency", fields, {}, "ptr");
  return setJsonView(s, () =>
    omitEmpty([
      ["name", d.name, true],
      ["version", d.version],
      ["repository", d.repository, true],
      ["condition", d.condition],
      ["tags", tags],
      ["enabled", d.enabled],
      ["import-values", fields.ImportValues],
      ["alias", d.alias],
    ]),
  );
}

/** chart.Metadata as a Go struct value, fields in declaration order. */
export function metadataStruct(md: Metadata): GoStruct {
  const annotations: GoMap = { ...md.annotations };
  const fields: GoMap = {
    Name: md.name,
    Home: md.home,
    Sources: typedSlice([...md.sources], "[]string"),
    Version: md.version,
    Description: md.description,
    Keywords: typedSlice([...md.keywords], "[]string"),
    Maintainers: typedSlice(md.maintainers.map(maintainerStruct), "[]*chart.Maintainer"),
    Icon: md.icon,
    APIVersion: md.apiVersion,
    Condition: md.condition,
    Tags: md.tags,
    AppVersion: md.appVersion,
    Deprecated: md.deprecated,
    Annotations: annotations,
    KubeVersion: md.kubeVersion,
    Dependencies: typedSlice((md.dependencies ?? []).map(dependencyStruct), "[]*chart.Dependency"),
    Type: md.type,
  };
  const json = (): [string, GoValue][] => [
    ["name", fields.Name],
    ["home", fields.Home],
    ["sources", fields.Sources],
    ["version", fields.Version],
    ["description", fields.Description],
    ["keywords", fields.Keywords],
    ["maintainers", fields.Maintainers],
    ["icon", fields.Icon],
    ["apiVersion", fields.APIVersion],
    ["condition", fields.Condition],
    ["tags", fields.Tags],
    ["appVersion", fields.AppVersion],
    ["deprecated", fields.Deprecated],
    ["annotations", fields.Annotations],
    ["kubeVersion", fields.KubeVersion],
    ["dependencies", fields.Dependencies],
    ["type", fields.Type],
  ];
  const s = new GoStruct("chart.Metadata", fields);
  metadataJson.set(s, json);
  return setJsonView(s, () => omitEmpty(json()));
}

const metadataJson = new WeakMap<GoStruct, () => [string, GoValue][]>();

/** `.Chart`: the embedded Metadata plus IsRoot, Metadata's fields reachable by name. */
export function chartStruct(md: Metadata, isRoot: boolean): GoStruct {
  const metadata = metadataStruct(md);
  const fields: GoMap = { Metadata: metadata, IsRoot: isRoot };
  for (const [name, value] of Object.entries(metadata.fields)) {
    Object.defineProperty(fields, name, { value, enumerable: false, writable: false, configurable: false });
  }
  const s = new GoStruct(CHART_STRUCT_TYPE, fields);
  return setJsonView(s, () => {
    const promoted = omitEmpty(metadataJson.get(metadata)!()).entries;
    return new StructJson([...promoted, ["IsRoot", isRoot]]);
  });
}
