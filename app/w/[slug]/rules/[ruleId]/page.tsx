import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { RuleEditor } from "@/components/rules/rule-editor";
import { draftFromRule } from "@/components/rules/rule-draft";
import { PageHeader } from "@/components/shell/app-shell";
import { getServerCaller, getWorkspaceForPage } from "@/server/api/server-caller";
import { loadEditorContext } from "../editor-context";

export const metadata: Metadata = { title: "Edit rule" };

export default async function EditRulePage({ params }: { params: Promise<{ slug: string; ruleId: string }> }) {
  const { slug, ruleId } = await params;
  const current = await getWorkspaceForPage(slug);
  if (!current) notFound();
  const rule = await (await getServerCaller()).rule.get({ workspaceSlug: slug, ruleId }).catch((error: unknown) => {
    if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) return null;
    throw error;
  });
  // A shared rule its recipient cannot change reads like one that is not there to edit.
  if (!rule || !rule.canEdit) notFound();
  const context = await loadEditorContext(slug, current);
  return (
    <>
      <Link href={`/w/${slug}/rules`} className="mb-2 inline-block text-sm font-medium text-zinc-600 hover:text-zinc-900">
        ← Rules
      </Link>
      <PageHeader title={`Edit “${rule.name}”`} description={rule.kind === "shared" ? "A shared rule of the workspace." : "Your personal rule; only you see it."} />
      <RuleEditor {...context} ruleId={rule.id} initial={draftFromRule(rule)} />
    </>
  );
}
