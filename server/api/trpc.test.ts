import { z, ZodError } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/server/db/client";
import { createTestDatabase } from "@/server/db/test-database";
import { DomainError, type DomainErrorCode } from "@/server/errors";
import type { Role } from "@/server/members/roles";
import { appRouter } from "./root";
import {
  callByPath,
  callerFor,
  callHttp,
  countRows,
  createUser,
  expectTrpcError,
  seedTwoWorkspaces,
  snapshotWorkspace,
  type SeededWorkspace,
} from "./test-helpers";
import {
  adminProcedure,
  analystProcedure,
  createCallerFactory,
  createTrpcRouter,
  ownerProcedure,
  protectedProcedure,
  publicProcedure,
  workspaceProcedure,
  type SessionUser,
} from "./trpc";

// The ladder itself, on procedures that do nothing but report who got through: the app's
// routers do not use every rung (no analyst procedure yet), but each rung must hold.
const probeRouter = createTrpcRouter({
  public: publicProcedure.query(() => "public"),
  protected: protectedProcedure.query(({ ctx }) => ctx.user.id),
  workspace: workspaceProcedure.query(({ ctx }) => ctx.membership.role),
  analyst: analystProcedure.query(({ ctx }) => ctx.membership.role),
  admin: adminProcedure.query(({ ctx }) => ctx.membership.role),
  owner: ownerProcedure.query(({ ctx }) => ctx.membership.role),
  domainError: publicProcedure
    .input(z.object({ code: z.enum(["BAD_REQUEST", "NOT_FOUND", "FORBIDDEN", "CONFLICT"]), field: z.string().optional() }))
    .query(({ input }) => {
      throw new DomainError(input.code, `domain says no (${input.code})`, { field: input.field });
    }),
  plainError: publicProcedure.query(() => {
    throw new Error("not a domain error");
  }),
});
const createProbeCaller = createCallerFactory(probeRouter);
type ProbeRung = "workspace" | "analyst" | "admin" | "owner";

// Every procedure needs a signed-in user today; one added as public must be listed here on purpose.
const publicPaths: string[] = [];

describe("tRPC procedure ladder", () => {
  let handle: DbHandle;
  let a: SeededWorkspace;
  let b: SeededWorkspace;
  let outsider: SessionUser;

  beforeAll(async () => {
    handle = await createTestDatabase();
    ({ a, b } = await seedTwoWorkspaces(handle.db, "ladder"));
    outsider = await createUser(handle.db, "outsider@ladder.test");
  });
  afterAll(() => handle.close());

  const probe = (user: SessionUser | null) => createProbeCaller({ db: handle.db, user, origin: "http://localhost:3000" });

  describe("rungs", () => {
    it("lets anyone through a public procedure and no one anonymous further", async () => {
      expect(await probe(null).public()).toBe("public");
      await expectTrpcError(probe(null).protected(), "UNAUTHORIZED");
      for (const rung of ["workspace", "analyst", "admin", "owner"] as const) {
        const error = await expectTrpcError(probe(null)[rung]({ workspaceSlug: a.slug }), "UNAUTHORIZED");
        expect(error.message).toBe("Sign in first");
      }
    });

    it("passes the signed-in user to protected procedures", async () => {
      expect(await probe(outsider).protected()).toBe(outsider.id);
    });

    const allowed: Record<ProbeRung, Role[]> = {
      workspace: ["owner", "admin", "analyst", "viewer"],
      analyst: ["owner", "admin", "analyst"],
      admin: ["owner", "admin"],
      owner: ["owner"],
    };
    const matrix = (Object.keys(allowed) as ProbeRung[]).flatMap((rung) =>
      (["owner", "admin", "analyst", "viewer"] as const).map((role) => ({ rung, role, ok: allowed[rung].includes(role) })),
    );

    it.each(matrix)("$rung procedure, called by the $role: allowed=$ok", async ({ rung, role, ok }) => {
      const call = probe(a.users[role])[rung]({ workspaceSlug: a.slug });
      if (ok) {
        expect(await call).toBe(role);
      } else {
        const error = await expectTrpcError(call, "FORBIDDEN");
        expect(error.message).toBe(`This needs the ${rung} role; you are ${role}`);
      }
    });

    it("resolves the workspace from the caller's own membership, whatever the slug's case or spacing", async () => {
      expect(await probe(a.users.viewer).workspace({ workspaceSlug: `  ${a.slug.toUpperCase()} ` })).toBe("viewer");
    });
  });

  describe("no existence oracle", () => {
    it("answers NOT_FOUND with the same message for a workspace one is not in and one that does not exist", async () => {
      const foreign = await expectTrpcError(probe(a.users.owner).workspace({ workspaceSlug: b.slug }), "NOT_FOUND");
      const missing = await expectTrpcError(probe(a.users.owner).workspace({ workspaceSlug: "no-such-workspace" }), "NOT_FOUND");
      const outside = await expectTrpcError(probe(outsider).owner({ workspaceSlug: a.slug }), "NOT_FOUND");
      expect(foreign.message).toBe("Workspace not found");
      expect(missing.message).toBe(foreign.message);
      expect(outside.message).toBe(foreign.message);
    });

    it("sends byte-identical responses over HTTP for both", async () => {
      const call = (workspaceSlug: string) =>
        callHttp({ db: handle.db, user: a.users.owner, path: "workspace.get", input: { workspaceSlug }, type: "query" });
      const foreign = await call(b.slug);
      const missing = await call("no-such-workspace");
      expect(foreign.status).toBe(404);
      expect(missing.status).toBe(404);
      // The stack (sent in development only) is the one part allowed to differ.
      const { stack: _f, ...foreignData } = foreign.error!.data as HttpErrorData;
      const { stack: _m, ...missingData } = missing.error!.data as HttpErrorData;
      expect({ ...foreign.error, data: foreignData }).toEqual({ ...missing.error, data: missingData });
      expect(foreign.error!.data.fieldErrors).toBeNull();
    });

    it("checks membership before the role, so a non-member never learns which role a procedure needs", async () => {
      await expectTrpcError(probe(outsider).owner({ workspaceSlug: b.slug }), "NOT_FOUND");
      await expectTrpcError(callerFor(handle.db, a.users.owner).workspace.delete({ workspaceSlug: b.slug, confirmSlug: b.slug }), "NOT_FOUND");
    });
  });

  describe("the app's routers", () => {
    it("refuse every procedure to an anonymous caller, and write nothing", async () => {
      const before = await countRows(handle.db);
      const anonymous = callerFor(handle.db, null);
      const paths = Object.keys(appRouter._def.procedures).filter((path) => !publicPaths.includes(path));
      expect(paths.length).toBeGreaterThan(10);
      for (const path of paths) {
        // Inputs that would be valid for a member, so only the missing session can explain the refusal.
        const input = {
          workspaceSlug: a.slug,
          name: "Anonymous",
          slug: "anonymous-ws",
          mode: "multi",
          email: "anon@ladder.test",
          role: "viewer",
          communityId: a.communities[0]!.id,
          confirmName: a.communities[0]!.name,
          confirmSlug: a.slug,
          membershipId: a.membershipIds.owner,
          invitationId: a.openInvitation.id,
          token: "x".repeat(43),
          timezone: "UTC",
          retentionDays: 30,
          webhookChannelCap: 1,
        };
        const error = await expectTrpcError(callByPath(anonymous, path, input), "UNAUTHORIZED");
        expect(error.message, path).toBe("Sign in first");
      }
      expect(await countRows(handle.db)).toEqual(before);
    });

    const adminOnly: { path: string; input: (ws: SeededWorkspace) => Record<string, unknown> }[] = [
      { path: "community.create", input: () => ({ name: "Sneaky" }) },
      { path: "community.rename", input: (ws) => ({ communityId: ws.communities[0]!.id, name: "Sneaky" }) },
      { path: "community.delete", input: (ws) => ({ communityId: ws.communities[0]!.id, confirmName: ws.communities[0]!.name }) },
      { path: "member.invite", input: () => ({ email: "sneaky@ladder.test", role: "viewer" }) },
      { path: "member.invitations", input: () => ({}) },
      { path: "member.revokeInvitation", input: (ws) => ({ invitationId: ws.openInvitation.id }) },
      { path: "member.changeRole", input: (ws) => ({ membershipId: ws.membershipIds.viewer, role: "analyst" }) },
      { path: "member.remove", input: (ws) => ({ membershipId: ws.membershipIds.viewer }) },
      {
        path: "workspace.updateSettings",
        input: () => ({ name: "Sneaky", timezone: "UTC", retentionDays: 1, webhookChannelCap: 0, mode: "multi" }),
      },
    ];

    it.each(adminOnly.flatMap((c) => (["analyst", "viewer"] as const).map((role) => ({ ...c, role }))))(
      "refuse $path to the $role",
      async ({ path, input, role }) => {
        const before = await snapshotWorkspace(handle.db, a.workspace.id);
        const error = await expectTrpcError(callByPath(a.callers[role], path, { workspaceSlug: a.slug, ...input(a) }), "FORBIDDEN");
        expect(error.message).toBe(`This needs the admin role; you are ${role}`);
        expect(await snapshotWorkspace(handle.db, a.workspace.id)).toEqual(before);
      },
    );

    it("refuse workspace.delete to an admin: deleting is the owner's alone", async () => {
      const error = await expectTrpcError(a.callers.admin.workspace.delete({ workspaceSlug: a.slug, confirmSlug: a.slug }), "FORBIDDEN");
      expect(error.message).toBe("This needs the owner role; you are admin");
      expect((await a.callers.owner.workspace.get({ workspaceSlug: a.slug })).workspace.id).toBe(a.workspace.id);
    });

    it("let every member read the workspace, its communities and its members", async () => {
      for (const role of ["owner", "admin", "analyst", "viewer"] as const) {
        const caller = a.callers[role];
        const got = await caller.workspace.get({ workspaceSlug: a.slug });
        expect(got.role).toBe(role);
        expect(got.workspace.slug).toBe(a.slug);
        expect((await caller.community.list({ workspaceSlug: a.slug })).map((c) => c.name)).toEqual(["Alpha", "Beta"]);
        expect(await caller.member.list({ workspaceSlug: a.slug })).toHaveLength(4);
      }
    });

    it("check the role before the input, so a viewer learns nothing from validation messages", async () => {
      await expectTrpcError(a.callers.viewer.community.create({ workspaceSlug: a.slug, name: "" }), "FORBIDDEN");
    });
  });

  describe("errors", () => {
    it("turn zod failures into BAD_REQUEST carrying the ZodError", async () => {
      const error = await expectTrpcError(a.callers.admin.member.invite({ workspaceSlug: a.slug, email: "not-an-email", role: "viewer" }), "BAD_REQUEST");
      expect(error.cause).toBeInstanceOf(ZodError);
      expect((error.cause as ZodError).issues.map((issue) => issue.path)).toEqual([["email"]]);
    });

    it("name the offending fields in error.data.fieldErrors over HTTP", async () => {
      const result = await callHttp({
        db: handle.db,
        user: outsider,
        path: "workspace.create",
        input: { name: "  ", slug: "No Spaces!", mode: "multi" },
        type: "mutation",
      });
      expect(result.status).toBe(400);
      expect(result.error!.data.code).toBe("BAD_REQUEST");
      expect(result.error!.data.path).toBe("workspace.create");
      expect(result.error!.data.fieldErrors).toEqual({
        name: ["Give the workspace a name"],
        slug: ["Use lowercase letters, digits and dashes, starting and ending with a letter or digit"],
      });
      expect(result.error!.message).toBe(
        "name: Give the workspace a name; slug: Use lowercase letters, digits and dashes, starting and ending with a letter or digit",
      );
    });

    it("report fieldErrors for a workspace procedure's own input, after the slug resolved", async () => {
      const result = await callHttp({
        db: handle.db,
        user: a.users.admin,
        path: "member.invite",
        input: { workspaceSlug: a.slug, email: "nope", role: "viewer" },
        type: "mutation",
      });
      expect(result.status).toBe(400);
      expect(result.error!.data.fieldErrors).toEqual({ email: ["Enter a valid email address"] });
      expect(result.error!.message).toBe("email: Enter a valid email address");
    });

    const domainCases: { code: DomainErrorCode; status: number }[] = [
      { code: "BAD_REQUEST", status: 400 },
      { code: "FORBIDDEN", status: 403 },
      { code: "NOT_FOUND", status: 404 },
      { code: "CONFLICT", status: 409 },
    ];

    it.each(domainCases)("keep a DomainError's $code ($status) and its field", async ({ code, status }) => {
      const withField = await callHttp({ db: handle.db, user: null, path: "domainError", input: { code, field: "thing" }, type: "query", router: probeRouter });
      expect(withField.status).toBe(status);
      expect(withField.error!.data.code).toBe(code);
      expect(withField.error!.message).toBe(`domain says no (${code})`);
      expect(withField.error!.data.fieldErrors).toEqual({ thing: [`domain says no (${code})`] });

      const withoutField = await callHttp({ db: handle.db, user: null, path: "domainError", input: { code }, type: "query", router: probeRouter });
      expect(withoutField.status).toBe(status);
      expect(withoutField.error!.data.fieldErrors).toBeNull();

      await expectTrpcError(probe(null).domainError({ code }), code);
    });

    it("leave other errors as INTERNAL_SERVER_ERROR without fieldErrors, and keep their text off the wire", async () => {
      const result = await callHttp({ db: handle.db, user: null, path: "plainError", input: undefined, type: "query", router: probeRouter });
      expect(result.status).toBe(500);
      expect(result.error!.data.code).toBe("INTERNAL_SERVER_ERROR");
      expect(result.error!.data.fieldErrors).toBeNull();
      expect(result.error!.message).toBe("Something went wrong on the server. Try again; if it persists, check the server log.");
    });

    it("carry a domain error's field from the real routers too (a taken slug)", async () => {
      const result = await callHttp({
        db: handle.db,
        user: outsider,
        path: "workspace.create",
        input: { name: "Copycat", slug: a.slug, mode: "multi" },
        type: "mutation",
      });
      expect(result.status).toBe(409);
      expect(result.error!.data.fieldErrors).toEqual({ slug: ["This slug is already taken"] });
    });

    it("answer a successful call normally through the same handler", async () => {
      const result = await callHttp({ db: handle.db, user: a.users.viewer, path: "workspace.get", input: { workspaceSlug: a.slug }, type: "query" });
      expect(result.status).toBe(200);
      expect(result.error).toBeNull();
      expect(result.data).toMatchObject({ role: "viewer", workspace: { slug: a.slug } });
    });
  });
});

type HttpErrorData = { stack?: string } & Record<string, unknown>;

