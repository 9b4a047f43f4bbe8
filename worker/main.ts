/**
 * `npm run worker`: one provisioning worker. Run as many as you like, on any machine that reaches
 * the portal's PostgreSQL and Azure; they share the work through the database.
 */
import { engineConfig } from "@/lib/config";
import { startWorker } from "@/lib/provisioning/worker";

async function main() {
  const worker = await startWorker(engineConfig());
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[worker] ${signal}: stopping`);
    worker.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error("[worker]", error instanceof Error ? error.message : error);
  process.exit(1);
});
