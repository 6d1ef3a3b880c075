import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { InstanceSettingsForm } from "@/components/admin/instance-settings-form";
import { RecentExceptions } from "@/components/admin/recent-exceptions";
import { PageHeader } from "@/components/shell/app-shell";
import { UserMenu } from "@/components/shell/user-menu";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { getCurrentUser, getServerCaller } from "@/server/api/server-caller";
import { isInstanceAdmin } from "@/server/instance/instance-admins";

export const metadata: Metadata = { title: "Instance settings" };
export const dynamic = "force-dynamic";

// The instance administrators' page (TOCSIN_ADMIN_EMAILS): for anyone else it does not exist.
export default async function AdminPage() {
  const user = await getCurrentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent("/admin")}`);
  if (!isInstanceAdmin(user.email)) notFound();
  const caller = await getServerCaller();
  const [settings, exceptions] = await Promise.all([caller.instance.getSettings(), caller.instance.listExceptions({ limit: 50 })]);
  return (
    <div className="min-h-screen">
      <header className="sticky top-0 z-30 flex h-14 items-center justify-between border-b border-zinc-200 bg-white px-4">
        <Link href="/" className="text-lg font-bold tracking-tight text-brand">
          Tocsin
        </Link>
        <UserMenu email={user.email} />
      </header>
      <main className="mx-auto max-w-5xl space-y-6 px-4 py-6">
        <PageHeader title="Instance settings" description="For the administrators of this Tocsin instance: how it sends email, and who hears of its own errors." />
        <Card>
          <CardHeader title="Email and exception notices" />
          <CardBody>
            <InstanceSettingsForm initial={settings} />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Recent exceptions" description="Unexpected errors in requests and jobs, by fingerprint, most recently seen first." />
          <CardBody>
            <RecentExceptions rows={exceptions} />
          </CardBody>
        </Card>
      </main>
    </div>
  );
}
