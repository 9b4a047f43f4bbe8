import { defineConfig } from "prisma/config";

// `prisma generate` runs on every install, where no database exists: the URL is only passed on
// when set, instead of through env(), which throws when the variable is missing.
const url = process.env.DATABASE_URL;

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  ...(url ? { datasource: { url } } : {}),
});
