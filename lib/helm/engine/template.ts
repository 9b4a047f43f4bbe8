import { BUILTINS } from "./builtins";
import { execute } from "./exec";
import { isEmptyTree, parse, type Tree } from "./parse";
import type { GoFunc, GoValue } from "./value";

const parsedTrees = new Map<string, Map<string, Map<string, Map<string, Tree>>>>();
const MAX_PARSED = 4096;

/** What a missing map key yields: Go's `missingkey=zero` (Helm's default), `invalid` or `error`. */
export type MissingKey = "zero" | "invalid" | "error";

/**
 * A set of associated templates, as Go's *template.Template and its common structure: trees by
 * name, the functions they may call, and the missing-key option. A clone shares nothing it could
 * change: it overlays its own trees and functions on its parent's.
 */
export class TemplateSet {
  private readonly trees = new Map<string, Tree>();
  private readonly funcs: Map<string, GoFunc>;

  constructor(
    funcs: Record<string, GoFunc> = {},
    public missingKey: MissingKey = "invalid",
    private readonly parent?: TemplateSet,
  ) {
    this.funcs = new Map(Object.entries(funcs));
  }

  /** Go's Template.Funcs: adds or replaces functions. */
  addFuncs(funcs: Record<string, GoFunc>): void {
    for (const [name, f] of Object.entries(funcs)) this.funcs.set(name, f);
    this.resolved.clear();
    this.namesKey = undefined;
    this.nameSet = undefined;
  }

  /** Go's findFunction: the template's functions first, then the builtins. */
  findFunction(name: string): { fn: GoFunc; builtin: boolean } | undefined {
    const own = this.userFunction(name);
    if (own) return { fn: own, builtin: false };
    const builtin = BUILTINS[name];
    return builtin ? { fn: builtin, builtin: true } : undefined;
  }

  /** Resolved through the clone chain once per name: `tpl` clones are looked through thousands of times. */
  private readonly resolved = new Map<string, GoFunc | null>();

  private userFunction(name: string): GoFunc | undefined {
    let fn = this.resolved.get(name);
    if (fn === undefined) {
      fn = this.funcs.get(name) ?? this.parent?.userFunction(name) ?? null;
      this.resolved.set(name, fn);
    }
    return fn ?? undefined;
  }

  lookup(name: string): Tree | undefined {
    return this.trees.get(name) ?? this.parent?.lookup(name);
  }

  /**
   * Go's (*Template).New(name).Parse(text): the text becomes template `name`, each `define` a
   * template of its own; a definition with an empty body never replaces an existing one.
   */
  parse(name: string, text: string): void {
    const trees = this.parseCached(name, text);
    for (const [treeName, tree] of trees) {
      if (isEmptyTree(tree.root) && this.lookup(treeName)) continue;
      this.trees.set(treeName, tree);
    }
  }

  /**
   * Parsed trees are never changed by execution, so a chart's templates (and a `tpl` text met
   * again) are parsed once per process for a given set of function names.
   */
  private parseCached(name: string, text: string): Map<string, Tree> {
    // Nested maps rather than one concatenated key: the texts are long, and a fresh string would
    // be hashed in full on every lookup.
    const namesKey = this.functionNamesKey();
    let byName = parsedTrees.get(namesKey);
    if (!byName) parsedTrees.set(namesKey, (byName = new Map()));
    let byText = byName.get(name);
    if (!byText) byName.set(name, (byText = new Map()));
    const hit = byText.get(text);
    if (hit) return hit;
    const trees = parse(name, text, "{{", "}}", (fn) => this.findFunction(fn) !== undefined);
    // Bounded per name: `tpl` parses whatever text values carry.
    if (byText.size >= MAX_PARSED) byText.delete(byText.keys().next().value!);
    byText.set(text, trees);
    return trees;
  }

  private namesKey: string | undefined;
  private nameSet: Set<string> | undefined;

  /** The function names this set resolves; a clone that only rebinds known names shares its parent's. */
  private functionNamesKey(): string {
    if (this.namesKey !== undefined) return this.namesKey;
    const inherited = this.parent?.functionNames();
    if (inherited && [...this.funcs.keys()].every((name) => inherited.has(name))) {
      this.nameSet = inherited;
      this.namesKey = this.parent!.functionNamesKey();
    } else {
      this.nameSet = new Set([...(inherited ?? []), ...this.funcs.keys()]);
      this.namesKey = [...this.nameSet].sort().join(",");
    }
    return this.namesKey;
  }

  private functionNames(): Set<string> {
    this.functionNamesKey();
    return this.nameSet!;
  }

  /** Go's Template.Clone: later parses and function changes do not reach the original. */
  clone(): TemplateSet {
    return new TemplateSet({}, this.missingKey, this);
  }

  /** Go's ExecuteTemplate. Throws ExecError for template errors, Error otherwise. */
  execute(name: string, data: GoValue, rootName: string): string {
    const tree = this.lookup(name);
    if (!tree) throw new Error(`template: no template ${JSON.stringify(name)} associated with template ${JSON.stringify(rootName)}`);
    return execute(this, tree, data);
  }
}
