import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // pg and the Kubernetes client carry optional native or dynamic requires that must stay in node_modules.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "@kubernetes/client-node", "pg-boss"],
  // forbidden() answers 403 with app/forbidden.tsx when a signed-in user lacks the role.
  experimental: { authInterrupts: true },
  // `npm test` type-checks the whole project (emulator and scripts included) in its own phase.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
