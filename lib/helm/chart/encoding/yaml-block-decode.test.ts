import { describe, expect, it } from "vitest";
import { decodeBlockYaml } from "./yaml-block-decode";
import { decodeYamlV2Full } from "./yaml-decode";

/** The quick block reader either declines or reads exactly what the full decoder reads. */
const cases = [
  "a: b", "a:  b  ", "a: b # c", "a: b#c", "a: 'x''y'", 'a: "x\\ty\\u00e9"', 'a: "x\\/"', "- a\n- b", "-\n- b",
  "- - a\n  - b\n- c", "a:\n- x\n- y\nb: 1", "a:\n  - x\nb:", "? a\n: b", "a: b: c", "a: [x, y]", "a: [x, [y]]",
  "a: [\"x\" , 'y' ,]", "a: [x y]", "a: [ x, y ] # c", "a: {x: 1}", "a: |\n  x\n\n  y\n", "a: |2\n   x", "a: >\n  x\n  y",
  "a: |\n   x\n  y", "a: |-\n  x\n b: 1", "true: 1\n1: 2\n~: 3\n0x1F: 4\n1.5: 5\n2001-01-01: 6", "a: 2001-12-14t21:59:43.10-05:00",
  "a: 0o17", "a: 0b101", "a: 1_000", "a: .5", "a: +1", "a: 1e3", "a: 0777", "a: .inf", "a: -.inf", "a: .nan", "a: yes",
  "a: ~", "a:", "'a': 1", '"a" : 1', '"a":1', "a:1", "a : 1", "  a: 1\n  b: 2", "  a: 1\nb: 2", "a: 1\n  b: 2",
  "a:\n  b\n  c", "a: x\n  y", "- x\n  y", "a: 'x\n  y'", "a: x #c\n  y", "a: -", "a: - b", "--- a", "a: &x y\nb: *x",
  "<<: {a: 1}", "a: :b", "a: b:", "a: b:c", "a: http://x:8080/y", "a: 'x' y", "- a: 1\n  b: 2\n- c: 3", "- a: 1\n   b: 2",
  "- a: 1\n b: 2", "a:\n  - b: 1\n    c: 2\n  - d", "a: 1\na: 2", "a: |+\n  x\n\nb: 1", "a: |+\n  x\n\n", "a: |\n  x\n    y\n  z",
  "a: |\n  # not a comment\n  x", "a: |\n    \n  x", "a: |\n  \n  x", "a: |\n  x\n   \n  y\n", "a: |-\n    \nb: 1", "a: |+\n    \nb: 1",
  "- |\n x", "- |-\n  x\n- y", "a: [-]", "a: [a,,b]", "a: [a, b", "a: [a]]", "a: [] # c", "a: []x", "#c\na: 1\n#d", "", "# only",
  "x", "'x'", "[a]", "{}", "- a\nb: 1", "a: 1\n- b", "é: ü", "a:\tb", "a: b  #", 'a: ""', "a: ''", 'a: "x\\', "a: |\n  x\n  ",
  "a: |-\n  x\n  \n", "a:    |\n   x", "a: | # c\n  x", "a: |#c\n  x", "a:\n  {}\nb: [\"-c\", \"exec x\"]",
];

function outcome(read: () => unknown): unknown {
  try {
    return { value: read() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe("the quick block YAML reader", () => {
  it.each(cases)("reads %j as the full decoder does, or declines", (text) => {
    const quick = outcome(() => decodeBlockYaml(text));
    if ((quick as { value?: unknown }).value === undefined) return;
    expect(quick).toEqual(outcome(() => decodeYamlV2Full(text)));
  });

  it("reads the usual shapes of a rendered manifest itself", () => {
    const text = 'kind: ConfigMap\nmetadata:\n  name: "x"\n  labels: {}\ndata:\n  a.cfg: |-\n    [core]\n    k = v\n\n  n: 1\nlist:\n- a: 1\n  b: [x, "y"]\n';
    expect(decodeBlockYaml(text)).toEqual(decodeYamlV2Full(text));
    expect(decodeBlockYaml(text)).not.toBeUndefined();
  });
});
