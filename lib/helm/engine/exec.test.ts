import { describe, expect, it } from "vitest";
import { TemplateSet, type MissingKey } from "./template";
import { GoInt, GoStruct, type GoFunc, type GoValue } from "./value";

const upper: GoFunc = { params: ["string"], result: "string", call: (s) => (s as string).toUpperCase() };
const zeroArgs: GoFunc = { params: [], result: "string", call: () => "z" };
const failing: GoFunc = { params: [], result: "string", returnsError: true, call: () => { throw new Error("boom"); } };
const anyArg: GoFunc = { params: ["interface {}"], result: "interface {}", call: (v) => v };

function run(text: string, data: GoValue, missingKey: MissingKey = "zero"): string {
  const set = new TemplateSet({ upper, zeroArgs, failing, anyArg }, missingKey);
  set.parse("t", text);
  return set.execute("t", data, "t");
}

const data = {
  str: "hello",
  num: 3,
  zero: 0,
  list: ["a", "b", "c"],
  empty: [],
  map: { b: 2, a: 1, c: { d: "deep" } },
  nil: null,
  yes: true,
  no: false,
};

describe("Go text/template execution", () => {
  it.each([
    ["{{.str}}", "hello"],
    ["{{.num}}", "3"],
    ["{{.map.c.d}}", "deep"],
    ["{{.missing}}", "<no value>"],
    ["{{.nil}}", "<no value>"],
    ["{{if .yes}}T{{else}}F{{end}}", "T"],
    ["{{if .empty}}T{{else if .str}}S{{else}}F{{end}}", "S"],
    ["{{if .zero}}T{{else}}F{{end}}", "F"],
    ["{{with .map.c}}{{.d}}{{end}}", "deep"],
    ["{{with .missing}}x{{else}}none{{end}}", "none"],
    ["{{range .list}}[{{.}}]{{end}}", "[a][b][c]"],
    ["{{range $i, $v := .list}}{{$i}}={{$v}} {{end}}", "0=a 1=b 2=c "],
    ["{{range $k, $v := .map}}{{$k}}{{end}}", "abc"],
    ["{{range .empty}}x{{else}}empty{{end}}", "empty"],
    ["{{range .missing}}x{{else}}none{{end}}", "none"],
    ["{{range .list}}{{if eq . \"b\"}}{{break}}{{end}}{{.}}{{end}}", "a"],
    ["{{range .list}}{{if eq . \"b\"}}{{continue}}{{end}}{{.}}{{end}}", "ac"],
    ["{{print nil 1 nil}}", "<nil> 1 <nil>"],
    ['{{printf "%s" .missing}}', "%!s(<nil>)"],
    ["{{html .missing}}", "&lt;no value&gt;"],
    ["{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}", "2"],
    ["{{$x := .str}}{{range .list}}{{$x}}{{end}}", "hellohellohello"],
    ["{{define \"d\"}}<{{.}}>{{end}}{{template \"d\" .str}}", "<hello>"],
    ["{{block \"b\" .num}}[{{.}}]{{end}}", "[3]"],
    ["a  {{- .str -}}  b", "ahellob"],
    ["{{/* comment */}}x", "x"],
    ["{{.str | upper}}", "HELLO"],
    ["{{upper .str}}", "HELLO"],
    ["{{and 1 0 \"x\"}}", "0"],
    ["{{or 0 \"\" \"x\"}}", "x"],
    ["{{and .yes .str}}", "hello"],
    ["{{or .missing .str}}", "hello"],
    ["{{not .empty}}", "true"],
    ["{{len .list}} {{len .map}} {{len \"héllo\"}}", "3 3 6"],
    ["{{index .list 1}} {{index .map \"a\"}} {{index .map.c \"d\"}}", "b 1 deep"],
    ["{{index .map \"zz\"}}", "<no value>"],
    ["{{slice .list 1 2}} {{slice \"hello\" 1 3}}", "[b] el"],
    ["{{eq .str \"hello\"}} {{eq .num 3.0}} {{ne 1 2}} {{lt 1 2}} {{ge \"b\" \"a\"}}", "true true true true true"],
    ["{{eq .missing \"x\"}}", "false"],
    ["{{eq 2 1 2}}", "true"],
    ["{{print 1 2 \"a\" \"b\" 3}}", "1 2ab3"],
    ["{{printf \"%s=%d\" \"a\" 5}}", "a=5"],
    ["{{html \"<a href='x'>&</a>\"}}", "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;"],
    ["{{js \"it's <b>\"}}", "it\\'s \\u003Cb\\u003E"],
    ["{{urlquery \"a b&c=d/é\"}}", "a+b%26c%3Dd%2F%C3%A9"],
    ["{{(anyArg .map).c.d}}", "deep"],
    ["{{1e6}} {{1.5}} {{0x10}} {{'a'}}", "1e+06 1.5 16 97"],
    ["{{.num}} {{.map}}", "3 map[a:1 b:2 c:map[d:deep]]"],
    ["{{$}}", "map[empty:[] list:[a b c] map:map[a:1 b:2 c:map[d:deep]] nil:<nil> no:false num:3 str:hello yes:true zero:0]"],
  ])("%s", (text, expected) => {
    expect(run(text, data)).toBe(expected);
  });

  it("keeps variables declared in if and with to their block", () => {
    expect(() => run("{{if true}}{{$y := 1}}{{end}}{{$y}}", data)).toThrow(/undefined variable "\$y"|undefined variable: \$y/);
  });

  it.each([
    ["{{.missing.deeper}}", 'template: t:1:10: executing "t" at <.missing.deeper>: nil pointer evaluating interface {}.deeper'],
    ["{{.str.field}}", 'template: t:1:6: executing "t" at <.str.field>: can\'t evaluate field field in type interface {}'],
    ["{{$s := .str}}{{$s.field}}", 'template: t:1:18: executing "t" at <$s.field>: can\'t evaluate field field in type string'],
    ["{{range .list}}{{.x}}{{end}}", 'template: t:1:17: executing "t" at <.x>: can\'t evaluate field x in type interface {}'],
    ["{{index .list 3}}", 'template: t:1:2: executing "t" at <index .list 3>: error calling index: reflect: slice index out of range'],
    ["{{len .missing}}", 'template: t:1:2: executing "t" at <len .missing>: error calling len: len of nil pointer'],
    ["{{upper .num}}", 'template: t:1:8: executing "t" at <.num>: wrong type for value; expected string; got float64'],
    ["{{upper .missing}}", 'template: t:1:8: executing "t" at <.missing>: wrong type for value; expected string; got interface {}'],
    ["{{.missing | upper}}", 'template: t:1:13: executing "t" at <upper>: invalid value; expected string'],
    ["{{upper 3}}", 'template: t:1:8: executing "t" at <3>: expected string; found 3'],
    ["{{upper}}", 'template: t:1:2: executing "t" at <upper>: wrong number of args for upper: want 1 got 0'],
    ["{{failing}}", 'template: t:1:2: executing "t" at <failing>: error calling failing: boom'],
    ["{{eq .num 3}}", 'template: t:1:2: executing "t" at <eq .num 3>: error calling eq: incompatible types for comparison'],
    ["{{index .list 5}}", 'template: t:1:2: executing "t" at <index .list 5>: error calling index: index out of range: 5'],
    ["{{template \"nope\"}}", 'template: t:1:11: executing "t" at <{{template "nope"}}>: template "nope" not defined'],
    ["{{range .num}}{{end}}", 'template: t:1:8: executing "t" at <.num>: range can\'t iterate over 3'],
    ["{{.str 1}}", 'template: t:1:2: executing "t" at <.str>: str is not a method but has arguments'],
    ["{{zeroArgs | upper}}\n{{nil}}", 'template: t:2:2: executing "t" at <nil>: nil is not a command'],
  ])("fails %s as Go does", (text, message) => {
    expect(() => run(text, data)).toThrow(message);
  });

  it("treats a missing key by the missingkey option", () => {
    expect(run("{{.missing}}", data, "invalid")).toBe("<no value>");
    expect(() => run("{{.missing}}", data, "error")).toThrow('map has no entry for key "missing"');
    // A variable holding no value yields no value for its fields instead of failing.
    expect(run("{{$x := .missing}}{{$x.deeper}}", data)).toBe("<no value>");
  });

  it("calls methods and reads fields of structs, and refuses unknown fields with the type's name", () => {
    const has: GoFunc = { params: ["string"], result: "bool", call: (v) => v === "apps/v1" };
    const caps = new GoStruct("chartutil.Capabilities", {
      KubeVersion: new GoStruct("chartutil.KubeVersion", { Version: "v1.33.0", Major: "1", Minor: "33" }),
      APIVersions: new GoStruct("chartutil.VersionSet", {}, { Has: has }, "slice"),
    });
    expect(run('{{.KubeVersion.Minor}} {{.APIVersions.Has "apps/v1"}} {{.APIVersions.Has "x/v1"}}', caps)).toBe("33 true false");
    expect(() => run("{{.Nope}}", caps)).toThrow("can't evaluate field Nope in type chartutil.Capabilities");
  });

  it("passes typed integers through and prints them as numbers", () => {
    expect(run("{{.}}", new GoInt(42n, "int64"))).toBe("42");
  });
});
