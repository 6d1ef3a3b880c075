import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { PendingInvitations } from "@/components/invitations/pending-invitations";
import { Badge } from "@/components/ui/badge";
import { getCurrentUser, getServerCaller } from "@/server/api/server-caller";
import { roleLabels } from "@/server/members/roles";

export const dynamic = "force-dynamic";

/** Where a signed-in user lands: their workspace, a chooser, or workspace creation. */
export default async function HomePage() {
  const user = await getCurrentUser();
  if (!user) redirect("/sign-in");
  const caller = await getServerCaller();
  const [workspaces, pending] = await Promise.all([caller.workspace.list(), caller.invitation.pending()]);
  if (pending.length === 0 && workspaces.length === 0) redirect("/workspaces/new");
  if (pending.length === 0 && workspaces.length === 1) redirect(`/w/${workspaces[0]!.slug}`);

  return (
    <AuthCard title="Your workspaces">
      <div className="space-y-6">
        <PendingInvitations invitations={pending.map(({ id, workspaceName, role }) => ({ id, workspaceName, role }))} />
        {workspaces.length > 0 ? (
          <ul className="divide-y divide-zinc-100 rounded-md border border-zinc-200">
            {workspaces.map((workspace) => (
              <li key={workspace.id}>
                <Link href={`/w/${workspace.slug}`} className="flex items-center justify-between px-4 py-3 hover:bg-zinc-50">
                  <span className="font-medium">{workspace.name}</span>
                  <Badge>{roleLabels[workspace.role]}</Badge>
                </Link>
              </li>
            ))}
          </ul>
        ) : null}
        <Link href="/workspaces/new" className="block text-center text-sm font-medium text-zinc-700 underline">
          Create a workspace
        </Link>
      </div>
    </AuthCard>
  );
}
