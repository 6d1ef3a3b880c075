import { notFound, redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { getCurrentUser, getServerCaller, getWorkspaceForPage } from "@/server/api/server-caller";

export const dynamic = "force-dynamic";

export default async function WorkspaceLayout({ children, params }: { children: ReactNode; params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const user = await getCurrentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/w/${slug}`)}`);
  const current = await getWorkspaceForPage(slug);
  if (!current) notFound();
  const workspaces = await (await getServerCaller()).workspace.list();
  return (
    <AppShell workspace={current.workspace} role={current.role} workspaces={workspaces} userEmail={user.email}>
      {children}
    </AppShell>
  );
}
