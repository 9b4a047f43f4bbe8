import { defineConfig } from "@playwright/test";

/**
 * Run through `npm run test:e2e` (scripts/e2e.ts), which starts PostgreSQL, the emulator and the
 * built portal on free ports and passes their addresses in the environment.
 */
const baseURL = process.env.E2E_BASE_URL ?? "http://localhost:3000";

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  forbidOnly: Boolean(process.env.CI),
  reporter: [["list"]],
  outputDir: ".cache/playwright-results",
  use: {
    baseURL,
    // The emulator's sign-in pages use its own test CA.
    ignoreHTTPSErrors: true,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        // Environments' Airflow addresses (https://<name>.airflow.localhost:<port>/) reach the emulator's ingress.
        "--host-resolver-rules=MAP *.airflow.localhost 127.0.0.1",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
