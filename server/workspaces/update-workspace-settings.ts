import { count, eq } from "drizzle-orm";
import type { AuditActor } from "@/server/audit/audit-actor";
import { runAuditedTransaction } from "@/server/audit/record-audit-entry";
import { snapshotWorkspace } from "@/server/audit/snapshot-objects";
import type { Db } from "@/server/db/client";
import { communities, workspaces } from "@/server/db/schema";
import { DomainError } from "@/server/errors";
import { DEFAULT_COMMUNITY_NAME } from "./create-workspace";
import type { WorkspaceSettingsInput } from "./workspace-schemas";

/**
 * Saves a workspace's settings. Going from single to multi reveals the existing community;
 * going back is only possible while the workspace has at most one community.
 */
export async function updateWorkspaceSettings(db: Db, workspaceId: string, input: WorkspaceSettingsInput, by: AuditActor) {
  return runAuditedTransaction(db, async (tx, audit) => {
    const [locked] = await tx.select().from(workspaces).where(eq(workspaces.id, workspaceId)).for("update");
    if (!locked) throw new DomainError("NOT_FOUND", "Workspace not found");

    if (input.mode === "single" && locked.mode === "multi") {
      const [row] = await tx.select({ n: count() }).from(communities).where(eq(communities.workspaceId, workspaceId));
      const communityCount = row?.n ?? 0;
      if (communityCount > 1) {
        throw new DomainError(
          "BAD_REQUEST",
          `This workspace has ${communityCount} communities; delete all but one before switching to single mode`,
          { field: "mode" },
        );
      }
      if (communityCount === 0) {
        await tx.insert(communities).values({ workspaceId, name: DEFAULT_COMMUNITY_NAME });
      }
    }

    const [updated] = await tx
      .update(workspaces)
      .set({ ...input, updatedAt: new Date() })
      .where(eq(workspaces.id, workspaceId))
      .returning();
    await audit({
      workspaceId,
      actor: by,
      objectType: "workspace",
      objectId: workspaceId,
      objectLabel: updated!.name,
      verb: "updated",
      before: snapshotWorkspace(locked),
      after: snapshotWorkspace(updated!),
    });
    return updated!;
  });
}
