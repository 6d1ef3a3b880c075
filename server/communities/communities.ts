import { and, asc, count, eq } from "drizzle-orm";
import type { AuditActor } from "@/server/audit/audit-actor";
import { runAuditedTransaction, type AuditRecorder } from "@/server/audit/record-audit-entry";
import { snapshotCommunity } from "@/server/audit/snapshot-objects";
import type { Db, DbOrTx } from "@/server/db/client";
import { communities, intakeSources, workspaces } from "@/server/db/schema";
import { DomainError, isUniqueViolation } from "@/server/errors";

// The mode the request resolved is not trusted here: see lockMultiModeWorkspace.
type WorkspaceRef = { id: string };

type CommunityRow = typeof communities.$inferSelect;

async function auditCommunity(
  audit: AuditRecorder,
  by: AuditActor,
  verb: "created" | "updated" | "deleted",
  before: CommunityRow | null,
  after: CommunityRow | null,
  extra?: Record<string, unknown>,
) {
  const community = (after ?? before)!;
  await audit({
    workspaceId: community.workspaceId,
    actor: by,
    objectType: "community",
    objectId: community.id,
    objectLabel: community.name,
    verb,
    before: before && snapshotCommunity(before),
    after: after && snapshotCommunity(after),
    extra,
  });
}

const nameTaken = () => new DomainError("CONFLICT", "A community with this name already exists", { field: "name" });

export async function listCommunities(db: Db, workspaceId: string) {
  return db.select().from(communities).where(eq(communities.workspaceId, workspaceId)).orderBy(asc(communities.name));
}

export async function getCommunity(db: DbOrTx, workspaceId: string, communityId: string) {
  const [community] = await db
    .select()
    .from(communities)
    .where(and(eq(communities.workspaceId, workspaceId), eq(communities.id, communityId)));
  if (!community) throw new DomainError("NOT_FOUND", "Community not found");
  return community;
}

export async function createCommunity(db: Db, workspace: WorkspaceRef, name: string, by: AuditActor) {
  try {
    return await runAuditedTransaction(db, async (tx, audit) => {
      await lockMultiModeWorkspace(tx, workspace.id);
      const [community] = await tx.insert(communities).values({ workspaceId: workspace.id, name }).returning();
      await auditCommunity(audit, by, "created", null, community!);
      return community!;
    });
  } catch (error) {
    if (isUniqueViolation(error, "communities_workspace_id_name_key")) throw nameTaken();
    throw error;
  }
}

export async function renameCommunity(db: Db, workspace: WorkspaceRef, communityId: string, name: string, by: AuditActor) {
  try {
    return await runAuditedTransaction(db, async (tx, audit) => {
      await lockMultiModeWorkspace(tx, workspace.id);
      const before = await getCommunity(tx, workspace.id, communityId);
      const [community] = await tx
        .update(communities)
        .set({ name })
        .where(and(eq(communities.workspaceId, workspace.id), eq(communities.id, communityId)))
        .returning();
      if (!community) throw new DomainError("NOT_FOUND", "Community not found");
      await auditCommunity(audit, by, "updated", before, community);
      return community;
    });
  } catch (error) {
    if (isUniqueViolation(error, "communities_workspace_id_name_key")) throw nameTaken();
    throw error;
  }
}

/** Deletes a community and everything in it; the caller must type its name to confirm. */
export async function deleteCommunity(db: Db, workspace: WorkspaceRef, communityId: string, confirmName: string, by: AuditActor) {
  return runAuditedTransaction(db, async (tx, audit) => {
    await lockMultiModeWorkspace(tx, workspace.id);
    const community = await getCommunity(tx, workspace.id, communityId);
    if (confirmName.trim() !== community.name) {
      throw new DomainError("BAD_REQUEST", `Type "${community.name}" to confirm`, { field: "confirmName" });
    }
    const [sources] = await tx
      .select({ n: count() })
      .from(intakeSources)
      .where(and(eq(intakeSources.workspaceId, workspace.id), eq(intakeSources.communityId, communityId)));
    await tx.delete(communities).where(and(eq(communities.workspaceId, workspace.id), eq(communities.id, communityId)));
    await auditCommunity(audit, by, "deleted", community, null, { sourcesDeleted: sources?.n ?? 0 });
    return community;
  });
}

// A single-mode workspace has exactly one community, managed for the user and never shown.
// The mode is read here, under a share lock on the workspace row, rather than taken from the
// request: a switch to single mode (which counts communities under an update lock on the same
// row) may have committed since the request resolved its workspace, and must not be undercut.
async function lockMultiModeWorkspace(tx: DbOrTx, workspaceId: string) {
  const [workspace] = await tx.select({ mode: workspaces.mode }).from(workspaces).where(eq(workspaces.id, workspaceId)).for("share");
  if (!workspace) throw new DomainError("NOT_FOUND", "Workspace not found");
  if (workspace.mode !== "multi") {
    throw new DomainError("BAD_REQUEST", "Communities are managed in multi-mode workspaces; switch the mode in Settings first");
  }
}
