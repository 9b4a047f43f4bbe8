import { describe, expect, it } from "vitest";
import { parseAirflowCfg, remoteLogPath, remoteLogSettings, logsToBlob } from "./remote-logging.js";
import { matchLogRoute, pyRepr } from "./task-logs-api.js";
import { safeLabel } from "./task-runs.js";

describe("remote logging settings", () => {
  const cfg = parseAirflowCfg("[core]\nexecutor = KubernetesExecutor\n\n[logging]\nremote_logging = True\nremote_base_log_folder = wasb-airflow-logs\nremote_log_conn_id = wasb_task_logs\n\n[azure_remote_logging]\nremote_wasb_log_container = airflow-logs\n");

  it("reads airflow.cfg, and an AIRFLOW__ variable wins as in Airflow", () => {
    const settings = remoteLogSettings(cfg, {});
    expect(settings).toEqual({ on: true, folder: "wasb-airflow-logs", connId: "wasb_task_logs", container: "airflow-logs" });
    expect(logsToBlob(settings)).toBe(true);
    expect(logsToBlob(remoteLogSettings(cfg, { AIRFLOW__LOGGING__REMOTE_LOGGING: "False" }))).toBe(false);
    expect(logsToBlob(remoteLogSettings(cfg, { AIRFLOW__LOGGING__REMOTE_BASE_LOG_FOLDER: "s3://bucket/logs" }))).toBe(false);
    expect(remoteLogSettings({}, {})).toEqual({ on: false, folder: "", connId: "", container: "airflow-logs" });
  });

  it("lays out a try's log as WasbTaskHandler does", () => {
    expect(remoteLogPath("wasb-airflow-logs", { dagId: "d", runId: "manual__2025-01-01T00:00:00+00:00", taskId: "t", tryNumber: 2 })).toBe(
      "wasb-airflow-logs/dag_id=d/run_id=manual__2025-01-01T00:00:00+00:00/task_id=t/attempt=2.log",
    );
  });
});

describe("Airflow's shapes", () => {
  it("makes label values as make_safe_label_value does", () => {
    expect(safeLabel("example_dag")).toBe("example_dag");
    const run = safeLabel("manual__2025-01-01T00:00:00+00:00");
    expect(run).toMatch(/^manual__2025-01-01T0000000000-[0-9a-f]{9}$/);
    expect(safeLabel("x".repeat(80))).toHaveLength(63);
  });

  it("prints Airflow 2's content as Python's repr", () => {
    expect(pyRepr("a\nb")).toBe("'a\\nb'");
    expect(pyRepr("it's")).toBe('"it\'s"');
    expect(pyRepr(`it's "x"`)).toBe(`'it\\'s "x"'`);
    expect(pyRepr("back\\slash\t")).toBe("'back\\\\slash\\t'");
  });

  it("matches the log route of each major, decoding the path", () => {
    expect(matchLogRoute("/api/v2/dags/d/dagRuns/manual__2025-01-01T00%3A00%3A00%2B00%3A00/taskInstances/t/logs/3", 3)).toEqual({ dagId: "d", runId: "manual__2025-01-01T00:00:00+00:00", taskId: "t", tryNumber: 3 });
    expect(matchLogRoute("/api/v1/dags/d/dagRuns/r/taskInstances/t/logs/1", 2)).toEqual({ dagId: "d", runId: "r", taskId: "t", tryNumber: 1 });
    expect(matchLogRoute("/api/v1/dags/d/dagRuns/r/taskInstances/t/logs/1", 3)).toBeUndefined();
    expect(matchLogRoute("/api/v2/dags/d/dagRuns/r/taskInstances/t/logs/x", 3)).toBeUndefined();
  });
});
