import { existsSync } from "node:fs";
import { connect } from "node:net";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createDatabase, dropDatabase, startPostgres } from "./postgres";

function portAcceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

describe("startPostgres", () => {
  it("starts a private server on loopback, creates databases on it, and leaves nothing behind", async () => {
    const server = await startPostgres();
    const dir = (await (async () => {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const { rows } = await client.query("SHOW data_directory");
      const { rows: listen } = await client.query("SHOW listen_addresses");
      await client.end();
      expect(listen[0].listen_addresses).toBe("127.0.0.1");
      return rows[0].data_directory as string;
    })()) as string;

    const url = await createDatabase(server.url, "scratch");
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    expect((await client.query("SELECT current_database() AS db")).rows[0].db).toBe("scratch");
    await client.end();
    await dropDatabase(server.url, "scratch");

    await server.stop();
    expect(await portAcceptsConnections(server.port)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });

  it("rejects database names that would need quoting", async () => {
    await expect(createDatabase("postgresql://postgres@127.0.0.1:1/postgres", 'x"; DROP')).rejects.toThrow(/Not a safe database name/);
  });
});
