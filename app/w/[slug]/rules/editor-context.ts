import "server-only";
import type { RuleEditorProps } from "@/components/rules/rule-editor";
import { getCurrentUser, getServerCaller, getWorkspaceForPage } from "@/server/api/server-caller";
import { hasRole } from "@/server/members/roles";
import { eventCatalog } from "@/server/rules/catalog";
import { celEventFields } from "@/server/rules/cel";

type Current = NonNullable<Awaited<ReturnType<typeof getWorkspaceForPage>>>;

/** What the rule editor needs besides the rule: catalog, sources, communities, members (admins), channels. */
export async function loadEditorContext(slug: string, current: Current): Promise<Omit<RuleEditorProps, "ruleId" | "initial">> {
  const caller = await getServerCaller();
  const isAdmin = hasRole(current.role, "admin");
  const [sources, members, channels, user] = await Promise.all([
    caller.source.list({ workspaceSlug: slug }),
    isAdmin ? caller.member.list({ workspaceSlug: slug }) : Promise.resolve(null),
    caller.channel.list({ workspaceSlug: slug, usableBy: "personal" }),
    getCurrentUser(),
  ]);
  const multi = current.workspace.mode === "multi";
  return {
    workspaceSlug: slug,
    timeZone: current.workspace.timezone,
    catalog: eventCatalog,
    celFields: celEventFields,
    sources: sources.map(({ id, name, communityName }) => ({ id, name, communityName: multi ? communityName : null })),
    communities: multi ? current.communities.map(({ id, name }) => ({ id, name })) : null,
    members: members?.map(({ userId, email, name, role }) => ({ userId, email, name, role })) ?? null,
    channels: channels.map(({ id, kind, name, target, shared, enabled }) => ({ id, kind, name, target, shared, enabled })),
    ownEmail: user?.email ?? "",
  };
}
