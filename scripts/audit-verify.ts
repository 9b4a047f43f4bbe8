/**
 * `npm run audit:verify`: checks the audit trail's hash chain at DATABASE_URL and names the first
 * broken or missing link. Exit code 0 when it holds, 1 when it does not, 2 when it could not check.
 */
import { verifyAuditChain } from "../lib/audit-chain";
import { createPrismaClient } from "../lib/db/create-client";

async function main(): Promise<number> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("DATABASE_URL is not set: point it at the portal's database.");
    return 2;
  }
  const db = createPrismaClient(url, { max: 1 });
  try {
    const report = await verifyAuditChain(db);
    if (report.ok) {
      console.log(`Audit trail verified: ${report.events} events, every link holds.`);
      return 0;
    }
    console.error(`Audit trail BROKEN at event ${report.brokenAt}: ${report.problem}. ${report.events} events before it verify.`);
    return 1;
  } finally {
    await db.$disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`Audit verification failed: ${(error as Error).message}`);
    process.exit(2);
  },
);
