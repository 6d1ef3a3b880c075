import { listAuditEntriesInput } from "@/server/audit/audit-schemas";
import { listAuditEntries } from "@/server/audit/list-audit-entries";
import { createTrpcRouter, workspaceProcedure } from "../trpc";

// Any member may ask: admins and owners read the workspace's trail, every member the entries of
// their own personal rules and channels (server/audit/list-audit-entries.ts decides).
export const auditRouter = createTrpcRouter({
  list: workspaceProcedure.input(listAuditEntriesInput).query(({ ctx, input }) => {
    const { workspaceSlug: _slug, ...filters } = input;
    return listAuditEntries(ctx.db, { workspaceId: ctx.workspace.id, userId: ctx.user.id, role: ctx.membership.role }, filters);
  }),
});
