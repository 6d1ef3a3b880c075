import { and, asc, eq } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { memberships, workspaces } from "@/server/db/schema";

/**
 * The membership of `userId` in the workspace named by `slug`, with the workspace, or null.
 * This is the one place a request's workspace is resolved: the user's own membership row,
 * never the slug alone.
 */
export async function findWorkspaceMembership(db: Db, userId: string, slug: string) {
  const [row] = await db
    .select({ workspace: workspaces, membership: memberships })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(and(eq(memberships.userId, userId), eq(workspaces.slug, slug)))
    .limit(1);
  return row ?? null;
}

export type WorkspaceMembership = NonNullable<Awaited<ReturnType<typeof findWorkspaceMembership>>>;

export async function listWorkspacesForUser(db: Db, userId: string) {
  return db
    .select({
      id: workspaces.id,
      slug: workspaces.slug,
      name: workspaces.name,
      mode: workspaces.mode,
      role: memberships.role,
    })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(workspaces.name));
}
