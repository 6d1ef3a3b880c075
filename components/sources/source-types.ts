import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";
import type { SourceFormat } from "@/server/db/schema/ingest";

/** A source as `source.list` returns it: its settings, community name, active tokens and URL. */
export type SourceItem = inferRouterOutputs<AppRouter>["source"]["list"][number];

/** What the page needs to know of a format (server/ingest/formats.ts, without its adapter). */
export type FormatOption = { id: SourceFormat; label: string; description: string; setupHint: string };

export type CommunityOption = { id: string; name: string };

/** Shared by every part of the sources page. */
export type SourcesContext = {
  workspaceSlug: string;
  timeZone: string;
  formats: Record<SourceFormat, FormatOption>;
};

/** A token as `create` and `rotateToken` return it: here, once. */
export type RevealedToken = { token: string; urls: { byId: string; withToken: string | null } };
