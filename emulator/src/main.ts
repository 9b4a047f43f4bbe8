import path from "node:path";
import { startEmulator } from "./server.js";

const port = Number(process.env.EMULATOR_PORT ?? 8443);
const dataDir = path.resolve(process.env.EMULATOR_DATA_DIR ?? ".data/emulator");
const chartSchemaPath = process.env.AIRFLOW_CHART_SCHEMA || undefined;
const chartsDir = process.env.AIRFLOW_CHARTS_DIR || undefined;
// A person running the emulator wants to watch operations progress; tests start it in-process
// and get the near-zero "fast" profile instead.
process.env.EMULATOR_PROFILE ||= "demo";

const emulator = await startEmulator({ port, dataDir, chartSchemaPath, chartsDir });
console.log(`[emulator] listening on ${emulator.url}`);
console.log(`[emulator] CA certificate: ${emulator.caCertPath}`);
console.log(`[emulator] application routing ingress on https://127.0.0.1:${emulator.ingressPort}/ (EMULATOR_INGRESS_PORT)`);

const stop = async () => {
  await emulator.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
