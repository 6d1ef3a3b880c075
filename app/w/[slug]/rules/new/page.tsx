import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { RuleEditor } from "@/components/rules/rule-editor";
import { emptyDraft } from "@/components/rules/rule-draft";
import { PageHeader } from "@/components/shell/app-shell";
import { getWorkspaceForPage } from "@/server/api/server-caller";
import { loadEditorContext } from "../editor-context";

export const metadata: Metadata = { title: "New rule" };

export default async function NewRulePage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const current = await getWorkspaceForPage(slug);
  if (!current) notFound();
  const context = await loadEditorContext(slug, current);
  return (
    <>
      <Link href={`/w/${slug}/rules`} className="mb-2 inline-block text-sm font-medium text-zinc-600 hover:text-zinc-900">
        ← Rules
      </Link>
      <PageHeader title="New rule" description="Choose the event types, narrow them down with conditions, and check the preview before saving." />
      <RuleEditor {...context} ruleId={null} initial={emptyDraft(current.communities[0]?.id ?? "")} />
    </>
  );
}
