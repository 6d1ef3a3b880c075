// Shared by the tRPC integration suites: users, callers, a two-workspace seed built through the
// real routers, and a way to go through the HTTP handler (the only path that runs the
// errorFormatter). Not a *.test.ts file, so vitest does not collect it.
import { TRPCError, type AnyTRPCRouter, type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { desc, eq, sql, type SQL } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import superjson from "superjson";
import { expect } from "vitest";
import type { Db } from "@/server/db/client";
import {
  auditEntries,
  channels,
  communities,
  deliveries,
  deliveryAttempts,
  intakeSources,
  intakeSourceTokens,
  invitations,
  mailOutbox,
  memberships,
  notificationPreferences,
  notifications,
  ruleChannels,
  ruleCommunities,
  ruleRecipients,
  rules,
  ruleTriggers,
  ruleVersions,
  sourceMaintenanceWindows,
  users,
  workspaces,
  type Role,
  type WorkspaceMode,
} from "@/server/db/schema";
import { appRouter, createCaller } from "./root";
import type { SessionUser } from "./trpc";

export const TEST_ORIGIN = "http://localhost:3000";

// Invitation mail must land in the outbox table, where the suites read it, and never go out
// through Resend because a developer's shell happens to export a key.
delete process.env.RESEND_API_KEY;

export async function createUser(db: Db, email: string, name?: string): Promise<SessionUser> {
  const [user] = await db.insert(users).values({ email, name: name ?? null }).returning();
  return { id: user!.id, email: user!.email, name: user!.name };
}

export function callerFor(db: Db, user: SessionUser | null) {
  return createCaller({ db, user, origin: TEST_ORIGIN });
}

export type Caller = ReturnType<typeof callerFor>;

/** Calls `caller.<router>.<procedure>(input)` for a dotted path, as listed in appRouter._def.procedures. */
export function callByPath(caller: Caller, path: string, input: unknown): Promise<unknown> {
  const procedure = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
  if (typeof procedure !== "function") throw new Error(`No procedure at ${path}`);
  return (procedure as (input: unknown) => Promise<unknown>)(input);
}

/** Awaits a call that must fail with `code`, and returns the TRPCError for further checks. */
export async function expectTrpcError(call: Promise<unknown>, code: TRPC_ERROR_CODE_KEY): Promise<TRPCError> {
  let caught: unknown;
  try {
    await call;
  } catch (error) {
    caught = error;
  }
  if (caught === undefined) throw new Error(`Expected a ${code} error, but the call succeeded`);
  expect(caught).toBeInstanceOf(TRPCError);
  expect((caught as TRPCError).code, (caught as TRPCError).message).toBe(code);
  return caught as TRPCError;
}

/** The link token of the latest invitation mailed to `email`, read from the outbox. */
export async function latestInvitationToken(db: Db, email: string): Promise<string> {
  const [mail] = await db
    .select()
    .from(mailOutbox)
    .where(eq(mailOutbox.to, email.toLowerCase()))
    .orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id))
    .limit(1);
  const token = mail?.text.match(/\/invite\/([A-Za-z0-9_-]+)/)?.[1];
  if (!token) throw new Error(`No invitation mail for ${email} in the outbox`);
  return token;
}

export type SeededWorkspace = {
  workspace: typeof workspaces.$inferSelect;
  slug: string;
  users: Record<Role, SessionUser>;
  callers: Record<Role, Caller>;
  membershipIds: Record<Role, string>;
  communities: (typeof communities.$inferSelect)[];
  /** An open invitation to someone who has not accepted yet. */
  openInvitation: { id: string; email: string };
  /** One intake source in each community, with its current token. */
  sources: { id: string; name: string; communityId: string; token: string }[];
};

/**
 * A workspace with one member of each role, built the way users build it: the owner creates
 * it, invites the others, and they accept through the link in their email.
 */
export async function seedWorkspace(
  db: Db,
  options: { slug: string; mode?: WorkspaceMode; communityNames?: string[] },
): Promise<SeededWorkspace> {
  const { slug, mode = "multi", communityNames = mode === "multi" ? ["Alpha", "Beta"] : [] } = options;
  const email = (role: string) => `${role}@${slug}.test`;

  const owner = await createUser(db, email("owner"), `Owner of ${slug}`);
  const ownerCaller = callerFor(db, owner);
  const workspace = await ownerCaller.workspace.create({ name: `Workspace ${slug}`, slug, mode });

  const seeded: Partial<Record<Role, SessionUser>> = { owner };
  for (const role of ["admin", "analyst", "viewer"] as const) {
    const user = await createUser(db, email(role));
    await ownerCaller.member.invite({ workspaceSlug: slug, email: user.email, role });
    await callerFor(db, user).invitation.acceptByToken({ token: await latestInvitationToken(db, user.email) });
    seeded[role] = user;
  }
  const seededUsers = seeded as Record<Role, SessionUser>;

  for (const name of communityNames) await ownerCaller.community.create({ workspaceSlug: slug, name });
  const invited = await ownerCaller.member.invite({ workspaceSlug: slug, email: email("pending"), role: "analyst" });

  const communityRows = await ownerCaller.community.list({ workspaceSlug: slug });
  const sources = [];
  for (const community of communityRows) {
    const created = await ownerCaller.source.create({ workspaceSlug: slug, communityId: community.id, name: `${community.name} IdP`, format: "authentik" });
    sources.push({ id: created.source.id, name: created.source.name, communityId: community.id, token: created.token });
  }

  const members = await ownerCaller.member.list({ workspaceSlug: slug });
  const membershipIds = Object.fromEntries(
    (Object.keys(seededUsers) as Role[]).map((role) => [role, members.find((m) => m.userId === seededUsers[role].id)!.id]),
  ) as Record<Role, string>;

  return {
    workspace,
    slug,
    users: seededUsers,
    callers: Object.fromEntries((Object.keys(seededUsers) as Role[]).map((role) => [role, callerFor(db, seededUsers[role])])) as Record<Role, Caller>,
    membershipIds,
    communities: communityRows,
    openInvitation: { id: invited.id, email: invited.email },
    sources,
  };
}

/** Two independent multi-mode workspaces, A and B; `prefix` keeps slugs unique within a file. */
export async function seedTwoWorkspaces(db: Db, prefix = "ws") {
  const a = await seedWorkspace(db, { slug: `${prefix}-a`, communityNames: ["Alpha", "Beta"] });
  const b = await seedWorkspace(db, { slug: `${prefix}-b`, communityNames: ["Gamma", "Delta"] });
  return { a, b };
}

/** Rows of a raw query, whichever driver ran it (postgres-js returns an array, PGlite `{ rows }`). */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * Everything a workspace owns, as PostgreSQL's own text rendering of each row: comparing two
 * snapshots compares every column byte for byte, timestamps included.
 */
export async function snapshotWorkspace(db: Db, workspaceId: string) {
  const rowsOf = async (table: PgTable, column: string) =>
    (await queryRows<{ row: string }>(db, sql`select t::text as row from ${table} t where ${sql.identifier(column)} = ${workspaceId} order by t::text`)).map(
      (r) => r.row,
    );
  return {
    workspace: await rowsOf(workspaces, "id"),
    communities: await rowsOf(communities, "workspace_id"),
    memberships: await rowsOf(memberships, "workspace_id"),
    invitations: await rowsOf(invitations, "workspace_id"),
    intakeSources: await rowsOf(intakeSources, "workspace_id"),
    intakeSourceTokens: await rowsOf(intakeSourceTokens, "workspace_id"),
    rules: await rowsOf(rules, "workspace_id"),
    ruleTriggers: await rowsOf(ruleTriggers, "workspace_id"),
    ruleCommunities: await rowsOf(ruleCommunities, "workspace_id"),
    ruleRecipients: await rowsOf(ruleRecipients, "workspace_id"),
    ruleVersions: await rowsOf(ruleVersions, "workspace_id"),
    notifications: await rowsOf(notifications, "workspace_id"),
    notificationPreferences: await rowsOf(notificationPreferences, "workspace_id"),
    channels: await rowsOf(channels, "workspace_id"),
    ruleChannels: await rowsOf(ruleChannels, "workspace_id"),
    deliveries: await rowsOf(deliveries, "workspace_id"),
    deliveryAttempts: await rowsOf(deliveryAttempts, "workspace_id"),
    auditEntries: await rowsOf(auditEntries, "workspace_id"),
    sourceMaintenanceWindows: await rowsOf(sourceMaintenanceWindows, "workspace_id"),
  };
}

/** Row counts of the tenant tables, to show that a failed call wrote nothing anywhere. */
export async function countRows(db: Db) {
  const [row] = await queryRows<{
    workspaces: number;
    communities: number;
    memberships: number;
    invitations: number;
    sources: number;
    tokens: number;
    mails: number;
    rules: number;
    ruleTriggers: number;
    ruleCommunities: number;
    ruleRecipients: number;
    notifications: number;
    preferences: number;
    channels: number;
    ruleChannels: number;
    deliveries: number;
  }>(
    db,
    sql`select
      (select count(*)::int from ${workspaces}) as workspaces,
      (select count(*)::int from ${communities}) as communities,
      (select count(*)::int from ${memberships}) as memberships,
      (select count(*)::int from ${invitations}) as invitations,
      (select count(*)::int from ${intakeSources}) as sources,
      (select count(*)::int from ${intakeSourceTokens}) as tokens,
      (select count(*)::int from ${mailOutbox}) as mails,
      (select count(*)::int from ${rules}) as rules,
      (select count(*)::int from ${ruleTriggers}) as "ruleTriggers",
      (select count(*)::int from ${ruleCommunities}) as "ruleCommunities",
      (select count(*)::int from ${ruleRecipients}) as "ruleRecipients",
      (select count(*)::int from ${notifications}) as notifications,
      (select count(*)::int from ${notificationPreferences}) as preferences,
      (select count(*)::int from ${channels}) as channels,
      (select count(*)::int from ${ruleChannels}) as "ruleChannels",
      (select count(*)::int from ${deliveries}) as deliveries`,
  );
  return row!;
}

/** The error shape a client receives, after the errorFormatter ran. */
export type HttpErrorShape = {
  message: string;
  code: number;
  data: { code: TRPC_ERROR_CODE_KEY; httpStatus: number; path?: string; fieldErrors: Record<string, string[] | undefined> | null };
};

/**
 * Calls a procedure the way the browser does, through the fetch adapter used by
 * app/api/trpc/[trpc]/route.ts, with a test context instead of a session.
 */
export async function callHttp(options: {
  db: Db;
  user: SessionUser | null;
  path: string;
  input: unknown;
  type: "query" | "mutation";
  router?: AnyTRPCRouter;
}): Promise<{ status: number; error: HttpErrorShape | null; data: unknown }> {
  const { db, user, path, input, type, router = appRouter } = options;
  const serialized = JSON.stringify(superjson.serialize(input));
  const url = new URL(`/api/trpc/${path}`, TEST_ORIGIN);
  if (type === "query") url.searchParams.set("input", serialized);
  const req = new Request(url, type === "query" ? {} : { method: "POST", body: serialized, headers: { "content-type": "application/json" } });
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router,
    createContext: () => ({ db, user, origin: TEST_ORIGIN }),
  });
  const body = (await response.json()) as { error?: Parameters<typeof superjson.deserialize>[0]; result?: { data: Parameters<typeof superjson.deserialize>[0] } };
  return {
    status: response.status,
    error: body.error ? superjson.deserialize<HttpErrorShape>(body.error) : null,
    data: body.result ? superjson.deserialize(body.result.data) : null,
  };
}
