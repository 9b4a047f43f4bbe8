/**
 * Builds the Go reference renderer (package main in this folder) into .cache/helm-reference/.
 *
 * It is compiled offline from Debian's Go packages in GOPATH mode: a temporary GOPATH whose src/ links this
 * folder as `helmreference`, followed by /usr/share/gocode where Debian installs library sources. Nothing is
 * downloaded, so no go.mod. The build is skipped when the binary's recorded source hash still matches.
 *
 * Run directly (`npx tsx scripts/helm-reference/build.ts`) it prints the binary's path.
 */
import { createHash } from "node:crypto";
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const SOURCE_DIR = import.meta.dirname;
const ROOT = path.resolve(SOURCE_DIR, "../..");
const OUT_DIR = path.join(ROOT, ".cache", "helm-reference");
const BINARY = path.join(OUT_DIR, "helm-reference");
const STAMP = `${BINARY}.sha256`;
const DEBIAN_GOCODE = "/usr/share/gocode";
/** The import path this folder gets inside the temporary GOPATH; the Go files import third_party/ under it. */
const IMPORT_PATH = "helmreference";

/** Debian packages the program compiles from: the Go toolchain and the libraries Helm's engine uses. */
export const DEBIAN_PACKAGES = [
  "golang-go",
  "golang-github-masterminds-sprig-dev",
  "golang-gopkg-yaml.v2-dev",
  "golang-gopkg-yaml.v3-dev",
  "golang-github-burntsushi-toml-dev",
  "golang-github-gobwas-glob-dev",
];
const INSTALL_ARGS = ["install", "-y", "-qq", ...DEBIAN_PACKAGES];

/** A library directory each package leaves under /usr/share/gocode/src, to tell whether it is installed. */
const REQUIRED_SOURCES = [
  "github.com/Masterminds/sprig",
  "github.com/mitchellh/copystructure",
  "gopkg.in/yaml.v2",
  "gopkg.in/yaml.v3",
  "github.com/BurntSushi/toml",
  "github.com/gobwas/glob",
];

export type BuildResult = { binary: string } | { skipped: string };

function goVersion(): string | undefined {
  const run = spawnSync("go", ["version"], { encoding: "utf8" });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

function missingPrerequisites(): boolean {
  if (!goVersion()) return true;
  return REQUIRED_SOURCES.some((dir) => !existsSync(path.join(DEBIAN_GOCODE, "src", dir)));
}

/** Installs the packages the way scripts/test.ts installs Chromium: root only, after one `apt-get update`. */
function installPrerequisites(): void {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  execFileSync("apt-get", INSTALL_ARGS, { stdio: "inherit", env });
}

/** Every .go file below this folder (third_party/ included), sorted, so the hash is stable. */
function goSources(dir = SOURCE_DIR): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...goSources(full));
    else if (entry.name.endsWith(".go")) found.push(full);
  }
  return found.sort();
}

/** Hash of the sources and the toolchain: a Go upgrade from apt rebuilds too. */
function sourceHash(toolchain: string): string {
  const hash = createHash("sha256");
  hash.update(`${toolchain}\n`);
  for (const file of goSources()) {
    hash.update(`${path.relative(SOURCE_DIR, file)}\n`);
    hash.update(readFileSync(file));
    hash.update("\n");
  }
  return hash.digest("hex");
}

function compile(): void {
  mkdirSync(OUT_DIR, { recursive: true });
  const gopath = mkdtempSync(path.join(os.tmpdir(), "helm-reference-gopath-"));
  const partial = `${BINARY}.${process.pid}.tmp`;
  try {
    mkdirSync(path.join(gopath, "src"));
    symlinkSync(SOURCE_DIR, path.join(gopath, "src", IMPORT_PATH), "dir");
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      GO111MODULE: "off",
      GOPATH: `${gopath}:${DEBIAN_GOCODE}`,
      GOFLAGS: "",
      // A cache of our own keeps rebuilds quick and works when HOME is unset (CI runs as root).
      GOCACHE: path.join(OUT_DIR, "go-build"),
    };
    const run = spawnSync("go", ["build", "-o", partial, IMPORT_PATH], { cwd: gopath, env, encoding: "utf8" });
    if (run.status !== 0) {
      throw new Error(`go build of the Helm reference failed (exit ${run.status}):\n${run.stderr}${run.stdout}`);
    }
    // Rename so a concurrent reader never sees a half-written binary.
    renameSync(partial, BINARY);
  } finally {
    rmSync(gopath, { recursive: true, force: true });
    rmSync(partial, { force: true });
  }
}

export function buildHelmReference(): BuildResult {
  if (missingPrerequisites()) {
    const command = `apt-get install -y -qq ${DEBIAN_PACKAGES.join(" ")}`;
    if (process.getuid?.() !== 0) return { skipped: `sudo apt-get update -qq && sudo ${command}` };
    installPrerequisites();
    if (missingPrerequisites()) throw new Error(`Go or its libraries are still missing after: ${command}`);
  }
  const hash = sourceHash(goVersion() ?? "");
  const current = existsSync(STAMP) ? readFileSync(STAMP, "utf8").trim() : "";
  if (current === hash && existsSync(BINARY)) return { binary: BINARY };
  compile();
  writeFileSync(STAMP, `${hash}\n`);
  return { binary: BINARY };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const result = buildHelmReference();
  if ("binary" in result) {
    console.log(result.binary);
  } else {
    console.error(`The Helm reference needs Go and Debian's Go libraries. Install them with:\n  ${result.skipped}`);
    process.exit(1);
  }
}
