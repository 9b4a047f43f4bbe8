import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));
const alias = { "@": root, "server-only": `${root}/scripts/test-support/server-only.ts` };

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["{lib,components,emulator,scripts}/**/*.test.{ts,tsx}"],
          exclude: ["**/*.int.test.{ts,tsx}", "**/node_modules/**"],
          environment: "node",
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          globalSetup: ["scripts/support/vitest-global-setup.ts"],
          include: ["{lib,emulator,scripts}/**/*.int.test.{ts,tsx}"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Two files at a time: most of a file's time is waiting on the emulator's latencies and
          // workers' polls, and two fit the 2-core machines CI runs on (three starve the timed waits).
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
    ],
  },
});
