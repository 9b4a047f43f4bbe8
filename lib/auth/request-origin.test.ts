import { describe, expect, it } from "vitest";
import { isHttpsRequest, isSameOrigin } from "./request-origin";

describe("isSameOrigin", () => {
  it("accepts the portal's own origin", () => {
    expect(isSameOrigin(new Headers({ origin: "http://localhost:3000", host: "localhost:3000" }))).toBe(true);
  });

  it("uses the proxy's host when there is one", () => {
    const headers = new Headers({ origin: "https://portal.contoso.example", host: "10.0.0.5:3000", "x-forwarded-host": "portal.contoso.example" });
    expect(isSameOrigin(headers)).toBe(true);
  });

  it.each([
    [{ host: "localhost:3000" }],
    [{ origin: "null", host: "localhost:3000" }],
    [{ origin: "http://evil.example", host: "localhost:3000" }],
    [{ origin: "http://localhost:3001", host: "localhost:3000" }],
  ])("refuses %j", (headers) => {
    expect(isSameOrigin(new Headers(headers))).toBe(false);
  });
});

describe("isHttpsRequest", () => {
  it("follows the proxy's protocol, else the request's", () => {
    expect(isHttpsRequest(new Headers({ "x-forwarded-proto": "https" }), new URL("http://10.0.0.5/"))).toBe(true);
    expect(isHttpsRequest(new Headers(), new URL("https://portal.example/"))).toBe(true);
    expect(isHttpsRequest(new Headers(), new URL("http://localhost:3000/"))).toBe(false);
  });
});
