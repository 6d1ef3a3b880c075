import Link from "next/link";
import type { ReactNode } from "react";
import type { WorkspaceMode } from "@/server/db/schema/workspaces";
import { hasRole, type Role } from "@/server/members/roles";
import { NotificationBell } from "./notification-bell";
import { SidebarNav, type NavItem } from "./sidebar-nav";
import { UserMenu } from "./user-menu";
import { WorkspaceSwitcher } from "./workspace-switcher";

type Props = {
  workspace: { slug: string; name: string; mode: WorkspaceMode; timezone: string };
  role: Role;
  workspaces: { slug: string; name: string; role: Role }[];
  userEmail: string;
  children: ReactNode;
};

// Sections appear here as they are built; a link to a section that does not exist yet is never
// shown. Audit is listed for admins and owners (other members only find their own changes there).
function getNavItems(slug: string, mode: WorkspaceMode, role: Role): NavItem[] {
  const base = `/w/${slug}`;
  return [
    { href: `${base}/events`, label: "Events" },
    { href: `${base}/inbox`, label: "Inbox" },
    { href: `${base}/rules`, label: "Rules" },
    { href: `${base}/channels`, label: "Channels" },
    ...(mode === "multi" ? [{ href: `${base}/communities`, label: "Communities" }] : []),
    { href: `${base}/sources`, label: "Sources" },
    { href: `${base}/members`, label: "Members" },
    { href: `${base}/settings`, label: "Settings" },
    ...(hasRole(role, "admin") ? [{ href: `${base}/audit`, label: "Audit" }] : []),
  ];
}

export function AppShell({ workspace, role, workspaces, userEmail, children }: Props) {
  return (
    <div className="min-h-screen">
      <header className="sticky top-0 z-30 flex h-14 items-center justify-between border-b border-zinc-200 bg-white px-4">
        <div className="flex items-center gap-4">
          <Link href={`/w/${workspace.slug}`} className="text-lg font-bold tracking-tight text-brand">
            Tocsin
          </Link>
          <WorkspaceSwitcher current={{ ...workspace, role }} workspaces={workspaces} />
        </div>
        <div className="flex items-center gap-2">
          <NotificationBell workspaceSlug={workspace.slug} timeZone={workspace.timezone} showCommunity={workspace.mode === "multi"} />
          <UserMenu email={userEmail} />
        </div>
      </header>
      <div className="mx-auto flex max-w-6xl gap-8 px-4 py-6">
        <aside className="w-48 shrink-0">
          <SidebarNav items={getNavItems(workspace.slug, workspace.mode, role)} />
        </aside>
        <main className="min-w-0 flex-1">{children}</main>
      </div>
    </div>
  );
}

export function PageHeader({ title, description }: { title: string; description?: ReactNode }) {
  return (
    <div className="mb-6">
      <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
      {description ? <p className="mt-1 text-sm text-zinc-600">{description}</p> : null}
    </div>
  );
}
