import { and, asc, eq } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { communities } from "@/server/db/schema";
import type { WorkspaceMode } from "@/server/db/schema";
import { DomainError, isUniqueViolation } from "@/server/errors";

type WorkspaceRef = { id: string; mode: WorkspaceMode };

const nameTaken = () => new DomainError("CONFLICT", "A community with this name already exists", { field: "name" });

export async function listCommunities(db: Db, workspaceId: string) {
  return db.select().from(communities).where(eq(communities.workspaceId, workspaceId)).orderBy(asc(communities.name));
}

export async function getCommunity(db: Db, workspaceId: string, communityId: string) {
  const [community] = await db
    .select()
    .from(communities)
    .where(and(eq(communities.workspaceId, workspaceId), eq(communities.id, communityId)));
  if (!community) throw new DomainError("NOT_FOUND", "Community not found");
  return community;
}

export async function createCommunity(db: Db, workspace: WorkspaceRef, name: string) {
  assertMultiMode(workspace);
  try {
    const [community] = await db.insert(communities).values({ workspaceId: workspace.id, name }).returning();
    return community!;
  } catch (error) {
    if (isUniqueViolation(error, "communities_workspace_id_name_key")) throw nameTaken();
    throw error;
  }
}

export async function renameCommunity(db: Db, workspace: WorkspaceRef, communityId: string, name: string) {
  assertMultiMode(workspace);
  try {
    const [community] = await db
      .update(communities)
      .set({ name })
      .where(and(eq(communities.workspaceId, workspace.id), eq(communities.id, communityId)))
      .returning();
    if (!community) throw new DomainError("NOT_FOUND", "Community not found");
    return community;
  } catch (error) {
    if (isUniqueViolation(error, "communities_workspace_id_name_key")) throw nameTaken();
    throw error;
  }
}

/** Deletes a community and everything in it; the caller must type its name to confirm. */
export async function deleteCommunity(db: Db, workspace: WorkspaceRef, communityId: string, confirmName: string) {
  assertMultiMode(workspace);
  const community = await getCommunity(db, workspace.id, communityId);
  if (confirmName.trim() !== community.name) {
    throw new DomainError("BAD_REQUEST", `Type "${community.name}" to confirm`, { field: "confirmName" });
  }
  await db.delete(communities).where(and(eq(communities.workspaceId, workspace.id), eq(communities.id, communityId)));
  return community;
}

// A single-mode workspace has exactly one community, managed for the user and never shown.
function assertMultiMode(workspace: WorkspaceRef) {
  if (workspace.mode !== "multi") {
    throw new DomainError("BAD_REQUEST", "Communities are managed in multi-mode workspaces; switch the mode in Settings first");
  }
}
