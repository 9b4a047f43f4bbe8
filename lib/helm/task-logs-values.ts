/**
 * Airflow's remote logging to Blob Storage, through the environment's managed identity: every
 * component that writes or reads a task's log (workers and task pods, the scheduler and triggerer,
 * the API server or webserver) finds the `[logging]` settings in airflow.cfg and the connection in
 * its environment. The connection names the account's blob endpoint and the identity's client id,
 * never a key: the Azure provider's hook then signs in with the pod's federated token.
 */
export interface TaskLogsTarget {
  /** The storage account's blob endpoint, as Azure reports it (`https://<account>.blob.core.windows.net/`). */
  blobEndpoint: string;
  container: string;
  /** The managed identity's tenant (the platform's). */
  tenantId: string;
}

/** The container Airflow's `[azure_remote_logging] remote_wasb_log_container` names. */
export const TASK_LOG_CONTAINER = "airflow-logs";

/** The connection id `[logging] remote_log_conn_id` names, and the variable Airflow reads it from. */
export const TASK_LOGS_CONNECTION_ID = "wasb_task_logs";
export const TASK_LOGS_CONNECTION_ENV = `AIRFLOW_CONN_${TASK_LOGS_CONNECTION_ID.toUpperCase()}`;
/** The folder inside the container; the Azure provider picks its handler by the `wasb` prefix. */
export const TASK_LOGS_FOLDER = "wasb-airflow-logs";

/** The values that turn remote logging on, merged into the release's `config` and `env`. */
export function taskLogsValues(target: TaskLogsTarget, clientId: string): { config: Record<string, Record<string, string>>; env: { name: string; value: string }[] } {
  const connection = {
    conn_type: "wasb",
    host: target.blobEndpoint,
    extra: { managed_identity_client_id: clientId, workload_identity_tenant_id: target.tenantId },
  };
  return {
    config: {
      logging: { remote_logging: "True", remote_base_log_folder: TASK_LOGS_FOLDER, remote_log_conn_id: TASK_LOGS_CONNECTION_ID },
      azure_remote_logging: { remote_wasb_log_container: target.container },
    },
    env: [{ name: TASK_LOGS_CONNECTION_ENV, value: JSON.stringify(connection) }],
  };
}
