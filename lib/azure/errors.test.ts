import { RestError } from "@azure/core-rest-pipeline";
import { ApiException } from "@kubernetes/client-node";
import { describe, expect, it, vi } from "vitest";
import { CloudError, toCloudError, withRetry } from "./errors";

describe("cloud errors", () => {
  it("takes throttling and 5xx as transient, with Retry-After", () => {
    const throttled = new RestError("Too many requests", { statusCode: 429, code: "TooManyRequests" });
    Object.assign(throttled, { response: { headers: { get: (h: string) => (h === "retry-after" ? "3" : undefined) } } });
    expect(toCloudError(throttled)).toMatchObject({ code: "TooManyRequests", transient: true, retryAfterMs: 3000 });
    expect(toCloudError(new RestError("boom", { statusCode: 500 }))).toMatchObject({ code: "HTTP500", transient: true });
  });

  it("takes quota, validation, authorization and conflicts as permanent, in the cloud's words", () => {
    expect(toCloudError(new RestError("Bad name", { statusCode: 400, code: "InvalidResourceName" }))).toMatchObject({ code: "InvalidResourceName", transient: false });
    expect(toCloudError(new RestError("No", { statusCode: 403, code: "AuthorizationFailed" })).transient).toBe(false);
    expect(toCloudError(new RestError("Busy", { statusCode: 409, code: "OperationNotAllowed" })).transient).toBe(false);
    const lro = toCloudError(new Error('{"code":"QuotaExceeded","message":"Regional vCPU quota exceeded"}'));
    expect(lro).toMatchObject({ code: "QuotaExceeded", transient: false });
  });

  it("reads Kubernetes Status errors", () => {
    const body = JSON.stringify({ kind: "Status", reason: "Forbidden", message: 'User "x" cannot list namespaces', code: 403 });
    expect(toCloudError(new ApiException(403, "Forbidden", body, {}))).toMatchObject({ code: "Forbidden", transient: false, message: 'User "x" cannot list namespaces' });
    const busy = JSON.stringify({ kind: "Status", reason: "TooManyRequests", message: "slow down", details: { retryAfterSeconds: 2 } });
    expect(toCloudError(new ApiException(429, "", busy, {}))).toMatchObject({ transient: true, retryAfterMs: 2000 });
  });
});

describe("withRetry", () => {
  it("retries transient failures and returns the first success", async () => {
    const work = vi.fn().mockRejectedValueOnce(new RestError("x", { statusCode: 503 })).mockResolvedValue("done");
    const onRetry = vi.fn();
    await expect(withRetry(work, { baseDelayMs: 1, onRetry })).resolves.toBe("done");
    expect(work).toHaveBeenCalledTimes(2);
    expect(onRetry).toHaveBeenCalledOnce();
  });

  it("fails at once on a permanent failure", async () => {
    const work = vi.fn().mockRejectedValue(new RestError("quota", { statusCode: 400, code: "QuotaExceeded" }));
    await expect(withRetry(work, { baseDelayMs: 1 })).rejects.toBeInstanceOf(CloudError);
    expect(work).toHaveBeenCalledOnce();
  });

  it("gives up after its attempts", async () => {
    const work = vi.fn().mockRejectedValue(new RestError("x", { statusCode: 500 }));
    await expect(withRetry(work, { attempts: 3, baseDelayMs: 1 })).rejects.toMatchObject({ code: "HTTP500" });
    expect(work).toHaveBeenCalledTimes(3);
  });
});
