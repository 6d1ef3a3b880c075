import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { CreateWorkspaceForm } from "@/components/workspaces/create-workspace-form";
import { getCurrentUser } from "@/server/api/server-caller";

export const metadata: Metadata = { title: "Create a workspace" };
export const dynamic = "force-dynamic";

export default async function NewWorkspacePage() {
  if (!(await getCurrentUser())) redirect("/sign-in?callbackUrl=/workspaces/new");
  return (
    <AuthCard title="Create a workspace">
      <CreateWorkspaceForm />
    </AuthCard>
  );
}
