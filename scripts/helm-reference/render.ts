/**
 * Calls the Go reference renderer built by build.ts: one JSON request on stdin, one JSON answer on stdout.
 * A chart that Helm would refuse is an answer with `ok: false` and Helm's error text; a thrown error means
 * the call itself went wrong (bad request, crash, timeout) and carries the program's stderr.
 */
import { spawn } from "node:child_process";

export interface ReferenceRequest {
  /** Absolute path of a chart folder or a packaged .tgz. */
  chart: string;
  /** User-supplied values, coalesced over the chart's defaults as Helm does. */
  values?: Record<string, unknown>;
  releaseName: string;
  /** Defaults to "default". */
  namespace?: string;
  /** The server's GitVersion, e.g. "v1.33.0"; Major and Minor are read from it. */
  kubeVersion: string;
  /** Exactly what cluster discovery would return; no built-in list is added. */
  apiVersions?: string[];
  /** Sets .Release.IsUpgrade (and clears .Release.IsInstall). */
  isUpgrade?: boolean;
  /** .Release.Revision; defaults to 1. */
  revision?: number;
  /** Replace Sprig's random and certificate generators with fixed outputs (see funcs.go). */
  deterministicRandom?: boolean;
}

export interface ReferenceObject {
  /** The template the document came from, e.g. "airflow/templates/x.yaml". */
  template: string;
  apiVersion: string;
  kind: string;
  name: string;
  /** The document's text as Helm split it out of the rendered template. */
  content: string;
  /** The document parsed by yaml.v2 with map keys as strings; null for a document of comments only. */
  document: unknown;
}

export interface ReferenceHook extends ReferenceObject {
  events: string[];
  weight: number;
  deletePolicies: string[];
  outputLogPolicies: string[];
}

export interface ReferenceSuccess {
  ok: true;
  /** Every rendered template (partials excluded, NOTES.txt files included) by its chart path. */
  templates: Record<string, string>;
  /** Non-hook documents in Helm's install order. */
  objects: ReferenceObject[];
  /** Hook documents in Helm's install order. */
  hooks: ReferenceHook[];
  /** The parent chart's NOTES.txt, or null when it has none. */
  notes: string | null;
  /** What Helm would have logged (value coalescing and dependency warnings). */
  warnings: string[];
}

export interface ReferenceFailure {
  ok: false;
  /** Helm's error text, e.g. "execution error at (airflow/templates/x.yaml:12:3): …". */
  error: string;
  warnings: string[];
}

export type ReferenceAnswer = ReferenceSuccess | ReferenceFailure;

export interface RenderOptions {
  /** Milliseconds before the program is killed; a large chart renders in about a second. */
  timeoutMs?: number;
}

export async function renderWithReference(
  binary: string,
  request: ReferenceRequest,
  options: RenderOptions = {},
): Promise<ReferenceAnswer> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const child = spawn(binary, [], { stdio: ["pipe", "pipe", "pipe"] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));

  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, timeoutMs);

  // The program reads all of stdin before it answers; an EPIPE here shows up as a failed exit below.
  child.stdin.on("error", () => {});
  child.stdin.end(JSON.stringify(request));

  let result: { code: number | null; signal: NodeJS.Signals | null };
  try {
    result = await exit;
  } finally {
    clearTimeout(timer);
  }

  const errText = Buffer.concat(stderr).toString("utf8").trim();
  const detail = errText ? `\n${errText}` : "";
  if (timedOut) throw new Error(`helm-reference did not answer within ${timeoutMs} ms${detail}`);
  if (result.code !== 0) {
    const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.code}`;
    throw new Error(`helm-reference ${how}${detail}`);
  }
  const text = Buffer.concat(stdout).toString("utf8");
  try {
    return JSON.parse(text) as ReferenceAnswer;
  } catch (error) {
    const start = text.slice(0, 500);
    throw new Error(`helm-reference wrote an answer that is not JSON (${String(error)}): ${start}${detail}`);
  }
}
