import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ChannelPreferences } from "@/components/inbox/channel-preferences";
import { QuietHoursForm } from "@/components/inbox/quiet-hours-form";
import { PageHeader } from "@/components/shell/app-shell";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { getServerCaller, getWorkspaceForPage } from "@/server/api/server-caller";

export const metadata: Metadata = { title: "Preferences" };

export default async function PreferencesPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const current = await getWorkspaceForPage(slug);
  if (!current) notFound();
  const preferences = await (await getServerCaller()).preference.get({ workspaceSlug: slug });
  return (
    <>
      <PageHeader title="Preferences" description={`Yours alone, in ${current.workspace.name}.`} />
      <Card>
        <CardHeader title="Notification channels" description="Turn a kind of channel off to stop hearing through it from every rule, yours and shared." />
        <CardBody>
          <ChannelPreferences workspaceSlug={slug} initial={preferences} />
        </CardBody>
      </Card>
      <Card className="mt-6">
        <CardHeader
          title="Quiet hours"
          description="Nothing is lost: what waits arrives as one summary per channel when quiet hours end. Critical notifications and the in-app inbox are never held."
        />
        <CardBody>
          <QuietHoursForm workspaceSlug={slug} initial={preferences} />
        </CardBody>
      </Card>
    </>
  );
}
