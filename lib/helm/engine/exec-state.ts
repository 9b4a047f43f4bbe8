import { ArgumentError, validateType } from "./convert";
import { goQuote } from "./fmt";
import { errorContext, type Node, type Tree } from "./parse";
import type { TemplateSet } from "./template";
import type { GoType, GoValue } from "./value";

/**
 * The state of one template's execution (Go's exec.go `state`): the set it runs in, the tree, where
 * it is (for error messages), the variables in scope and the output. Error messages are Go's, word
 * for word: Helm shows them to people and parses them (cleanupExecError).
 */
export class ExecError extends Error {
  constructor(
    readonly templateName: string,
    message: string,
  ) {
    super(message);
  }
}

/** The "no argument from the pipeline" marker (Go's missingVal). */
export const MISSING = Symbol("missing");
export type Final = GoValue | typeof MISSING;

/** Thrown by {{break}} and {{continue}}, caught by the enclosing range. */
export const BREAK = Symbol("break");
export const CONTINUE = Symbol("continue");
export const MAX_DEPTH = 100_000;

export interface Variable {
  name: string;
  value: GoValue;
  /** Held as interface{} (a range element of an untyped list or map): Go names its type so. */
  iface?: boolean;
}

export class ExecState {
  out: string[] = [];
  private node: Node | null = null;
  /** Dot is a range element held as interface{}: error messages name its type `interface {}`. */
  dotIface = false;
  /** The last field evaluated was a map's element, whose static type is interface{}. */
  lastFromMap = false;

  constructor(
    readonly set: TemplateSet,
    readonly tree: Tree,
    readonly vars: Variable[],
    readonly depth: number,
  ) {}

  /** The node being evaluated, which an error message points at. */
  at(node: Node) {
    this.node = node;
  }

  errorf(message: string): never {
    const name = this.tree.name;
    if (!this.node) throw new ExecError(name, `template: ${name}: ${message}`);
    const [location, context] = errorContext(this.tree, this.node);
    throw new ExecError(name, `template: ${location}: executing ${goQuote(name)} at <${context}>: ${message}`);
  }

  varValue(name: string): GoValue {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!.value;
    this.errorf(`undefined variable: ${name}`);
  }

  /** Whether the innermost variable of that name holds an interface{} (a range element). */
  varIface(name: string): boolean {
    return this.vars.findLast((v) => v.name === name)?.iface ?? false;
  }

  setVar(name: string, value: GoValue) {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  /** A value passed where Go's reflection would convert it to `type`; null type: as it is. */
  validate(value: GoValue, type: GoType | null): GoValue {
    if (type === null) return value === null ? undefined : value;
    try {
      return validateType(value, type);
    } catch (error) {
      if (error instanceof ArgumentError) this.errorf(error.message);
      throw error;
    }
  }
}
