/**
 * The Entra app registration every environment's Airflow UI signs people in with, as the emulator
 * seeds it: Microsoft Graph serves it (its redirect URIs are what the portal keeps), and the
 * emulator's Entra tenant knows it as a confidential client. No dependencies on purpose: the
 * portal's dev script and tests import these values without starting anything.
 */
export const AIRFLOW_APP = {
  /** The application object's id: `GET /v1.0/applications/{id}`. */
  id: "7d1e4b2a-9c3f-4e5d-8a6b-1f2e3d4c5b6a",
  /** The client id (application id): `GET /v1.0/applications(appId='{appId}')`, `client_id` at sign-in. */
  appId: "a3c5e7f9-2b4d-4f6a-8c1e-3d5f7a9b1c2e",
  displayName: "Airflow environments",
  /** Development only; EMULATOR_AIRFLOW_APP_SECRET replaces it. */
  secret: "emulator-airflow-app-secret",
} as const;

/** The client secret the emulator's Entra tenant accepts for the Airflow app. */
export function airflowAppSecret(env: NodeJS.ProcessEnv = process.env): string {
  return env.EMULATOR_AIRFLOW_APP_SECRET || AIRFLOW_APP.secret;
}
