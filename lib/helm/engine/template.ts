import { BUILTINS } from "./builtins";
import { execute } from "./exec";
import { isEmptyTree, parse, type Tree } from "./parse";
import type { GoFunc, GoValue } from "./value";

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
  }

  /** Go's findFunction: the template's functions first, then the builtins. */
  findFunction(name: string): { fn: GoFunc; builtin: boolean } | undefined {
    const own = this.userFunction(name);
    if (own) return { fn: own, builtin: false };
    const builtin = BUILTINS[name];
    return builtin ? { fn: builtin, builtin: true } : undefined;
  }

  private userFunction(name: string): GoFunc | undefined {
    return this.funcs.get(name) ?? this.parent?.userFunction(name);
  }

  lookup(name: string): Tree | undefined {
    return this.trees.get(name) ?? this.parent?.lookup(name);
  }

  /**
   * Go's (*Template).New(name).Parse(text): the text becomes template `name`, each `define` a
   * template of its own; a definition with an empty body never replaces an existing one.
   */
  parse(name: string, text: string): void {
    const trees = parse(name, text, "{{", "}}", (fn) => this.findFunction(fn) !== undefined);
    for (const [treeName, tree] of trees) {
      if (isEmptyTree(tree.root) && this.lookup(treeName)) continue;
      this.trees.set(treeName, tree);
    }
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
