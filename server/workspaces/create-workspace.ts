import { communities, memberships, workspaces } from "@/server/db/schema";
import type { Db } from "@/server/db/client";
import { DomainError, isUniqueViolation } from "@/server/errors";
import type { CreateWorkspaceInput } from "./workspace-schemas";

export const DEFAULT_COMMUNITY_NAME = "Default";

/**
 * Creates a workspace with its creator as owner. A single-mode workspace gets its one
 * (hidden) community at once; a multi-mode one starts empty and its admins add communities.
 */
export async function createWorkspace(db: Db, userId: string, input: CreateWorkspaceInput) {
  try {
    return await db.transaction(async (tx) => {
      const [workspace] = await tx.insert(workspaces).values(input).returning();
      if (!workspace) throw new Error("insert returned no workspace");
      await tx.insert(memberships).values({ workspaceId: workspace.id, userId, role: "owner" });
      if (input.mode === "single") {
        await tx.insert(communities).values({ workspaceId: workspace.id, name: DEFAULT_COMMUNITY_NAME });
      }
      return workspace;
    });
  } catch (error) {
    if (isUniqueViolation(error, "workspaces_slug_key")) {
      throw new DomainError("CONFLICT", "This slug is already taken", { field: "slug" });
    }
    throw error;
  }
}
