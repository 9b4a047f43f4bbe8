import { describe, expect, it } from "vitest";
import { withHost } from "./restore";

describe("withHost", () => {
  it("changes the host only: user, password (escaped as it was), port, database and options stay", () => {
    const url = "postgresql://airflowadmin:p%40ss%2Fw0rd_@pg-airflow-a-a1b2c3.postgres.database.azure.com:5432/airflow?sslmode=require";
    expect(withHost(url, "pg-airflow-a-a1b2c3-r1.postgres.database.azure.com")).toBe(
      "postgresql://airflowadmin:p%40ss%2Fw0rd_@pg-airflow-a-a1b2c3-r1.postgres.database.azure.com:5432/airflow?sslmode=require",
    );
  });

  it("is null for what it cannot re-point: no URL, or no user before the host", () => {
    expect(withHost("host=pg dbname=airflow", "x")).toBeNull();
    expect(withHost("postgresql://pg.example/airflow", "x")).toBeNull();
  });
});
