import { eq } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { workspaces } from "@/server/db/schema";
import { DomainError } from "@/server/errors";

/** Deletes a workspace and, through its foreign keys, everything in it. */
export async function deleteWorkspace(db: Db, workspace: { id: string; slug: string }, confirmSlug: string) {
  if (confirmSlug.trim() !== workspace.slug) {
    throw new DomainError("BAD_REQUEST", `Type "${workspace.slug}" to confirm`, { field: "confirmSlug" });
  }
  await db.delete(workspaces).where(eq(workspaces.id, workspace.id));
}
