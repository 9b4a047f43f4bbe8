import { PLATFORM_ADMINS_GROUP_ID } from "../../emulator/src/cloud/groups";
import { emulatorAirflowAccessEnv, emulatorPlatformNetworkEnv } from "../../scripts/support/emulated-platform";
import { emulatorAzureEnv, startWorkerProcess, type WorkerHandle } from "../../scripts/support/stack";

/**
 * A real provisioning worker (`npm run worker`'s process) against the stack's database and
 * emulator, for the specs that follow an environment through the engine. Stop it when done.
 */
export function startE2eWorker(): WorkerHandle {
  const databaseUrl = process.env.E2E_DATABASE_URL;
  const url = process.env.E2E_EMULATOR_URL;
  const caCertPath = process.env.E2E_EMULATOR_CA;
  const ingressPort = Number(process.env.E2E_INGRESS_PORT);
  if (!databaseUrl || !url || !caCertPath || !ingressPort) throw new Error("Run the end-to-end tests through npm run test:e2e (the stack's URLs are missing)");
  return startWorkerProcess({
    databaseUrl,
    quiet: true,
    label: "e2e-worker",
    env: {
      ...emulatorAzureEnv({ url, caCertPath }, PLATFORM_ADMINS_GROUP_ID),
      // Airflow at https://<name>.airflow.localhost:<ingress port>/ with Entra sign-in, as in npm run dev.
      ...emulatorAirflowAccessEnv({ url, ingressPort }),
      // Each environment a spoke of the platform's hub network, as in npm run dev.
      ...emulatorPlatformNetworkEnv(),
      AZURE_POLL_INTERVAL_MS: "200", WORKER_HEARTBEAT_MS: "1000", WORKER_STALE_AFTER_MS: "5000",
      // Expiry and hibernation schedules looked at every second, not every minute.
      WORKER_EXPIRY_SWEEP_MS: "1000" },
  });
}
