import { analyzeScalar, type ScalarAnalysis } from "./yaml-scalar-analysis";
import { writeDoubleQuoted, writeLiteral, writePlain, writeSingleQuoted } from "./yaml-scalar-writers";

/**
 * libyaml's emitter as yaml.v2 runs it (best indent 2, best width 80, unicode on), walking a node
 * tree instead of an event queue. Column and indentation bookkeeping follow emitterc.go step by
 * step, because that is what decides where yaml.v2 folds a long string and how lists are indented.
 * With `v3` it behaves as yaml.v3's fork of it (no folding, lists indented under their key, tabs
 * not plain), which Helm's toYamlPretty uses.
 */
export type ScalarStyle = "plain" | "single" | "double" | "literal";

export type YamlNode =
  | { kind: "scalar"; value: string; style: ScalarStyle }
  | { kind: "seq"; items: YamlNode[]; flow?: boolean }
  | { kind: "map"; pairs: [YamlNode, YamlNode][]; flow?: boolean };

export class Emitter {
  out = "";
  column = 0;
  indent = -1;
  indents: number[] = [];
  whitespace = true;
  indention = true;
  openEnded = false;
  flowLevel = 0;
  readonly bestIndent = 2;
  readonly bestWidth: number;
  rootContext = false;
  sequenceContext = false;
  mappingContext = false;
  simpleKeyContext = false;

  constructor(readonly v3 = false) {
    this.bestWidth = v3 ? 2 ** 31 - 1 : 80;
  }

  put(c: string): void {
    this.out += c;
    this.column++;
  }

  putBreak(): void {
    this.out += "\n";
    this.column = 0;
    if (this.v3) this.indention = true;
  }

  /** write(): one character of the value; breaks other than \n reset the column in writeBreak. */
  write(c: string): void {
    this.out += c;
    this.column++;
  }

  writeBreak(c: string): void {
    if (c === "\n") {
      this.putBreak();
    } else {
      this.out += c;
      this.column = 0;
      if (this.v3) this.indention = true;
    }
  }

  writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(" ");
    this.whitespace = true;
    if (!this.v3) this.indention = true;
  }

  writeIndicator(indicator: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(" ");
    for (const c of indicator) this.write(c);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
    this.openEnded = false;
  }

  increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? this.bestIndent : 0;
    else if (this.v3) {
      // yaml.v3: inside a block list item just skip the "- ", else align to the indentation step.
      const inBlockSequence = this.sequenceContext && this.flowLevel === 0;
      if (inBlockSequence) this.indent += 2;
      else this.indent = this.bestIndent * Math.floor((this.indent + this.bestIndent) / this.bestIndent);
    } else if (!indentless) this.indent += this.bestIndent;
  }

  popIndent(): void {
    this.indent = this.indents.pop()!;
  }

  /** A whole single-document stream, as yaml.Marshal writes it. */
  document(root: YamlNode): string {
    this.emitNode(root, true, false, false, false);
    this.writeIndent();
    return this.out;
  }

  emitNode(node: YamlNode, root: boolean, sequence: boolean, mapping: boolean, simpleKey: boolean): void {
    this.rootContext = root;
    this.sequenceContext = sequence;
    this.mappingContext = mapping;
    this.simpleKeyContext = simpleKey;
    if (node.kind === "scalar") return this.emitScalar(node);
    const empty = node.kind === "seq" ? node.items.length === 0 : node.pairs.length === 0;
    const flow = this.flowLevel > 0 || node.flow === true || empty;
    if (node.kind === "seq") return flow ? this.flowSequence(node.items) : this.blockSequence(node.items);
    return flow ? this.flowMapping(node.pairs) : this.blockMapping(node.pairs);
  }

  private blockSequence(items: YamlNode[]): void {
    this.increaseIndent(false, !this.v3 && this.mappingContext && !this.indention);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator("-", true, false, true);
      this.emitNode(item, false, true, false, false);
    }
    this.popIndent();
  }

  private blockMapping(pairs: [YamlNode, YamlNode][]): void {
    this.increaseIndent(false, false);
    for (const [key, value] of pairs) {
      this.writeIndent();
      if (checkSimpleKey(key)) {
        this.emitNode(key, false, false, true, true);
        this.writeIndicator(":", false, false, false);
      } else {
        this.writeIndicator("?", true, false, true);
        this.emitNode(key, false, false, true, false);
        this.writeIndent();
        this.writeIndicator(":", true, false, true);
      }
      this.emitNode(value, false, false, true, false);
    }
    this.popIndent();
  }

  private flowSequence(items: YamlNode[]): void {
    this.writeIndicator("[", true, true, false);
    this.increaseIndent(true, false);
    this.flowLevel++;
    items.forEach((item, i) => {
      if (i > 0) this.writeIndicator(",", false, false, false);
      if (this.column > this.bestWidth) this.writeIndent();
      this.emitNode(item, false, true, false, false);
    });
    this.flowLevel--;
    this.popIndent();
    this.writeIndicator("]", false, false, false);
  }

  private flowMapping(pairs: [YamlNode, YamlNode][]): void {
    this.writeIndicator("{", true, true, false);
    this.increaseIndent(true, false);
    this.flowLevel++;
    pairs.forEach(([key, value], i) => {
      if (i > 0) this.writeIndicator(",", false, false, false);
      if (this.column > this.bestWidth) this.writeIndent();
      if (checkSimpleKey(key)) {
        this.emitNode(key, false, false, true, true);
        this.writeIndicator(":", false, false, false);
      } else {
        this.writeIndicator("?", true, false, false);
        this.emitNode(key, false, false, true, false);
        if (this.column > this.bestWidth) this.writeIndent();
        this.writeIndicator(":", true, false, false);
      }
      this.emitNode(value, false, false, true, false);
    });
    this.flowLevel--;
    this.popIndent();
    this.writeIndicator("}", false, false, false);
  }

  private emitScalar(node: { value: string; style: ScalarStyle }): void {
    const analysis = analyzeScalar(node.value, this.v3);
    const style = this.selectStyle(node.style, analysis);
    this.increaseIndent(true, false);
    const allowBreaks = !this.simpleKeyContext;
    switch (style) {
      case "plain":
        writePlain(this, node.value, allowBreaks);
        break;
      case "single":
        writeSingleQuoted(this, node.value, allowBreaks);
        break;
      case "double":
        writeDoubleQuoted(this, node.value, allowBreaks);
        break;
      case "literal":
        writeLiteral(this, node.value);
        break;
    }
    this.popIndent();
  }

  private selectStyle(requested: ScalarStyle, a: ScalarAnalysis): ScalarStyle {
    let style = requested;
    if (this.simpleKeyContext && a.multiline) style = "double";
    if (style === "plain") {
      if ((this.flowLevel > 0 && !a.flowPlainAllowed) || (this.flowLevel === 0 && !a.blockPlainAllowed)) {
        style = "single";
      }
      if (a.empty && (this.flowLevel > 0 || this.simpleKeyContext)) style = "single";
    }
    if (style === "single" && !a.singleQuotedAllowed) style = "double";
    if (style === "literal" && (!a.blockAllowed || this.flowLevel > 0 || this.simpleKeyContext)) style = "double";
    return style;
  }
}

/** yaml_emitter_check_simple_key: short single-line scalars and empty collections. */
function checkSimpleKey(key: YamlNode): boolean {
  if (key.kind === "scalar") {
    if (analyzeScalar(key.value, false).multiline) return false;
    return Buffer.byteLength(key.value, "utf8") <= 128;
  }
  return key.kind === "seq" ? key.items.length === 0 : key.pairs.length === 0;
}
