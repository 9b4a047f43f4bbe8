"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import type { ProgressEvent, ProgressSnapshot } from "@/lib/environments/progress-types";
import { foldEvent, rebase } from "./progress-fold";

const POLL_MS = 3000;
/** EventSource retries by itself; after this many errors in a row without a message, polling takes over. */
const MAX_STREAM_ERRORS = 3;

export type ProgressTransport = "stream" | "polling";

/**
 * Follows an environment's operations live: a server-sent-events stream resumed from the last
 * event seen, folded into the snapshot, with a polling fallback. When an operation starts or ends,
 * or the environment's status changes, it reloads the snapshot and refreshes the server-rendered
 * parts of the page (status badge, controls, deployed values).
 */
export function useOperationProgress(initial: ProgressSnapshot) {
  const router = useRouter();
  const environmentId = initial.environment.id;
  const [snapshot, setSnapshot] = useState(initial);
  const [announcement, setAnnouncement] = useState("");
  const [transport, setTransport] = useState<ProgressTransport>("stream");
  // The handlers below outlive renders; they read and write the latest state through this ref.
  const current = useRef(initial);

  const commit = useCallback((next: ProgressSnapshot) => {
    current.current = next;
    setSnapshot(next);
  }, []);

  const reload = useCallback(async () => {
    const response = await fetch(`/api/environments/${environmentId}/progress`, { cache: "no-store" });
    if (!response.ok) return;
    const fetched = (await response.json()) as ProgressSnapshot;
    const before = current.current;
    commit(rebase(fetched, before));
    if (fetched.environment.status !== before.environment.status || fetched.operation?.status !== before.operation?.status) {
      router.refresh();
    }
  }, [commit, environmentId, router]);

  // The page sent only the latest events: the rest of the log follows once the page is interactive.
  const partial = initial.partial === true;
  useEffect(() => {
    if (partial) void reload().catch(() => {});
  }, [partial, reload]);

  useEffect(() => {
    let stopped = false;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const poll = () => {
      if (stopped) return;
      reload()
        .catch(() => {})
        .finally(() => {
          if (!stopped) timer = setTimeout(poll, POLL_MS);
        });
    };
    const fallBackToPolling = () => {
      source?.close();
      source = null;
      setTransport("polling");
      poll();
    };

    if (typeof EventSource === "undefined") {
      fallBackToPolling();
    } else {
      let errors = 0;
      source = new EventSource(`/api/environments/${environmentId}/events?after=${current.current.lastEventId ?? 0}`);
      source.onopen = () => {
        errors = 0;
      };
      source.onmessage = (message: MessageEvent<string>) => {
        errors = 0;
        const result = foldEvent(current.current, JSON.parse(message.data) as ProgressEvent);
        commit(result.snapshot);
        if (result.announcement) setAnnouncement(result.announcement);
        if (result.refetch) void reload().catch(() => {});
      };
      source.addEventListener("environment", (message: MessageEvent<string>) => {
        const { status } = JSON.parse(message.data) as { status: string };
        if (status !== current.current.environment.status) void reload().catch(() => {});
      });
      source.onerror = () => {
        errors += 1;
        // CLOSED: the server refused (signed out, no longer visible); the browser will not retry.
        if (errors >= MAX_STREAM_ERRORS || source?.readyState === EventSource.CLOSED) fallBackToPolling();
      };
    }
    return () => {
      stopped = true;
      source?.close();
      clearTimeout(timer);
    };
  }, [commit, environmentId, reload]);

  return { snapshot, announcement, transport };
}

/** The current time, ticking every second while `running`, so running steps show a live duration. */
export function useNow(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return now;
}
