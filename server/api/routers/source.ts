import { auditActorOf } from "@/server/audit/audit-actor";
import { countEventsBySource } from "@/server/events/event-volume";
import { authenticatedSourceUrls } from "@/server/sources/source-urls";
import {
  createSourceInput,
  deleteSourceInput,
  rotateSourceTokenInput,
  sourceRefInput,
  updateSourceInput,
} from "@/server/sources/source-schemas";
import { createSource, deleteSource, listSources, revokeSourceTokens, rotateSourceToken, updateSource } from "@/server/sources/sources";
import { adminProcedure, createTrpcRouter, workspaceProcedure } from "../trpc";

export const sourceRouter = createTrpcRouter({
  list: workspaceProcedure.query(async ({ ctx }) => {
    const [sources, last24h] = await Promise.all([
      listSources(ctx.db, ctx.workspace.id),
      countEventsBySource(ctx.db, ctx.workspace.id, new Date(Date.now() - 24 * 60 * 60 * 1000)),
    ]);
    return sources.map((source) => ({ ...source, eventsLast24h: last24h[source.id] ?? 0, urls: authenticatedSourceUrls(ctx.origin, source.id) }));
  }),

  /** The token is in this response and nowhere else, ever. */
  create: adminProcedure.input(createSourceInput).mutation(async ({ ctx, input }) => {
    const { workspaceSlug: _slug, ...values } = input;
    const { source, token } = await createSource(ctx.db, { workspaceId: ctx.workspace.id, userId: ctx.user.id, email: ctx.user.email, ip: ctx.ip ?? null }, values);
    return { source, token, urls: authenticatedSourceUrls(ctx.origin, source.id, token) };
  }),

  update: adminProcedure.input(updateSourceInput).mutation(({ ctx, input }) => {
    const { workspaceSlug: _slug, ...values } = input;
    return updateSource(ctx.db, ctx.workspace.id, values, auditActorOf(ctx));
  }),

  rotateToken: adminProcedure.input(rotateSourceTokenInput).mutation(async ({ ctx, input }) => {
    const rotated = await rotateSourceToken(ctx.db, ctx.workspace.id, input.sourceId, input.graceMinutes, auditActorOf(ctx));
    return { ...rotated, urls: authenticatedSourceUrls(ctx.origin, input.sourceId, rotated.token) };
  }),

  revokeTokens: adminProcedure.input(sourceRefInput).mutation(({ ctx, input }) => revokeSourceTokens(ctx.db, ctx.workspace.id, input.sourceId, auditActorOf(ctx))),

  delete: adminProcedure.input(deleteSourceInput).mutation(({ ctx, input }) => deleteSource(ctx.db, ctx.workspace.id, input.sourceId, input.confirmName, auditActorOf(ctx))),
});
