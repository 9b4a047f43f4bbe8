import { setTimeout as sleep } from "node:timers/promises";

/**
 * Why a cloud call failed, in the cloud's own words. `transient` failures (throttling, 5xx,
 * timeouts, dropped connections) are worth retrying; anything else (quota, validation,
 * authorization, conflict, a long-running operation that ended Failed) fails the step at once.
 */
export class CloudError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly transient: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "CloudError";
  }

  /** What a person reads on the page: the cloud's code and message. */
  get display(): string {
    return this.message.startsWith(this.code) ? this.message : `${this.code}: ${this.message}`;
  }
}

const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const TRANSIENT_NETWORK = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "REQUEST_SEND_ERROR", "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT"]);

type Loose = {
  name?: string;
  message?: string;
  code?: unknown;
  statusCode?: number;
  body?: unknown;
  headers?: unknown;
  response?: { headers?: { get?(name: string): string | undefined } };
  cause?: unknown;
};

function retryAfterMs(value: string | undefined | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Kubernetes `Status` bodies (client-node's ApiException) carry reason and message. */
function kubernetesStatus(body: unknown): { reason?: string; message?: string; retryAfterSeconds?: number } | undefined {
  const parsed = typeof body === "string" ? (() => { try { return JSON.parse(body) as unknown; } catch { return undefined; } })() : body;
  if (!parsed || typeof parsed !== "object") return undefined;
  const s = parsed as { kind?: string; reason?: string; message?: string; details?: { retryAfterSeconds?: number } };
  return s.kind === "Status" ? { reason: s.reason, message: s.message, retryAfterSeconds: s.details?.retryAfterSeconds } : undefined;
}

export function toCloudError(error: unknown): CloudError {
  if (error instanceof CloudError) return error;
  const e = (error ?? {}) as Loose;
  const message = e.message ?? String(error);

  // Azure SDK: RestError with statusCode and the ARM error code.
  if (e.name === "RestError" || typeof e.statusCode === "number") {
    const status = e.statusCode;
    if (status === undefined) {
      const code = typeof e.code === "string" ? e.code : "RequestError";
      return new CloudError(code, message, TRANSIENT_NETWORK.has(code) || code === "REQUEST_SEND_ERROR");
    }
    const code = typeof e.code === "string" && e.code ? e.code : `HTTP${status}`;
    return new CloudError(code, message, TRANSIENT_STATUS.has(status), retryAfterMs(e.response?.headers?.get?.("retry-after")));
  }

  // @kubernetes/client-node: ApiException with the HTTP status as `code` and the Status as `body`.
  if (typeof e.code === "number") {
    const status = kubernetesStatus(e.body);
    const retry = status?.retryAfterSeconds !== undefined ? status.retryAfterSeconds * 1000 : undefined;
    const headers = e.headers as Record<string, string> | undefined;
    return new CloudError(
      status?.reason ?? `HTTP${e.code}`,
      status?.message ?? message,
      TRANSIENT_STATUS.has(e.code),
      retry ?? retryAfterMs(headers?.["retry-after"]),
    );
  }

  // Node's network errors, possibly wrapped by fetch.
  const code = typeof e.code === "string" ? e.code : typeof (e.cause as Loose | undefined)?.code === "string" ? ((e.cause as Loose).code as string) : undefined;
  if (code && TRANSIENT_NETWORK.has(code)) return new CloudError(code, message, true);
  if (e.name === "AbortError") return new CloudError("Aborted", message, false);

  // A long-running operation that ended Failed surfaces as a plain Error whose message holds the
  // code (for example "QuotaExceeded: …" or a JSON error body): permanent, in the cloud's words.
  const armCode = /"code"\s*:\s*"([A-Za-z]+)"/.exec(message)?.[1] ?? /^([A-Z][A-Za-z]+)[:\s]/.exec(message)?.[1];
  return new CloudError(armCode ?? "Error", message, false);
}

export interface RetryOptions {
  signal?: AbortSignal;
  /** Attempts in all, the first included. */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  onRetry?: (error: CloudError, attempt: number, delayMs: number) => void | Promise<void>;
}

/**
 * Runs `work` until it succeeds, retrying transient failures with exponential backoff and full
 * jitter, never sooner than the cloud's `Retry-After`. `work` must be idempotent.
 */
export async function withRetry<T>(work: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { attempts = 8, baseDelayMs = 500, maxDelayMs = 30_000 } = options;
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await work();
    } catch (raw) {
      if (options.signal?.aborted) throw raw;
      const error = toCloudError(raw);
      if (!error.transient || attempt >= attempts) throw error;
      const backoff = Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      const delay = Math.max(backoff, error.retryAfterMs ?? 0);
      await options.onRetry?.(error, attempt, delay);
      await sleep(delay, undefined, { signal: options.signal });
    }
  }
}
