import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installRequestTargetGuard, noStoreOnRedirect, originFormTarget } from "./request-target";

describe("originFormTarget", () => {
  it.each([
    ["http://evil.example/admin", "/admin"],
    ["https://evil.example/admin?x=1", "/admin?x=1"],
    ["http://evil.example", "/"],
    ["HTTP://EVIL.EXAMPLE//x", "//x"],
    ["evil.example:443", "/"],
    ["javascript:alert(1)", "/"],
  ])("reads %s as %s", (target, path) => {
    expect(originFormTarget(target)).toBe(path);
  });

  it("leaves origin-form targets and * alone", () => {
    expect(originFormTarget("/admin?x=1")).toBeNull();
    expect(originFormTarget("*")).toBeNull();
  });
});

describe("noStoreOnRedirect", () => {
  it("only for redirects without their own Cache-Control", () => {
    expect(noStoreOnRedirect(308, false)).toBe(true);
    expect(noStoreOnRedirect(307, true)).toBe(false);
    expect(noStoreOnRedirect(200, false)).toBe(false);
  });
});

describe("installRequestTargetGuard", () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    installRequestTargetGuard(http);
    server = http.createServer(async (req, res) => {
      if (req.method === "POST") {
        let size = 0;
        for await (const chunk of req) size += (chunk as Buffer).length;
        res.end(`read ${size} of ${req.headers["content-length"]}`);
        return;
      }
      res.statusCode = 308;
      res.setHeader("location", req.url!);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("hands the server a path for an absolute-form target, and its redirect is not cached", async () => {
    const socket = net.connect(port, "127.0.0.1");
    socket.write(`GET http://evil.example/admin HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    let answer = "";
    for await (const chunk of socket) answer += String(chunk);
    expect(answer).toMatch(/^HTTP\/1\.1 308/);
    expect(answer).toMatch(/\r\nlocation: \/admin\r\n/i);
    expect(answer).toMatch(/\r\ncache-control: no-store\r\n/i);
    expect(answer).not.toContain("evil.example");
  });
});

describe("Server Action bodies over the limit", () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    installRequestTargetGuard(http);
    server = http.createServer(async (req, res) => {
      let size = 0;
      for await (const chunk of req) size += (chunk as Buffer).length;
      res.end(`read ${size} of ${req.headers["content-length"]}`);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function post(headers: string, body: Buffer[]): Promise<string> {
    const socket = net.connect(port, "127.0.0.1");
    socket.on("error", () => {});
    socket.write(`POST /admin HTTP/1.1\r\nHost: x\r\nNext-Action: abc\r\nConnection: close\r\n${headers}\r\n`);
    for (const b of body) socket.write(b);
    let answer = "";
    for await (const chunk of socket) answer += String(chunk);
    return answer;
  }
  const chunk = (b: Buffer) => Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from("\r\n")]);

  it("refuses one over the limit by its Content-Length, unread", async () => {
    expect(await post("Content-Length: 2097152\r\n", [])).toMatch(/^HTTP\/1\.1 413/);
  });

  it("refuses a chunked one at the limit, and hands a chunked one under it on whole with its length", async () => {
    const big = Array.from({ length: 40 }, () => chunk(Buffer.alloc(64 * 1024, "x")));
    expect(await post("Transfer-Encoding: chunked\r\n", [...big, Buffer.from("0\r\n\r\n")])).toMatch(/^HTTP\/1\.1 413[^]*too large/);
    const small = await post("Transfer-Encoding: chunked\r\n", [chunk(Buffer.alloc(1000, "y")), chunk(Buffer.alloc(24, "z")), Buffer.from("0\r\n\r\n")]);
    expect(small).toMatch(/^HTTP\/1\.1 200[^]*read 1024 of 1024/);
  });
});
