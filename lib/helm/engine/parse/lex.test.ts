import { describe, expect, it } from "vitest";
import { type Item, ItemType as T, type ItemType } from "./items";
import { Lexer } from "./lex";

// Cases from Go's text/template/parse/lex_test.go.

type Expected = [ItemType, string];

const tDot: Expected = [T.Dot, "."];
const tEOF: Expected = [T.EOF, ""];
const tLeft: Expected = [T.LeftDelim, "{{"];
const tRight: Expected = [T.RightDelim, "}}"];
const tLpar: Expected = [T.LeftParen, "("];
const tRpar: Expected = [T.RightParen, ")"];
const tPipe: Expected = [T.Pipe, "|"];
const tSpace: Expected = [T.Space, " "];
const tQuote: Expected = [T.String, `"abc \\n\\t\\" "`];
const raw = "`abc\\n\\t\\\" `";
const rawNL = "`now is{{\n}}the time`";
const num = (s: string): Expected => [T.Number, s];
const id = (s: string): Expected => [T.Identifier, s];
const variable = (s: string): Expected => [T.Variable, s];
const field = (s: string): Expected => [T.Field, s];
const char = (s: string): Expected => [T.Char, s];
const err = (s: string): Expected => [T.Error, s];

const lexTests: [name: string, input: string, items: Expected[]][] = [
  ["empty", "", [tEOF]],
  ["spaces", " \t\n", [[T.Text, " \t\n"], tEOF]],
  ["text", "now is the time", [[T.Text, "now is the time"], tEOF]],
  [
    "text with comment",
    "hello-{{/* this is a comment */}}-world",
    [[T.Text, "hello-"], [T.Comment, "/* this is a comment */"], [T.Text, "-world"], tEOF],
  ],
  ["punctuation", "{{,@% }}", [tLeft, char(","), char("@"), char("%"), tSpace, tRight, tEOF]],
  ["parens", "{{((3))}}", [tLeft, tLpar, tLpar, num("3"), tRpar, tRpar, tRight, tEOF]],
  ["empty action", "{{}}", [tLeft, tRight, tEOF]],
  ["for", "{{for}}", [tLeft, id("for"), tRight, tEOF]],
  ["block", '{{block "foo" .}}', [tLeft, [T.Block, "block"], tSpace, [T.String, '"foo"'], tSpace, tDot, tRight, tEOF]],
  ["quote", '{{"abc \\n\\t\\" "}}', [tLeft, tQuote, tRight, tEOF]],
  ["raw quote", "{{" + raw + "}}", [tLeft, [T.RawString, raw], tRight, tEOF]],
  ["raw quote with newline", "{{" + rawNL + "}}", [tLeft, [T.RawString, rawNL], tRight, tEOF]],
  [
    "numbers",
    "{{1 02 0x14 0X14 -7.2i 1e3 1E3 +1.2e-4 4.2i 1+2i 1_2 0x1.e_fp4 0X1.E_FP4}}",
    [
      tLeft,
      ...["1", "02", "0x14", "0X14", "-7.2i", "1e3", "1E3", "+1.2e-4", "4.2i"].flatMap((n) => [num(n), tSpace]),
      [T.Complex, "1+2i"],
      tSpace,
      ...["1_2", "0x1.e_fp4"].flatMap((n) => [num(n), tSpace]),
      num("0X1.E_FP4"),
      tRight,
      tEOF,
    ],
  ],
  [
    "characters",
    "{{'a' '\\n' '\\'' '\\\\' '\\u00FF' '\\xFF' '本'}}",
    [
      tLeft,
      ...["'a'", "'\\n'", "'\\''", "'\\\\'", "'\\u00FF'", "'\\xFF'"].flatMap((c): Expected[] => [
        [T.CharConstant, c],
        tSpace,
      ]),
      [T.CharConstant, "'本'"],
      tRight,
      tEOF,
    ],
  ],
  ["bools", "{{true false}}", [tLeft, [T.Bool, "true"], tSpace, [T.Bool, "false"], tRight, tEOF]],
  ["dot", "{{.}}", [tLeft, tDot, tRight, tEOF]],
  ["nil", "{{nil}}", [tLeft, [T.Nil, "nil"], tRight, tEOF]],
  [
    "dots",
    "{{.x . .2 .x.y.z}}",
    [tLeft, field(".x"), tSpace, tDot, tSpace, num(".2"), tSpace, field(".x"), field(".y"), field(".z"), tRight, tEOF],
  ],
  [
    "keywords",
    "{{range if else end with}}",
    [
      tLeft,
      ...(["range", "if", "else", "end"] as const).flatMap((k): Expected[] => [[T[capitalize(k)], k], tSpace]),
      [T.With, "with"],
      tRight,
      tEOF,
    ],
  ],
  [
    "variables",
    "{{$c := printf $ $hello $23 $ $var.Field .Method}}",
    [
      tLeft,
      variable("$c"),
      tSpace,
      [T.Declare, ":="],
      tSpace,
      id("printf"),
      tSpace,
      ...["$", "$hello", "$23", "$"].flatMap((v) => [variable(v), tSpace]),
      variable("$var"),
      field(".Field"),
      tSpace,
      field(".Method"),
      tRight,
      tEOF,
    ],
  ],
  ["variable invocation", "{{$x 23}}", [tLeft, variable("$x"), tSpace, num("23"), tRight, tEOF]],
  [
    "pipeline",
    'intro {{echo hi 1.2 |noargs|args 1 "hi"}} outro',
    [
      [T.Text, "intro "],
      tLeft,
      id("echo"),
      tSpace,
      id("hi"),
      tSpace,
      num("1.2"),
      tSpace,
      tPipe,
      id("noargs"),
      tPipe,
      id("args"),
      tSpace,
      num("1"),
      tSpace,
      [T.String, '"hi"'],
      tRight,
      [T.Text, " outro"],
      tEOF,
    ],
  ],
  ["declaration", "{{$v := 3}}", [tLeft, variable("$v"), tSpace, [T.Declare, ":="], tSpace, num("3"), tRight, tEOF]],
  [
    "2 declarations",
    "{{$v , $w := 3}}",
    [
      tLeft,
      variable("$v"),
      tSpace,
      char(","),
      tSpace,
      variable("$w"),
      tSpace,
      [T.Declare, ":="],
      tSpace,
      num("3"),
      tRight,
      tEOF,
    ],
  ],
  ["field of parenthesized expression", "{{(.X).Y}}", [tLeft, tLpar, field(".X"), tRpar, field(".Y"), tRight, tEOF]],
  [
    "trimming spaces before and after",
    "hello- {{- 3 -}} -world",
    [[T.Text, "hello-"], tLeft, num("3"), tRight, [T.Text, "-world"], tEOF],
  ],
  [
    "trimming spaces before and after comment",
    "hello- {{- /* hello */ -}} -world",
    [[T.Text, "hello-"], [T.Comment, "/* hello */"], [T.Text, "-world"], tEOF],
  ],
  // Errors.
  ["badchar", "#{{\x01}}", [[T.Text, "#"], tLeft, err("unrecognized character in action: U+0001")]],
  ["unclosed action", "{{", [tLeft, err("unclosed action")]],
  ["EOF in action", "{{range", [tLeft, [T.Range, "range"], err("unclosed action")]],
  ["unclosed quote", '{{"\n"}}', [tLeft, err("unterminated quoted string")]],
  ["unclosed raw quote", "{{`xx}}", [tLeft, err("unterminated raw quoted string")]],
  ["unclosed char constant", "{{'\n}}", [tLeft, err("unterminated character constant")]],
  ["bad number", "{{3k}}", [tLeft, err('bad number syntax: "3k"')]],
  ["unclosed paren", "{{(3}}", [tLeft, tLpar, num("3"), err("unclosed left paren")]],
  ["extra right paren", "{{3)}}", [tLeft, num("3"), tRpar, err("unexpected right paren U+0029 ')'")]],
  // Many elements in an action once blew the lookahead.
  ["long pipeline deadlock", "{{|||||}}", [tLeft, tPipe, tPipe, tPipe, tPipe, tPipe, tRight, tEOF]],
  ["text with bad comment", "hello-{{/*/}}-world", [[T.Text, "hello-"], err("unclosed comment")]],
  [
    "text with comment close separated from delim",
    "hello-{{/* */ }}-world",
    [[T.Text, "hello-"], err("comment ends before closing delimiter")],
  ],
  // An error Go cannot catch without breaking templates of minimized JavaScript.
  ["unmatched right delimiter", "hello-{.}}-world", [[T.Text, "hello-{.}}-world"], tEOF]],
];

function capitalize<K extends string>(k: K): Capitalize<K> {
  return (k[0]!.toUpperCase() + k.slice(1)) as Capitalize<K>;
}

function collect(input: string, left = "", right = ""): Item[] {
  const lexer = new Lexer(input, left, right, true, true, true);
  const items: Item[] = [];
  for (;;) {
    const item = lexer.nextItem();
    items.push(item);
    if (item.typ === T.EOF || item.typ === T.Error) return items;
  }
}

describe("lexer", () => {
  it.each(lexTests)("%s", (_name, input, expected) => {
    const items = collect(input).map((i): Expected => [i.typ, i.val]);
    expect(items).toEqual(expected);
  });

  it.each<[string, string, Expected[]]>([
    ["punctuation", "$$,@%{{}}@@", [[T.LeftDelim, "$$"], ...[...",@%{{}}"].map(char), [T.RightDelim, "@@"], tEOF]],
    ["empty action", "$$@@", [[T.LeftDelim, "$$"], [T.RightDelim, "@@"], tEOF]],
    ["for", "$$for@@", [[T.LeftDelim, "$$"], id("for"), [T.RightDelim, "@@"], tEOF]],
    ["quote", '$$"abc \\n\\t\\" "@@', [[T.LeftDelim, "$$"], tQuote, [T.RightDelim, "@@"], tEOF]],
    ["raw quote", "$$" + raw + "@@", [[T.LeftDelim, "$$"], [T.RawString, raw], [T.RightDelim, "@@"], tEOF]],
  ])("takes other delimiters: %s", (_name, input, expected) => {
    expect(collect(input, "$$", "@@").map((i) => [i.typ, i.val])).toEqual(expected);
  });

  it("takes delimiters that start with alphanumerics", () => {
    const items = collect("{{hub .host hub}}", "{{hub", "hub}}").map((i) => [i.typ, i.val]);
    expect(items).toEqual([[T.LeftDelim, "{{hub"], tSpace, field(".host"), tSpace, [T.RightDelim, "hub}}"], tEOF]);
  });

  it.each<[string, string, [ItemType, number, string, number][]]>([
    ["empty", "", [[T.EOF, 0, "", 1]]],
    [
      "punctuation",
      "{{,@%#}}",
      [
        [T.LeftDelim, 0, "{{", 1],
        [T.Char, 2, ",", 1],
        [T.Char, 3, "@", 1],
        [T.Char, 4, "%", 1],
        [T.Char, 5, "#", 1],
        [T.RightDelim, 6, "}}", 1],
        [T.EOF, 8, "", 1],
      ],
    ],
    [
      "sample",
      "0123{{hello}}xyz",
      [
        [T.Text, 0, "0123", 1],
        [T.LeftDelim, 4, "{{", 1],
        [T.Identifier, 6, "hello", 1],
        [T.RightDelim, 11, "}}", 1],
        [T.Text, 13, "xyz", 1],
        [T.EOF, 16, "", 1],
      ],
    ],
    [
      "trimafter",
      "{{x -}}\n{{y}}",
      [
        [T.LeftDelim, 0, "{{", 1],
        [T.Identifier, 2, "x", 1],
        [T.RightDelim, 5, "}}", 1],
        [T.LeftDelim, 8, "{{", 2],
        [T.Identifier, 10, "y", 2],
        [T.RightDelim, 11, "}}", 2],
        [T.EOF, 13, "", 2],
      ],
    ],
    [
      "trimbefore",
      "{{x}}\n{{- y}}",
      [
        [T.LeftDelim, 0, "{{", 1],
        [T.Identifier, 2, "x", 1],
        [T.RightDelim, 3, "}}", 1],
        [T.LeftDelim, 6, "{{", 2],
        [T.Identifier, 10, "y", 2],
        [T.RightDelim, 11, "}}", 2],
        [T.EOF, 13, "", 2],
      ],
    ],
  ])("gives positions and lines: %s", (_name, input, expected) => {
    expect(collect(input).map((i) => [i.typ, i.pos, i.val, i.line])).toEqual(expected);
  });

  it("reads identifiers and characters outside ASCII as Go does", () => {
    expect(collect("{{ .héllo $日本 }}").map((i) => [i.typ, i.val])).toEqual([
      tLeft,
      tSpace,
      field(".héllo"),
      tSpace,
      variable("$日本"),
      tSpace,
      tRight,
      tEOF,
    ]);
    const emoji = "unrecognized character in action: U+1F642 '🙂'";
    expect(collect("{{ 🙂 }}").at(-1)).toMatchObject({ typ: T.Error, val: emoji });
    expect(collect("{{ a\u00a0}}").at(-1)).toMatchObject({ typ: T.Error, val: "bad character U+00A0" });
  });
});
