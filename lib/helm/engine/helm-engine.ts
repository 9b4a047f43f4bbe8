import { ExecError } from "./exec";
import { goQuote } from "./fmt";
import { helmDataFunctions } from "./helm-data-funcs";
import { ParseError } from "./parse";
import { sprigFunctions } from "./sprig";
import { TemplateSet } from "./template";
import type { GoFunc, GoMap, GoValue } from "./value";

/**
 * Helm's template engine (helm.sh/helm/v3/pkg/engine, engine.go and funcs.go of Helm 3.19): every
 * template of a chart and its subcharts parsed into one set, so `define`s are shared; each
 * non-partial executed with its chart's values; Helm's functions bound to the set; Helm's error
 * wording. Helm is not strict (missingkey=zero) and erases "<no value>" from what it renders.
 */
export interface Renderable {
  /** The template's full name, e.g. `airflow/templates/api-server/api-server-deployment.yaml`. */
  name: string;
  text: string;
  /** The chart's render values (`.Values`, `.Chart`, `.Release`, …), shared by its templates. */
  vals: GoMap;
  /** `airflow/templates`: `.Template.BasePath`. */
  basePath: string;
}

export interface EngineOptions {
  /** "deterministic" only for tests that compare against another renderer. */
  random?: "crypto" | "deterministic";
}

/** A chart Helm would refuse to render, in Helm's words. */
export class HelmRenderError extends Error {}

const ROOT_NAME = "gotpl";
const RECURSION_MAX = 1000;
const WARN_START = "HELM_ERR_START";
const WARN_END = "HELM_ERR_END";
const WARN_REGEX = /HELM_ERR_START([\s\S]*)HELM_ERR_END/;

const S = "string" as const;
const I = "interface {}" as const;

function boundFunctions(set: TemplateSet, includedNames: Map<string, number>): Record<string, GoFunc> {
  const include: GoFunc = {
    params: [S, I],
    result: S,
    returnsError: true,
    call: (name, data) => {
      const key = name as string;
      const count = includedNames.get(key) ?? 0;
      if (count > RECURSION_MAX) throw new Error(`rendering template has a nested reference name: ${key}: unable to execute template`);
      includedNames.set(key, count + 1);
      try {
        return set.execute(key, data, ROOT_NAME);
      } finally {
        includedNames.set(key, (includedNames.get(key) ?? 1) - 1);
      }
    },
  };
  const tpl: GoFunc = {
    params: [S, I],
    result: S,
    returnsError: true,
    call: (text, vals) => {
      const clone = set.clone();
      clone.missingKey = "zero";
      clone.addFuncs(boundFunctions(clone, includedNames));
      try {
        clone.parse(ROOT_NAME, text as string);
      } catch (error) {
        throw new Error(`cannot parse template ${goQuote(text as string)}: ${(error as Error).message}`);
      }
      let out: string;
      try {
        out = clone.execute(ROOT_NAME, vals, ROOT_NAME);
      } catch (error) {
        if (error instanceof RangeError) throw error;
        throw new Error(`error during tpl function execution for ${goQuote(text as string)}: ${(error as Error).message}`);
      }
      return out.replaceAll("<no value>", "");
    },
  };
  return { include, tpl };
}

/** Helm's funcMap(): Sprig without env/expandenv, Helm's data functions, and the late-bound ones. */
function helmFunctionMap(options: EngineOptions): Record<string, GoFunc> {
  const funcs: Record<string, GoFunc> = { ...sprigFunctions({ random: options.random ?? "crypto" }) };
  delete funcs.env;
  delete funcs.expandenv;
  Object.assign(funcs, helmDataFunctions());
  funcs.required = {
    params: [S, I],
    result: I,
    returnsError: true,
    call: (warn, value: GoValue) => {
      if (value === null || value === undefined || value === "") throw new Error(`${WARN_START}${warn as string}${WARN_END}`);
      return value;
    },
  };
  funcs.fail = {
    params: [S],
    result: S,
    returnsError: true,
    call: (msg) => {
      throw new Error(`${WARN_START}${msg as string}${WARN_END}`);
    },
  };
  // As `helm template` gives it: no cluster to look in.
  funcs.lookup = { params: [S, S, S, S], result: "map[string]interface {}", returnsError: true, call: () => ({}) };
  funcs.getHostByName = { params: [S], result: S, call: () => "" };
  return funcs;
}

/** Helm's sortTemplates: deeper paths first, then reverse lexical order, so parents' defines win. */
export function sortTemplates(names: string[]): string[] {
  const depth = (s: string) => s.split("/").length - 1;
  return [...names].sort((a, b) => depth(b) - depth(a) || (a < b ? 1 : a > b ? -1 : 0));
}

function cleanupParseError(filename: string, error: Error): HelmRenderError {
  const tokens = error.message.split(": ");
  if (tokens.length === 1) return new HelmRenderError(`parse error in (${filename}): ${error.message}`);
  return new HelmRenderError(`parse error at (${tokens[1]}): ${tokens[tokens.length - 1]}`);
}

function cleanupExecError(filename: string, error: Error): HelmRenderError {
  if (!(error instanceof ExecError)) return new HelmRenderError(error.message);
  const message = error.message;
  const first = message.indexOf(": ");
  const second = first < 0 ? -1 : message.indexOf(": ", first + 2);
  if (second < 0) return new HelmRenderError(`execution error in (${filename}): ${message}`);
  const location = message.slice(first + 2, second);
  const parts = WARN_REGEX.exec(message.slice(second + 2));
  if (parts) return new HelmRenderError(`execution error at (${location}): ${parts[1]}`);
  return new HelmRenderError(message);
}

/** Renders every non-partial template: name → text. Throws HelmRenderError as Helm words it. */
export function renderTemplates(templates: Renderable[], options: EngineOptions = {}): Map<string, string> {
  const set = new TemplateSet(helmFunctionMap(options), "zero");
  set.addFuncs(boundFunctions(set, new Map()));
  const byName = new Map(templates.map((t) => [t.name, t]));
  const keys = sortTemplates([...byName.keys()]);
  for (const name of keys) {
    try {
      set.parse(name, byName.get(name)!.text);
    } catch (error) {
      if (error instanceof ParseError) throw cleanupParseError(name, error);
      throw error;
    }
  }
  const rendered = new Map<string, string>();
  for (const name of keys) {
    if (name.slice(name.lastIndexOf("/") + 1).startsWith("_")) continue;
    const { vals, basePath } = byName.get(name)!;
    vals.Template = { Name: name, BasePath: basePath };
    try {
      rendered.set(name, set.execute(name, vals, ROOT_NAME).replaceAll("<no value>", ""));
    } catch (error) {
      if (error instanceof RangeError) throw new HelmRenderError(`rendering template failed: ${error.message}`);
      throw cleanupExecError(name, error as Error);
    }
  }
  return rendered;
}
