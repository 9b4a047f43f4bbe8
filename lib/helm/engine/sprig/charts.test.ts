import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sprigFunctions } from ".";

/**
 * Every function the reference Airflow charts (and their bundled subcharts) call must be in the Sprig
 * map, unless text/template or Helm itself provides it.
 */
const CHARTS = process.env.AIRFLOW_CHARTS_DIR || path.resolve(__dirname, "../../../../../shared/reference/airflow-chart/charts");
const required = Boolean(process.env.CI || process.env.AIRFLOW_CHARTS_DIR);

const KEYWORDS = ["if", "else", "end", "range", "with", "define", "template", "block", "break", "continue"];
const LITERALS = ["nil", "true", "false"];
const BUILTINS = ["and", "or", "not", "len", "index", "slice", "print", "printf", "println", "html", "js", "urlquery"];
const COMPARISONS = ["eq", "ne", "lt", "le", "gt", "ge", "call"];
const HELM = ["include", "tpl", "required", "fail", "toYaml", "fromYaml", "fromYamlArray", "toJson", "fromJson"];
const HELM_MORE = ["fromJsonArray", "toToml", "fromToml", "lookup", "toYamlPretty"];
const NOT_SPRIG = new Set([...KEYWORDS, ...LITERALS, ...BUILTINS, ...COMPARISONS, ...HELM, ...HELM_MORE]);

/** Files Helm renders: everything under templates/, and files/ that charts pass through tpl. */
function templateFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return templateFiles(p);
    return /[/\\](templates|files)[/\\]/.test(p) ? [p] : [];
  });
}

/** The text of each {{ action }}, with strings in it left intact; comments are dropped. */
export function actions(text: string): string[] {
  const out: string[] = [];
  for (let i = text.indexOf("{{"); i >= 0; i = text.indexOf("{{", i)) {
    let j = i + 2;
    let quote = "";
    for (; j < text.length; j++) {
      const c = text[j];
      if (quote) {
        if (c === "\\" && quote !== "`") j++;
        else if (c === quote) quote = "";
      } else if (c === '"' || c === "`" || c === "'") quote = c;
      else if (c === "}" && text[j + 1] === "}") break;
    }
    const body = text.slice(i + 2, j).replace(/^-?\s*/, "").replace(/\s*-?$/, "");
    if (!body.startsWith("/*")) out.push(body);
    i = j + 2;
  }
  return out;
}

/** Identifiers used as functions: not fields (.x), variables ($x), literals or keywords. */
export function functionNames(action: string): string[] {
  const names: string[] = [];
  for (let i = 0; i < action.length; ) {
    const c = action[i]!;
    if (c === '"' || c === "`" || c === "'") {
      let j = i + 1;
      while (j < action.length && action[j] !== c) j += action[j] === "\\" && c !== "`" ? 2 : 1;
      i = j + 1;
    } else if (c === "." || c === "$" || /[0-9]/.test(c)) {
      i++;
      while (i < action.length && /[\w.]/.test(action[i]!)) i++;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^\w+/.exec(action.slice(i))!;
      names.push(m[0]);
      i += m[0].length;
    } else i++;
  }
  return names;
}

describe.skipIf(!fs.existsSync(CHARTS) && !required)("the functions the reference charts call", () => {
  const files = templateFiles(CHARTS);
  const used = new Map<string, string>();
  for (const file of files) {
    for (const action of actions(fs.readFileSync(file, "utf8"))) {
      for (const name of functionNames(action)) if (!NOT_SPRIG.has(name) && !used.has(name)) used.set(name, file);
    }
  }

  it("finds the chart templates, subcharts included", () => {
    expect(files.some((f) => f.includes(`${path.sep}charts${path.sep}postgresql${path.sep}templates`))).toBe(true);
    expect(files.filter((f) => f.includes(`${path.sep}1.18.0${path.sep}`)).length).toBeGreaterThan(50);
    const names = [...used.keys()];
    expect(names).toEqual(expect.arrayContaining(["nindent", "semverCompare", "mustMerge", "genSignedCert"]));
  });

  it("are all in the Sprig map", () => {
    const sprig = sprigFunctions();
    const missing = [...used]
      .filter(([name]) => !sprig[name])
      .map(([name, file]) => `${name} (${path.relative(CHARTS, file)})`);
    expect(missing).toEqual([]);
  });

  it("tells functions from fields, variables, strings and comments", () => {
    const text = '{{- /* upper */ -}} {{ $x.lower | trim "}}" `quote` | default .Values.a (int64 "1") -}}';
    expect(actions(text).flatMap(functionNames)).toEqual(["trim", "default", "int64"]);
  });
});
