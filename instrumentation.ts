/**
 * Runs once when a portal server starts: a missing or malformed setting stops it here, with a
 * message naming the variable, rather than on the first request.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { config } = await import("@/lib/config");
    try {
      config();
    } catch (error) {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    }
  }
}
