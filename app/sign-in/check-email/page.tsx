import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { isMailOutboxEnabled } from "@/server/config/runtime";

export const metadata: Metadata = { title: "Check your email" };
export const dynamic = "force-dynamic";

export default function CheckEmailPage() {
  return (
    <AuthCard title="Check your email">
      <p className="text-sm text-zinc-600">We sent you a sign-in link. It works once and expires in 24 hours.</p>
      {isMailOutboxEnabled() ? (
        <p className="mt-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          This server has no mail provider configured (embedded mode): emails are kept in the{" "}
          <Link href="/outbox" className="font-medium underline">
            local outbox
          </Link>
          .
        </p>
      ) : null}
    </AuthCard>
  );
}
