import { describe, expect, it } from "vitest";
import { operationalError, parseConnection } from "./metadata-database.js";

describe("parseConnection", () => {
  it("takes a metadata URL apart as libpq does: escapes decoded, port and sslmode read", () => {
    expect(parseConnection("postgresql://airflowadmin:p%40ss%2Fw%3Ard@pg-a.postgres.database.azure.com:5432/airflow?sslmode=require")).toEqual({
      host: "pg-a.postgres.database.azure.com",
      port: 5432,
      user: "airflowadmin",
      password: "p@ss/w:rd",
      database: "airflow",
      sslmode: "require",
    });
  });

  it("fills in libpq's defaults: port 5432, the user's name as database, sslmode prefer", () => {
    expect(parseConnection("postgresql+psycopg2://airflow@db.example")).toMatchObject({ port: 5432, database: "airflow", sslmode: "prefer", password: "" });
  });

  it("is undefined for what is no URL", () => {
    expect(parseConnection("host=db user=airflow")).toBeUndefined();
  });
});

describe("operationalError", () => {
  it("ends as SQLAlchemy ends a failed connection under Airflow, quoting psycopg2", () => {
    expect(operationalError('FATAL:  database "x" does not exist')).toBe(
      'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) FATAL:  database "x" does not exist\n\n(Background on this error at: https://sqlalche.me/e/14/e3q8)',
    );
  });
});
