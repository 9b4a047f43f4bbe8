import type { Metadata } from "next";
import { RedirectBridge } from "@/components/auth/redirect-bridge";

export const metadata: Metadata = { title: "Signing in", robots: { index: false } };

export default function AuthRedirectPage() {
  return (
    <div className="mx-auto mt-12 max-w-md">
      <RedirectBridge />
    </div>
  );
}
