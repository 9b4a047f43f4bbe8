import { describe, expect, it } from "vitest";
import { type ActionNode, errorContext, type IfNode, isEmptyTree, nodeString, parse, ParseError } from ".";
import { write } from "./nodes";

// Cases from Go's text/template/parse/parse_test.go. Go's tests print text nodes with %q; so does
// write(node, true). The expected error messages are the ones Go 1.19 gives for these inputs.

const builtins = new Set(["printf", "contains"]);
const hasBuiltin = (name: string) => builtins.has(name);

function parseRoot(name: string, input: string, hasFunction = hasBuiltin): string {
  return write(parse(name, input, "", "", hasFunction).get(name)!.root, true);
}

function parseError(name: string, input: string, hasFunction = hasBuiltin): string {
  try {
    parse(name, input, "", "", hasFunction);
  } catch (e) {
    expect(e).toBeInstanceOf(ParseError);
    return (e as Error).message;
  }
  throw new Error("no error");
}

const parseTests: [name: string, input: string, result: string][] = [
  ["empty", "", ""],
  ["comment", "{{/*\n\n\n*/}}", ""],
  ["spaces", " \t\n", '" \\t\\n"'],
  ["text", "some text", '"some text"'],
  ["field", "{{.X}}", "{{.X}}"],
  ["simple command", "{{printf}}", "{{printf}}"],
  ["$ invocation", "{{$}}", "{{$}}"],
  ["variable invocation", "{{with $x := 3}}{{$x 23}}{{end}}", "{{with $x := 3}}{{$x 23}}{{end}}"],
  ["variable with fields", "{{$.I}}", "{{$.I}}"],
  ["multi-word command", "{{printf `%d` 23}}", "{{printf `%d` 23}}"],
  ["pipeline", "{{.X|.Y}}", "{{.X | .Y}}"],
  ["pipeline with decl", "{{$x := .X|.Y}}", "{{$x := .X | .Y}}"],
  ["nested pipeline", "{{.X (.Y .Z) (.A | .B .C) (.E)}}", "{{.X (.Y .Z) (.A | .B .C) (.E)}}"],
  ["field applied to parentheses", "{{(.Y .Z).Field}}", "{{(.Y .Z).Field}}"],
  ["simple if", "{{if .X}}hello{{end}}", '{{if .X}}"hello"{{end}}'],
  ["if with else", "{{if .X}}true{{else}}false{{end}}", '{{if .X}}"true"{{else}}"false"{{end}}'],
  [
    "if with else if",
    "{{if .X}}true{{else if .Y}}false{{end}}",
    '{{if .X}}"true"{{else}}{{if .Y}}"false"{{end}}{{end}}',
  ],
  [
    "if else chain",
    "+{{if .X}}X{{else if .Y}}Y{{else if .Z}}Z{{end}}+",
    '"+"{{if .X}}"X"{{else}}{{if .Y}}"Y"{{else}}{{if .Z}}"Z"{{end}}{{end}}{{end}}"+"',
  ],
  ["simple range", "{{range .X}}hello{{end}}", '{{range .X}}"hello"{{end}}'],
  ["chained field range", "{{range .X.Y.Z}}hello{{end}}", '{{range .X.Y.Z}}"hello"{{end}}'],
  [
    "nested range",
    "{{range .X}}hello{{range .Y}}goodbye{{end}}{{end}}",
    '{{range .X}}"hello"{{range .Y}}"goodbye"{{end}}{{end}}',
  ],
  ["range with else", "{{range .X}}true{{else}}false{{end}}", '{{range .X}}"true"{{else}}"false"{{end}}'],
  ["range over pipeline", "{{range .X|.M}}true{{else}}false{{end}}", '{{range .X | .M}}"true"{{else}}"false"{{end}}'],
  ["range []int", "{{range .SI}}{{.}}{{end}}", "{{range .SI}}{{.}}{{end}}"],
  ["range 1 var", "{{range $x := .SI}}{{.}}{{end}}", "{{range $x := .SI}}{{.}}{{end}}"],
  ["range 2 vars", "{{range $x, $y := .SI}}{{.}}{{end}}", "{{range $x, $y := .SI}}{{.}}{{end}}"],
  ["range with break", "{{range .SI}}{{.}}{{break}}{{end}}", "{{range .SI}}{{.}}{{break}}{{end}}"],
  ["range with continue", "{{range .SI}}{{.}}{{continue}}{{end}}", "{{range .SI}}{{.}}{{continue}}{{end}}"],
  [
    "constants",
    "{{range .SI 1 -3.2i true false 'a' nil}}{{end}}",
    "{{range .SI 1 -3.2i true false 'a' nil}}{{end}}",
  ],
  ["template", "{{template `x`}}", '{{template "x"}}'],
  ["template with arg", "{{template `x` .Y}}", '{{template "x" .Y}}'],
  ["with", "{{with .X}}hello{{end}}", '{{with .X}}"hello"{{end}}'],
  ["with with else", "{{with .X}}hello{{else}}goodbye{{end}}", '{{with .X}}"hello"{{else}}"goodbye"{{end}}'],
  ["trim left", "x \r\n\t{{- 3}}", '"x"{{3}}'],
  ["trim right", "{{3 -}}\n\n\ty", '{{3}}"y"'],
  ["trim left and right", "x \r\n\t{{- 3 -}}\n\n\ty", '"x"{{3}}"y"'],
  ["trim with extra spaces", "x\n{{-  3   -}}\ny", '"x"{{3}}"y"'],
  ["comment trim left", "x \r\n\t{{- /* hi */}}", '"x"'],
  ["comment trim right", "{{/* hi */ -}}\n\n\ty", '"y"'],
  ["comment trim left and right", "x \r\n\t{{- /* */ -}}\n\n\ty", '"x""y"'],
  ["block definition", '{{block "foo" .}}hello{{end}}', '{{template "foo" .}}'],
  ["newline in assignment", "{{ $x \n := \n 1 \n }}", "{{$x := 1}}"],
  ["newline in pipeline", '{{\n"x"\n|\nprintf\n}}', '{{"x" | printf}}'],
  ["newline in comment", "{{/*\nhello\n*/}}", ""],
  ["newline in trimmed comment", "{{-\n/*\nhello\n*/\n-}}", ""],
  ["spaces around continue", "{{range .SI}}{{.}}{{ continue }}{{end}}", "{{range .SI}}{{.}}{{continue}}{{end}}"],
  ["spaces around break", "{{range .SI}}{{.}}{{ break }}{{end}}", "{{range .SI}}{{.}}{{break}}{{end}}"],
  ["bug0a", "{{$x := 0}}{{$x}}", "{{$x := 0}}{{$x}}"],
  ["bug1c", "{{$x:=.}}{{$x +2}}", "{{$x := .}}{{$x +2}}"],
  ["assignment", "{{$x := 1}}{{$x = 2}}", "{{$x := 1}}{{$x := 2}}"],
];

const parseErrorTests: [name: string, input: string, message: string][] = [
  ["emptyAction", "{{}}", "1: missing value for command"],
  ["newline in empty action", "{{\n}}", "2: missing value for command"],
  ["unclosed action", "hello{{range", "1: unclosed action"],
  ["unmatched end", "{{end}}", "1: unexpected {{end}}"],
  ["unmatched else", "{{else}}", "1: unexpected {{else}}"],
  ["unmatched else after if", "{{if .X}}hello{{end}}{{else}}", "1: unexpected {{else}}"],
  ["multiple else", "{{if .X}}1{{else}}2{{else}}3{{end}}", "1: expected end; found {{else}}"],
  ["missing end", "hello{{range .x}}", "1: unexpected EOF"],
  ["missing end after else", "hello{{range .x}}{{else}}", "1: unexpected EOF"],
  ["undefined function", "hello{{undefined}}", '1: function "undefined" not defined'],
  ["undefined variable", "{{$x}}", '1: undefined variable "$x"'],
  ["variable undefined after end", "{{with $x := 4}}{{end}}{{$x}}", '1: undefined variable "$x"'],
  ["variable undefined in template", "{{template $v}}", '1: unexpected "$v" in template clause'],
  ["declare with field", "{{with $x.Y := 4}}{{end}}", '1: undefined variable "$x"'],
  ["template with field ref", "{{template .X}}", '1: unexpected ".X" in template clause'],
  ["invalid punctuation", "{{printf 3, 4}}", '1: unexpected "," in operand'],
  ["multidecl outside range", "{{with $v, $u := 3}}{{end}}", "1: too many declarations in with"],
  ["too many decls in range", "{{range $u, $v, $w := 3}}{{end}}", "1: too many declarations in range"],
  ["dot applied to parentheses", "{{printf (printf .).}}", "1: unexpected <.> in operand"],
  ["adjacent args", "{{printf 3`x`}}", '1: unexpected "`x`" in operand'],
  ["adjacent args with .", "{{printf `x`.}}", "1: unexpected <.> in operand"],
  ["extra end after if", "{{if .X}}a{{else if .Y}}b{{end}}{{end}}", "1: unexpected {{end}}"],
  ["break outside range", "{{range .}}{{end}} {{break}}", "1: {{break}} outside {{range}}"],
  ["continue outside range", "{{range .}}{{end}} {{continue}}", "1: {{continue}} outside {{range}}"],
  ["break in range else", "{{range .}}{{else}}{{break}}{{end}}", "1: {{break}} outside {{range}}"],
  ["continue in range else", "{{range .}}{{else}}{{continue}}{{end}}", "1: {{continue}} outside {{range}}"],
  ["bug0b", "{{$x += 1}}{{$x}}", '1: undefined variable "$x"'],
  ["bug0e", "{{range $x := $y := 3}}{{end}}", '1: undefined variable "$y"'],
  ["bug1a", "{{$x:=.}}{{$x!2}}", "1: bad character U+0021 '!'"],
  ["bug1b", "{{$x:=.}}{{$x+2}}", "1: bad character U+002B '+'"],
  ["dot after integer", "{{1.E}}", '1: illegal number syntax: "1.E"'],
  ["dot after float", "{{0.1.E}}", '1: unexpected . after term "0.1"'],
  ["dot after boolean", "{{true.E}}", '1: unexpected . after term "true"'],
  ["dot after char", "{{'a'.any}}", `1: unexpected . after term "'a'"`],
  ["dot after string", '{{"hello".guys}}', '1: unexpected . after term "\\"hello\\""'],
  ["dot after dot", "{{..E}}", '1: unexpected . after term "."'],
  ["dot after nil", "{{nil.E}}", '1: unexpected . after term "nil"'],
  ["wrong pipeline dot", "{{12|.}}", "1: non executable command in pipeline stage 2"],
  ["wrong pipeline string", '{{.|printf|"error"}}', "1: non executable command in pipeline stage 3"],
  ["wrong pipeline char", "{{12|printf|'e'}}", "1: non executable command in pipeline stage 3"],
  ["wrong pipeline nil", "{{'c'|nil}}", "1: non executable command in pipeline stage 2"],
  ["empty pipeline", '{{printf "%d" ( ) }}', "1: missing value for parenthesized pipeline"],
  ["block without pipeline", '{{block "foo"}}hello{{end}}', "1: missing value for block clause"],
  ["long token", '{{printf 3"abcdefghijkl"}}', '1: unexpected "\\"abcdefghi"... in operand'],
  ["long token in bytes", '{{printf 3"ééééé"}}', '1: unexpected "\\"ééééé\\""... in operand'],
  ["unclosed action later", "a\n{{ range\n\n.X", "4: unclosed action started at NAME:2"],
  ["bad string escape", '{{ "\\q" }}', "1: invalid syntax"],
  ["bad define name", "{{define `a`}}{{end}}\n{{define x}}", '2: unexpected "x" in define clause'],
  ["else with", "{{if .A}}{{else with .B}}{{end}}", "1: unexpected <with> in else"],
  ["character beyond the BMP after a number", "{{1\u{10030}}}", '1: bad number syntax: "1\u{10030}"'],
];

const errorTests: [name: string, input: string, message: string][] = [
  ["unclosed1", "line1\n{{", "unclosed1:2: unclosed action"],
  ["unclosed2", "line1\n{{define `x`}}line2\n{{", "unclosed2:3: unclosed action"],
  ["unclosed3", 'line1\n{{"x"\n"y"\n', "unclosed3:4: unclosed action started at unclosed3:2"],
  ["unclosed4", "{{\n\n\n\n\n", "unclosed4:6: unclosed action started at unclosed4:1"],
  ["var1", "line1\n{{\nx\n}}", 'var1:3: function "x" not defined'],
  ["function", "{{foo}}", 'function:1: function "foo" not defined'],
  ["comment1", "{{/*}}", "comment1:1: unclosed comment"],
  ["comment2", "{{/*\nhello\n}}", "comment2:1: unclosed comment"],
  ["lparen", "{{.X (1 2 3}}", "lparen:1: unclosed left paren"],
  ["rparen", "{{.X 1 2 3 ) }}", 'rparen:1: unexpected ")" in command'],
  ["rparen2", "{{(.X 1 2 3", "rparen2:1: unclosed action"],
  ["space", "{{`x`3}}", 'space:1: unexpected "3" in operand'],
  ["idchar", "{{a#}}", "idchar:1: bad character U+0023 '#'"],
  ["charconst", "{{'a}}", "charconst:1: unterminated character constant"],
  ["stringconst", '{{"a}}', "stringconst:1: unterminated quoted string"],
  ["rawstringconst", "{{`a}}", "rawstringconst:1: unterminated raw quoted string"],
  ["number", "{{0xi}}", 'number:1: illegal number syntax: "0xi"'],
  [
    "multidefine",
    "{{define `a`}}a{{end}}{{define `a`}}b{{end}}",
    'multidefine:1: template: multiple definition of template "a"',
  ],
  ["eof", "{{range .X}}", "eof:1: unexpected EOF"],
  ["variable", "{{$x := 23}}{{with $x.y := 3}}{{$x 23}}{{end}}", 'variable:1: unexpected ":=" in operand'],
  ["multidecl", "{{$a,$b,$c := 23}}", "multidecl:1: too many declarations in command"],
  ["undefvar", "{{$a}}", 'undefvar:1: undefined variable "$a"'],
  ["wrongdot", "{{true.any}}", 'wrongdot:1: unexpected . after term "true"'],
  ["wrongpipeline", "{{12|false}}", "wrongpipeline:1: non executable command in pipeline stage 2"],
  ["emptypipeline", "{{ ( ) }}", "emptypipeline:1: missing value for parenthesized pipeline"],
  ["multilinerawstring", "{{ $v := `\n` }} {{", "multilinerawstring:2: unclosed action"],
  ["rangeundefvar", "{{range $k}}{{end}}", 'rangeundefvar:1: undefined variable "$k"'],
  ["rangeundefvars", "{{range $k, $v}}{{end}}", 'rangeundefvars:1: undefined variable "$v"'],
  ["rangemissingvalue1", "{{range $k,}}{{end}}", "rangemissingvalue1:1: missing value for range"],
  ["rangemissingvalue2", "{{range $k, $v := }}{{end}}", "rangemissingvalue2:1: missing value for range"],
  ["rangenotvariable1", "{{range $k, .}}{{end}}", "rangenotvariable1:1: range can only initialize variables"],
  ["rangenotvariable2", "{{range $k, 123 := .}}{{end}}", "rangenotvariable2:1: range can only initialize variables"],
];

describe("parse", () => {
  it.each(parseTests)("%s", (name, input, result) => {
    expect(parseRoot(name, input)).toBe(result);
  });

  it.each(parseErrorTests)("fails as Go does: %s", (_name, input, message) => {
    expect(parseError("NAME", input)).toBe(`template: NAME:${message}`);
  });

  it.each(errorTests)("reports the line as Go does: %s", (name, input, message) => {
    expect(parseError(name, input, () => false)).toBe(`template: ${message}`);
  });

  it.each<[string, string, boolean]>([
    ["empty", "", true],
    ["nonempty", "hello", false],
    ["spaces only", " \t\n \t\n", true],
    ["comment only", "{{/* comment */}}", true],
    ["definition", '{{define "x"}}something{{end}}', true],
    ["definitions and space", "{{define `x`}}something{{end}}\n\n{{define `y`}}something{{end}}\n\n", true],
    ["definitions and text", "{{define `x`}}something{{end}}\nx\n{{define `y`}}something{{end}}\ny\n", false],
    ["definition and action", "{{define `x`}}something{{end}}{{if 3}}foo{{end}}", false],
    ["Unicode spaces", "\u00a0\u2003\v\f\u0085", true],
    ["byte order mark", "\ufeff", false],
  ])("tells empty trees: %s", (_name, input, empty) => {
    expect(isEmptyTree(parse("root", input, "", "", () => false).get("root")!.root)).toBe(empty);
  });

  it("defines a block's template and runs it in place", () => {
    const trees = parse("outer", 'a{{block "inner" .}}bar{{.}}baz{{end}}b', "", "", () => false);
    expect(nodeString(trees.get("outer")!.root)).toBe('a{{template "inner" .}}b');
    expect(nodeString(trees.get("inner")!.root)).toBe("bar{{.}}baz");
    expect(trees.get("inner")).toMatchObject({ name: "inner", parseName: "outer" });
  });

  it("lets an empty definition be replaced, but not a non-empty one", () => {
    const trees = parse("t", '{{define "a"}} {{end}}{{define "a"}}A{{end}}', "", "", () => false);
    expect(nodeString(trees.get("a")!.root)).toBe("A");
    expect(() => parse("t", '{{define "t"}}x{{end}}y', "", "", () => false)).toThrow(
      'template: t:1: template: multiple definition of template "t"',
    );
  });

  it("gives actions and pipelines their line numbers", () => {
    const nodes = parse("bench", "{{printf 1234}}\n".repeat(100), "", "", hasBuiltin).get("bench")!.root.nodes;
    for (let i = 0; i < nodes.length; i += 2) {
      const action = nodes[i] as ActionNode;
      expect([action.line, action.pipe.line]).toEqual([1 + i / 2, 1 + i / 2]);
    }
  });

  it("locates nodes for error messages as Go's ErrorContext does", () => {
    const text = 'line1\n{{define "x"}}\n  {{ .A.B | printf "%v" }}{{end}}\nxé{{ if $.C }}{{ (index . 1).D }}{{end}}';
    const trees = parse("t.yaml", text, "", "", (f) => f === "printf" || f === "index");
    const x = trees.get("x")!;
    const action = x.root.nodes[1] as ActionNode;
    expect(errorContext(x, action)).toEqual(["t.yaml:3:5", '{{.A.B | printf "%v"}}']);
    expect(errorContext(x, action.pipe.cmds[0]!.args[0]!)).toEqual(["t.yaml:3:7", ".A.B"]);
    expect(errorContext(x, action.pipe.cmds[1]!)).toEqual(["t.yaml:3:12", 'printf "%v"']);
    const top = trees.get("t.yaml")!;
    const ifNode = top.root.nodes[2] as IfNode;
    expect(errorContext(top, ifNode)).toEqual(["t.yaml:4:9", "{{if $.C}}{{(index . 1).D}}{{end}}"]);
    expect(errorContext(top, ifNode.pipe.cmds[0]!.args[0]!)).toEqual(["t.yaml:4:10", "$.C"]);
    const inner = ifNode.list.nodes[0] as ActionNode;
    expect(errorContext(top, inner.pipe.cmds[0]!.args[0]!)).toEqual(["t.yaml:4:29", "(index . 1).D"]);
    expect(errorContext(top, top.root.nodes[0]!)).toEqual(["t.yaml:1:0", "line1\n"]);
  });
});
