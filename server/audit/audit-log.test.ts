import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { createUser, expectTrpcError, latestInvitationToken, queryRows, seedWorkspace, TEST_ORIGIN, type SeededWorkspace } from "@/server/api/test-helpers";
import { auditChannelSwitchedOff } from "@/server/channels/channels";
import { maskUrl } from "@/server/channels/mask-target";
import { createCommunity } from "@/server/communities/communities";
import type { DbHandle } from "@/server/db/client";
import { auditEntries, channels, communities, events, type AuditObjectType, type AuditVerb, type Role } from "@/server/db/schema";
import { fanOutIngestedEvents } from "@/server/jobs/functions/fan-out-events";
import { getInlineRunner, startInlineRunner, stopInlineRunner } from "@/server/jobs/inline-runner";
import { createJobsTestDatabase } from "@/server/jobs/test-helpers";
import { MASKED_VALUE } from "./mask-secrets";
import { runAuditedTransaction } from "./record-audit-entry";

// The audit trail through the real routers: what each change records (actor, IP, diff), what it
// never records (secrets), who reads it, and its events going through rules like any other.
describe("audit log", () => {
  let handle: DbHandle;
  let ws: SeededWorkspace;
  const ips: Record<Role, string> = { owner: "198.51.100.1", admin: "198.51.100.2", analyst: "2001:db8::3", viewer: "198.51.100.4" };
  const withIp = (role: Role) => createCaller({ db: handle.db, user: ws.users[role], origin: TEST_ORIGIN, ip: ips[role] });

  beforeAll(async () => {
    handle = await createJobsTestDatabase();
    startInlineRunner({ functions: [fanOutIngestedEvents] });
    ws = await seedWorkspace(handle.db, { slug: "audit" });
  });
  afterAll(async () => {
    await stopInlineRunner();
    await handle.close();
  });

  const entriesOf = (objectId: string) =>
    handle.db.select().from(auditEntries).where(and(eq(auditEntries.workspaceId, ws.workspace.id), eq(auditEntries.objectId, objectId))).orderBy(auditEntries.createdAt, auditEntries.id);
  const eventOf = async (eventId: string | null) => {
    const [event] = await handle.db.select().from(events).where(eq(events.id, eventId!));
    return event!;
  };

  /** Every entry of the object, as [verb, event type], checking actor, IP and event on the way. */
  async function trailOf(objectType: AuditObjectType, objectId: string, role: Role) {
    const entries = await entriesOf(objectId);
    const trail: [AuditVerb, string][] = [];
    for (const entry of entries) {
      expect(entry).toMatchObject({ objectType, actorUserId: ws.users[role].id, actorEmail: ws.users[role].email, actorIp: ips[role], privateToUserId: null });
      const event = await eventOf(entry.eventId);
      expect(event).toMatchObject({ workspaceId: ws.workspace.id, origin: "audit", actor: ws.users[role].email, clientIp: ips[role], communityId: null, sourceId: null });
      expect(event.data).toMatchObject({ entity: objectType, objectId, verb: entry.verb, actor: { userId: ws.users[role].id, email: ws.users[role].email }, ip: ips[role], auditEntryId: entry.id, changes: entry.changes });
      trail.push([entry.verb, event.type]);
    }
    return trail;
  }

  it("records every create, update and delete of each kind of object, with actor, IP, diff and event", async () => {
    const admin = withIp("admin");
    const workspaceSlug = ws.slug;

    const community = await admin.community.create({ workspaceSlug, name: "Gamma" });
    await admin.community.rename({ workspaceSlug, communityId: community.id, name: "Gamma Corp" });
    await admin.community.delete({ workspaceSlug, communityId: community.id, confirmName: "Gamma Corp" });
    expect(await trailOf("community", community.id, "admin")).toEqual([
      ["created", "audit.community.created"],
      ["updated", "audit.community.updated"],
      ["deleted", "audit.community.deleted"],
    ]);
    expect((await entriesOf(community.id))[1]!.changes).toEqual([{ path: "name", before: "Gamma", after: "Gamma Corp" }]);

    const { source, token } = await admin.source.create({ workspaceSlug, communityId: ws.communities[0]!.id, name: "Scanner", format: "generic" });
    await admin.source.update({ workspaceSlug, sourceId: source.id, name: "Scanner", enabled: false, silenceAfterSeconds: 3600, rateLimitPerSecond: 100 });
    const rotated = await admin.source.rotateToken({ workspaceSlug, sourceId: source.id, graceMinutes: 60 });
    await admin.source.revokeTokens({ workspaceSlug, sourceId: source.id });
    await admin.source.delete({ workspaceSlug, sourceId: source.id, confirmName: "Scanner" });
    expect(await trailOf("source", source.id, "admin")).toEqual([
      ["created", "audit.source.created"],
      ["updated", "audit.source.updated"],
      ["updated", "audit.source.rotated"],
      ["updated", "audit.source.revoked"],
      ["deleted", "audit.source.deleted"],
    ]);
    const sourceTrail = await entriesOf(source.id);
    expect(sourceTrail[1]!.changes).toEqual([
      { path: "enabled", before: true, after: false },
      { path: "silenceAfterSeconds", before: null, after: 3600 },
    ]);
    // Token prefixes (shown in the UI anyway) tell the rotation; the tokens themselves are nowhere.
    expect(sourceTrail[2]!.changes.map((c) => c.path)).toEqual(["ingestKeys"]);
    const sourceText = JSON.stringify(await queryRows(handle.db, sql`select a::text, e::text from audit_entries a left join events e on e.id = a.event_id where a.object_id = ${source.id}`));
    for (const secret of [token, rotated.token]) expect(sourceText).not.toContain(secret.slice(10));

    const ruleBody = { workspaceSlug, communityId: ws.communities[0]!.id, kind: "shared" as const, name: "Team alerts", triggers: ["alert.*"], recipientRoles: ["analyst" as const], scope: "workspace" as const };
    const { rule } = await admin.rule.create(ruleBody);
    await admin.rule.update({ ...ruleBody, ruleId: rule.id, triggers: ["alert.*", "case.*"], conditions: { minSeverity: "high" } });
    await admin.rule.setEnabled({ workspaceSlug, ruleId: rule.id, enabled: false });
    const copy = await admin.rule.duplicate({ workspaceSlug, ruleId: rule.id });
    await admin.rule.delete({ workspaceSlug, ruleId: rule.id });
    expect(await trailOf("rule", rule.id, "admin")).toEqual([
      ["created", "audit.rule.created"],
      ["updated", "audit.rule.updated"],
      ["updated", "audit.rule.updated"],
      ["deleted", "audit.rule.deleted"],
    ]);
    expect(await trailOf("rule", copy.id, "admin")).toEqual([["created", "audit.rule.created"]]);
    const ruleTrail = await entriesOf(rule.id);
    expect(ruleTrail[1]!.changes).toEqual([
      { path: "conditions.minSeverity", before: null, after: "high" },
      { path: "triggers", before: ["alert.*"], after: ["alert.*", "case.*"] },
    ]);
    expect(ruleTrail[2]!.changes).toEqual([{ path: "enabled", before: true, after: false }]);

    const { channel } = await admin.channel.create({ workspaceSlug, kind: "slack", name: "#secops", url: "https://93.184.216.34/services/T000/B000/slack-secret-one", shared: true });
    await admin.channel.update({ workspaceSlug, channelId: channel.id, name: "#soc", maxRetries: 2 });
    await admin.channel.setEnabled({ workspaceSlug, channelId: channel.id, enabled: false });
    await admin.channel.setEnabled({ workspaceSlug, channelId: channel.id, enabled: true });
    await admin.channel.delete({ workspaceSlug, channelId: channel.id });
    expect(await trailOf("channel", channel.id, "admin")).toEqual([
      ["created", "audit.channel.created"],
      ["updated", "audit.channel.updated"],
      ["updated", "audit.channel.updated"],
      ["updated", "audit.channel.updated"],
      ["deleted", "audit.channel.deleted"],
    ]);
    expect((await entriesOf(channel.id))[2]!.changes).toEqual([{ path: "enabled", before: true, after: false }]);

    const invitation = await admin.member.invite({ workspaceSlug, email: "dora@audit.test", role: "viewer" });
    await admin.member.revokeInvitation({ workspaceSlug, invitationId: invitation.id });
    expect(await trailOf("invitation", invitation.id, "admin")).toEqual([
      ["created", "audit.member.invited"],
      ["deleted", "audit.member.invitation_revoked"],
    ]);

    const erin = await createUser(handle.db, "erin@audit.test");
    const erinInvitation = await admin.member.invite({ workspaceSlug, email: erin.email, role: "viewer" });
    await createCaller({ db: handle.db, user: erin, origin: TEST_ORIGIN, ip: "203.0.113.50" }).invitation.acceptByToken({ token: await latestInvitationToken(handle.db, erin.email) });
    const membership = (await admin.member.list({ workspaceSlug })).find((m) => m.userId === erin.id)!;
    const [joined] = await entriesOf(membership.id);
    expect(joined).toMatchObject({ objectType: "member", verb: "created", actorUserId: erin.id, actorEmail: erin.email, actorIp: "203.0.113.50", objectLabel: erin.email });
    expect((await eventOf(joined!.eventId)).type).toBe("audit.member.joined");
    expect((await eventOf(joined!.eventId)).data).toMatchObject({ invitationId: erinInvitation.id, after: { email: erin.email, role: "viewer" } });
    await admin.member.changeRole({ workspaceSlug, membershipId: membership.id, role: "analyst" });
    await admin.member.remove({ workspaceSlug, membershipId: membership.id });
    const memberTrail = (await entriesOf(membership.id)).slice(1);
    expect(memberTrail.map((e) => [e.verb, e.actorEmail, e.actorIp])).toEqual([
      ["updated", ws.users.admin.email, ips.admin],
      ["deleted", ws.users.admin.email, ips.admin],
    ]);
    expect(memberTrail[0]!.changes).toEqual([{ path: "role", before: "viewer", after: "analyst" }]);
    expect((await eventOf(memberTrail[0]!.eventId)).type).toBe("audit.member.role_changed");
    expect((await eventOf(memberTrail[1]!.eventId)).type).toBe("audit.member.removed");

    const owner = withIp("owner");
    await owner.workspace.updateSettings({ workspaceSlug, name: ws.workspace.name, timezone: "Europe/Paris", retentionDays: 90, webhookChannelCap: 10, mode: "multi" });
    expect(await trailOf("workspace", ws.workspace.id, "owner")).toEqual([["updated", "audit.workspace.updated"]]);
    expect((await entriesOf(ws.workspace.id))[0]!.changes).toEqual([
      { path: "retentionDays", before: 365, after: 90 },
      { path: "timezone", before: "UTC", after: "Europe/Paris" },
    ]);
    // Saving the same settings again changes nothing, and records nothing.
    await owner.workspace.updateSettings({ workspaceSlug, name: ws.workspace.name, timezone: "Europe/Paris", retentionDays: 90, webhookChannelCap: 10, mode: "multi" });
    expect(await entriesOf(ws.workspace.id)).toHaveLength(1);
  });

  it("never keeps a channel's URL, Authorization credentials or signing secret, old or new, in the trail or its events", async () => {
    const admin = withIp("admin");
    const workspaceSlug = ws.slug;
    const secrets = {
      firstUrl: "https://93.184.216.34/hooks/first-url-path-8c1f2e",
      secondUrl: "https://93.184.216.34/hooks/second-url-path-4d9a7b",
      firstToken: "bearer-token-one-5f1e9c0a",
      secondToken: "bearer-token-two-7b2d4e61",
      password: "basic-password-3a8f0c",
    };
    const created = await admin.channel.create({ workspaceSlug, kind: "webhook", name: "SOAR", url: secrets.firstUrl, auth: "bearer", bearerToken: secrets.firstToken, shared: true });
    const channelId = created.channel.id;
    await admin.channel.update({ workspaceSlug, channelId, url: secrets.secondUrl, bearerToken: secrets.secondToken });
    await admin.channel.update({ workspaceSlug, channelId, auth: "basic", basicUsername: "svc-tocsin", basicPassword: secrets.password });
    const rotated = await admin.channel.rotateSigningSecret({ workspaceSlug, channelId });

    const entries = await entriesOf(channelId);
    expect(entries.map((e) => e.verb)).toEqual(["created", "updated", "updated", "updated"]);
    expect(entries[1]!.changes).toEqual([
      { path: "secrets.bearerToken", before: MASKED_VALUE, after: MASKED_VALUE },
      { path: "secrets.url", before: MASKED_VALUE, after: MASKED_VALUE },
      // The masked target, as the channel list shows it, tells the two URLs apart.
      { path: "target", before: maskUrl(secrets.firstUrl), after: maskUrl(secrets.secondUrl) },
    ]);
    expect(entries[2]!.changes).toEqual([
      { path: "secrets.basicPassword", before: null, after: MASKED_VALUE },
      { path: "secrets.bearerToken", before: MASKED_VALUE, after: null },
      { path: "settings.auth", before: "bearer", after: "basic" },
      { path: "settings.basicUsername", before: null, after: "svc-tocsin" },
    ]);
    expect(entries[3]!.changes).toEqual([{ path: "secrets.signingSecret", before: MASKED_VALUE, after: MASKED_VALUE }]);
    expect(entries[3]!.after).toMatchObject({ secrets: { url: MASKED_VALUE, bearerToken: null, basicPassword: MASKED_VALUE, signingSecret: MASKED_VALUE } });

    // Every column of every entry and event about the channel, as PostgreSQL renders it.
    const rows = await queryRows<{ entry: string; event: string | null }>(
      handle.db,
      sql`select a::text as entry, e::text as event from audit_entries a left join events e on e.id = a.event_id where a.object_id = ${channelId}`,
    );
    expect(rows).toHaveLength(4);
    const text = JSON.stringify(rows);
    const urlPaths = [secrets.firstUrl, secrets.secondUrl].map((url) => new URL(url).pathname);
    for (const secret of [secrets.firstToken, secrets.secondToken, secrets.password, rotated.signingSecret, rotated.previousSigningSecret!, created.signingSecret!, ...urlPaths]) {
      expect(text).not.toContain(secret);
    }
    for (const row of rows) expect(row.event).not.toBeNull();
  });

  it("records a change and its entry together: an entry that cannot be written undoes the change, a change that fails leaves no entry", async () => {
    const countAll = async () => {
      const [row] = await queryRows<{ entries: number; events: number }>(
        handle.db,
        sql`select (select count(*)::int from audit_entries) as entries, (select count(*)::int from events where origin = 'audit') as events`,
      );
      return row!;
    };
    const before = await countAll();

    // The audit insert fails (its actor does not exist): the community it records is not created either.
    const ghost = { userId: "0197a1c2-0000-7000-8000-000000000000", email: "ghost@audit.test", ip: "192.0.2.1" };
    await expect(createCommunity(handle.db, ws.workspace, "Never", ghost)).rejects.toThrow();
    expect(await handle.db.select().from(communities).where(and(eq(communities.workspaceId, ws.workspace.id), eq(communities.name, "Never")))).toEqual([]);

    // The change fails after its entry was written: neither stays.
    await expect(
      runAuditedTransaction(handle.db, async (tx, audit) => {
        await tx.insert(communities).values({ workspaceId: ws.workspace.id, name: "Half" });
        await audit({ workspaceId: ws.workspace.id, actor: { userId: ws.users.admin.id }, objectType: "community", objectId: "half", objectLabel: "Half", verb: "created", before: null, after: { name: "Half" } });
        throw new Error("the rest of the change failed");
      }),
    ).rejects.toThrow("the rest of the change failed");

    // Refused through the API: nothing recorded.
    const admin = withIp("admin");
    await expectTrpcError(admin.source.delete({ workspaceSlug: ws.slug, sourceId: ws.sources[0]!.id, confirmName: "wrong" }), "BAD_REQUEST");
    await expectTrpcError(admin.community.create({ workspaceSlug: ws.slug, name: ws.communities[0]!.name }), "CONFLICT");
    expect(await countAll()).toEqual(before);
  });

  it("keeps changes to a personal rule or channel for its owner alone, and raises no event for them", async () => {
    const analyst = withIp("analyst");
    const workspaceSlug = ws.slug;
    const { rule } = await analyst.rule.create({ workspaceSlug, communityId: ws.communities[0]!.id, name: "My logins", triggers: ["authentik.login_failed"] });
    await analyst.rule.update({ workspaceSlug, ruleId: rule.id, name: "My failed logins", triggers: ["authentik.login_failed"] });
    const { channel } = await analyst.channel.create({ workspaceSlug, kind: "discord", name: "My discord", url: "https://93.184.216.34/api/webhooks/1/personal-secret" });

    for (const objectId of [rule.id, channel.id]) {
      const entries = await entriesOf(objectId);
      expect(entries.length).toBeGreaterThan(0);
      for (const entry of entries) expect(entry).toMatchObject({ privateToUserId: ws.users.analyst.id, eventId: null, actorIp: ips.analyst });
      const raised = await queryRows(handle.db, sql`select id from events where origin = 'audit' and data->>'objectId' = ${objectId}`);
      expect(raised).toEqual([]);
    }

    for (const role of ["owner", "admin", "viewer"] as const) {
      const caller = ws.callers[role];
      expect((await caller.audit.list({ workspaceSlug, objectId: rule.id })).items).toEqual([]);
      expect((await caller.audit.list({ workspaceSlug, objectId: channel.id })).items).toEqual([]);
      expect((await caller.audit.list({ workspaceSlug, actor: ws.users.analyst.id, limit: 100 })).items.filter((e) => e.objectType === "rule" || e.objectType === "channel")).toEqual([]);
    }
    const own = await ws.callers.analyst.audit.list({ workspaceSlug, objectId: rule.id });
    expect(own.items.map((e) => [e.verb, e.objectLabel, e.private])).toEqual([
      ["updated", "My failed logins", true],
      ["created", "My logins", true],
    ]);
    expect(own.items[0]!.changes).toEqual([{ path: "name", before: "My logins", after: "My failed logins" }]);
    // Without the admin role, a member reads their own private entries and nothing else.
    const everything = await ws.callers.analyst.audit.list({ workspaceSlug, limit: 100 });
    expect(everything.items.every((e) => e.private)).toBe(true);
    expect((await ws.callers.viewer.audit.list({ workspaceSlug })).items).toEqual([]);
  });

  it("records a channel Tocsin switched off with no actor, readable under the Tocsin filter", async () => {
    const { channel } = await ws.callers.admin.channel.create({ workspaceSlug: ws.slug, kind: "slack", name: "Flaky", url: "https://93.184.216.34/services/flaky", shared: true });
    const [row] = await handle.db.select().from(channels).where(eq(channels.id, channel.id));
    const eventId = await handle.db.transaction((tx) => auditChannelSwitchedOff(tx, row!, "5 deliveries in a row failed"));
    const listed = await ws.callers.owner.audit.list({ workspaceSlug: ws.slug, actor: "tocsin" });
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]).toMatchObject({ objectId: channel.id, actorUserId: null, actorEmail: null, actorIp: null, verb: "updated", eventId });
    expect(listed.items[0]!.changes).toEqual([
      { path: "disabledReason", before: null, after: "5 deliveries in a row failed" },
      { path: "enabled", before: true, after: false },
    ]);
    expect(await eventOf(eventId)).toMatchObject({ type: "audit.channel.updated", actor: null, origin: "audit", data: { actor: null, ip: null } });
  });

  it("pages through the trail newest first, filtered by object type, actor and time", async () => {
    const workspaceSlug = ws.slug;
    const all = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof ws.callers.owner.audit.list>> = await ws.callers.owner.audit.list({ workspaceSlug, limit: 7, cursor });
      expect(page.items.length).toBeLessThanOrEqual(7);
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const [count] = await queryRows<{ n: number }>(handle.db, sql`select count(*)::int as n from audit_entries where workspace_id = ${ws.workspace.id} and private_to_user_id is null`);
    expect(all).toHaveLength(count!.n);
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    const times = all.map((e) => e.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const sources = await ws.callers.owner.audit.list({ workspaceSlug, objectTypes: ["source"], limit: 100 });
    expect(sources.items.length).toBeGreaterThan(0);
    expect(sources.items.every((e) => e.objectType === "source")).toBe(true);
    const byOwner = await ws.callers.owner.audit.list({ workspaceSlug, actor: ws.users.owner.id, limit: 100 });
    expect(byOwner.items.length).toBeGreaterThan(0);
    expect(byOwner.items.every((e) => e.actorUserId === ws.users.owner.id)).toBe(true);
    expect((await ws.callers.owner.audit.list({ workspaceSlug, to: new Date("2020-01-01T00:00:00Z") })).items).toEqual([]);
    expect((await ws.callers.owner.audit.list({ workspaceSlug, from: new Date(Date.now() - 3_600_000), limit: 100 })).items.length).toBeGreaterThan(0);
    await expectTrpcError(ws.callers.owner.audit.list({ workspaceSlug, cursor: "not-a-cursor" }), "BAD_REQUEST");
  });

  it("streams through rules: a shared rule on audit.* notifies its recipients of a change", async () => {
    const workspaceSlug = ws.slug;
    await ws.callers.admin.rule.create({ workspaceSlug, communityId: ws.communities[0]!.id, kind: "shared", name: "Audit trail", triggers: ["audit.*"], scope: "workspace", recipientRoles: ["owner"] });
    await getInlineRunner()!.quiet();
    await withIp("admin").community.rename({ workspaceSlug, communityId: ws.communities[1]!.id, name: "Beta Renamed" });
    await getInlineRunner()!.quiet();
    const inbox = await ws.callers.owner.inbox.list({ workspaceSlug });
    const renamed = inbox.items.find((n) => n.event.type === "audit.community.updated");
    expect(renamed).toBeDefined();
    expect(renamed!.event.title).toBe('Community "Beta Renamed" updated');
    expect(renamed!.ruleName).toBe("Audit trail");
    const event = await eventOf(renamed!.eventId);
    expect(event).toMatchObject({ severity: "info", clientIp: ips.admin, data: { changes: [{ path: "name", before: "Beta", after: "Beta Renamed" }], before: { name: "Beta" }, after: { name: "Beta Renamed" } } });
    // The analyst is no recipient of that rule.
    expect((await ws.callers.analyst.inbox.list({ workspaceSlug })).items.filter((n) => n.event.type.startsWith("audit."))).toEqual([]);
  });
});
