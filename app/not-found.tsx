import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";

export default function NotFound() {
  return (
    <AuthCard title="Not found">
      <p className="text-sm text-zinc-600">This page does not exist, or you do not have access to it.</p>
      <Link href="/" className="mt-4 inline-block text-sm font-medium underline">
        Back to your workspaces
      </Link>
    </AuthCard>
  );
}
