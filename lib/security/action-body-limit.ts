/**
 * Next.js's limit for a Server Action body (serverActions.bodySizeLimit, default 1 MB). Larger
 * bodies are refused with 413 before Next.js reads them (request-target.ts, proxy.ts).
 */
export const ACTION_BODY_LIMIT = 1024 * 1024;
