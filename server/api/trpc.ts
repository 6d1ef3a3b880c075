import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import type { Db } from "@/server/db/client";
import { DomainError } from "@/server/errors";
import { reportException } from "@/server/exceptions/report-exception";
import { isInstanceAdmin } from "@/server/instance/instance-admins";
import { hasRole, type Role } from "@/server/members/roles";
import { findWorkspaceMembership } from "@/server/workspaces/find-workspace-membership";

export type SessionUser = { id: string; email: string; name?: string | null };

/** What every procedure sees. Built per request in server/api/request-context.ts, or by tests. */
export type TrpcContext = {
  db: Db;
  user: SessionUser | null;
  /** The app's public origin, for links in emails (invitations). */
  origin: string;
  /** The caller's IP address, for the audit trail (null when unknown). */
  ip?: string | null;
};

const t = initTRPC.context<TrpcContext>().create({
  transformer: superjson,
  // Subscriptions (the bell's live count) are Server-Sent Events. A ping every 10 s keeps proxies
  // from closing an idle stream; a client that hears nothing for 25 s reconnects by itself.
  sse: { ping: { enabled: true, intervalMs: 10_000 }, client: { reconnectAfterInactivityMs: 25_000 } },
  errorFormatter({ shape, error }) {
    // One shape for every field-level error, so each form shows messages beside its fields.
    let fieldErrors: Record<string, string[] | undefined> | null = null;
    let message = shape.message;
    if (error.cause instanceof ZodError) {
      fieldErrors = z.flattenError(error.cause).fieldErrors as Record<string, string[] | undefined>;
      message = error.cause.issues.map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message)).join("; ");
    } else if (error.cause instanceof DomainError && error.cause.fieldErrors) {
      fieldErrors = error.cause.fieldErrors;
    } else if (error.cause instanceof DomainError && error.cause.field) {
      fieldErrors = { [error.cause.field]: [error.cause.message] };
    } else if (error.code === "INTERNAL_SERVER_ERROR") {
      // Unexpected failures are logged by the route; their text (SQL included) stays there.
      message = "Something went wrong on the server. Try again; if it persists, check the server log.";
    }
    return { ...shape, message, data: { ...shape.data, fieldErrors } };
  },
});

export const createCallerFactory = t.createCallerFactory;
export const createTrpcRouter = t.router;

// Errors of the domain keep their meaning (404, 403, 409, 400) instead of becoming 500s.
const translateDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  return result;
});

/**
 * An unexpected failure (a 500: anything but a TRPCError thrown on purpose or a DomainError) is
 * reported — logged, counted, its exception notice sent — before the error answer leaves.
 * workspaceProcedure notes the workspace in `exceptionScope`, so the `system.exception` event
 * lands in the workspace the procedure was working for.
 */
const reportUnexpectedErrors = t.middleware(async ({ ctx, path, next }) => {
  const exceptionScope: { workspaceId: string | null } = { workspaceId: null };
  const result = await next({ ctx: { exceptionScope } });
  if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR") {
    await reportException(ctx.db, result.error.cause ?? result.error, { origin: `trpc ${path}`, workspaceId: exceptionScope.workspaceId });
  }
  return result;
});

export const publicProcedure = t.procedure.use(reportUnexpectedErrors).use(translateDomainErrors);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
  return next({ ctx: { user: ctx.user } });
});

/** Instance administrators only: signed in with an email listed in TOCSIN_ADMIN_EMAILS. */
export const instanceAdminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!isInstanceAdmin(ctx.user.email)) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only the instance's administrators (TOCSIN_ADMIN_EMAILS) may do this" });
  }
  return next();
});

/**
 * Resolves the workspace once per request from the caller's own membership. A workspace the
 * user is not in is NOT_FOUND, exactly like one that does not exist: no existence oracle.
 */
export const workspaceProcedure = protectedProcedure
  .input(z.object({ workspaceSlug: z.string().trim().toLowerCase().min(1).max(64) }))
  .use(async ({ ctx, input, next }) => {
    const found = await findWorkspaceMembership(ctx.db, ctx.user.id, input.workspaceSlug);
    if (!found) throw new TRPCError({ code: "NOT_FOUND", message: "Workspace not found" });
    ctx.exceptionScope.workspaceId = found.workspace.id;
    return next({ ctx: { workspace: found.workspace, membership: found.membership } });
  });

function roleProcedure(required: Role) {
  return workspaceProcedure.use(({ ctx, next }) => {
    if (!hasRole(ctx.membership.role, required)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `This needs the ${required} role; you are ${ctx.membership.role}` });
    }
    return next();
  });
}

export const analystProcedure = roleProcedure("analyst");
export const adminProcedure = roleProcedure("admin");
export const ownerProcedure = roleProcedure("owner");
