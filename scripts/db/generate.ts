/**
 * `prisma generate` without network access, run by `npm install`/`npm ci` (postinstall).
 *
 * The Prisma CLI downloads a native schema engine at start even for `generate`, which does not
 * use it; pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file skips the download. A failure
 * here is reported but does not fail the install: the client can be generated again with
 * `npm run db:generate`, while a failed `npm ci` leaves nothing to run it with.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

export function generatePrismaClient(): boolean {
  const cli = join(dirname(require.resolve("prisma/package.json")), "build", "index.js");
  const result = spawnSync(process.execPath, [cli, "generate"], {
    stdio: "inherit",
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? cli,
      CHECKPOINT_DISABLE: "1",
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
    },
  });
  return result.status === 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const strict = process.argv.includes("--strict");
  if (!generatePrismaClient()) {
    console.error("prisma generate failed: lib/generated/prisma is missing or stale. Fix the error above, then run npm run db:generate.");
    if (strict) process.exitCode = 1;
  }
}
