import { createServer } from "node:net";

/**
 * A TCP port that was free on the loopback interface a moment ago. Another process can still take
 * it before the caller binds, so callers that can listen on port 0 themselves should prefer that.
 */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("Could not read the port of a probe socket"))));
    });
  });
}
