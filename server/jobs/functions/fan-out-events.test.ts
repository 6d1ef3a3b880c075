import { InngestTestEngine } from "@inngest/test";
import { and, eq, inArray, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createUser, seedTwoWorkspaces, type SeededWorkspace } from "@/server/api/test-helpers";
import type { DbHandle } from "@/server/db/client";
import { deliveries, events, memberships, notifications, rules } from "@/server/db/schema";
import { insertEvents } from "@/server/events/test-events";
import { startInboxRealtime, stopInboxRealtime } from "@/server/inbox/realtime";
import { InlineRunner } from "../inline-runner";
import { createJobsTestDatabase, ManualClock } from "../test-helpers";
import { fanOutIngestedEvents } from "./fan-out-events";

type FanOutOutput = { events: number; candidates: number; matches: number; inserted: number; users: number; deliveries: number };

describe("fan-out-events", () => {
  let handle: DbHandle;
  let ws: SeededWorkspace;
  let other: SeededWorkspace;
  let alpha: SeededWorkspace["sources"][number];
  let beta: SeededWorkspace["sources"][number];
  const ruleIds: Record<string, string> = {};

  beforeAll(async () => {
    handle = await createJobsTestDatabase();
    const seeded = await seedTwoWorkspaces(handle.db, "fan");
    ws = seeded.a;
    other = seeded.b;
    [alpha, beta] = ws.sources as [typeof alpha, typeof beta];
    const slug = ws.slug;

    // The analyst: failed logins of at least high severity, in Alpha only.
    ruleIds.analystLogins = (
      await ws.callers.analyst.rule.create({
        workspaceSlug: slug,
        communityId: alpha.communityId,
        name: "Failed logins",
        triggers: ["authentik.login_*"],
        conditions: { minSeverity: "high" },
      })
    ).rule.id;
    // The viewer: every alert anywhere in the workspace, system events included.
    ruleIds.viewerAlerts = (
      await ws.callers.viewer.rule.create({ workspaceSlug: slug, communityId: alpha.communityId, name: "Alerts", triggers: ["alert.*", "intake.silent"], scope: "workspace" })
    ).rule.id;
    // The owner: a disabled rule that would match everything.
    ruleIds.ownerDisabled = (
      await ws.callers.owner.rule.create({ workspaceSlug: slug, communityId: alpha.communityId, name: "Everything", triggers: ["*"], scope: "workspace", enabled: false })
    ).rule.id;
    // The admin's shared rule: authentik events of Beta, to the analysts, the viewer by name, and the event's own user.
    ruleIds.shared = (
      await ws.callers.admin.rule.create({
        workspaceSlug: slug,
        kind: "shared",
        communityId: alpha.communityId,
        name: "Beta identity",
        triggers: ["authentik.*"],
        scope: "communities",
        communityIds: [beta.communityId],
        recipientRoles: ["analyst"],
        recipientUserIds: [ws.users.viewer.id],
        notifyEventUser: true,
      })
    ).rule.id;
    // Another workspace's rule for the same types never fires for this workspace's events.
    ruleIds.foreign = (
      await other.callers.owner.rule.create({ workspaceSlug: other.slug, communityId: other.communities[0]!.id, name: "Theirs", triggers: ["*"], scope: "workspace" })
    ).rule.id;
  });
  afterAll(() => handle.close());

  async function fanOut(workspaceId: string, eventIds: string[]) {
    // A fresh engine per run: an engine caches step results across its executions.
    const engine = new InngestTestEngine({ function: fanOutIngestedEvents, events: [{ name: "tocsin/events.ingested", data: { workspaceId, eventIds } }] });
    const { result, error, ctx } = await engine.execute();
    expect(error).toBeUndefined();
    const run = ctx.step.run as unknown as { mock: { calls: [string, ...unknown[]][] } };
    return { result: result as FanOutOutput, stepIds: run.mock.calls.map(([id]) => id) };
  }

  async function inbox(eventIds: string[]) {
    const rows = await handle.db.select().from(notifications).where(inArray(notifications.eventId, eventIds));
    const roleOf = (userId: string) => (Object.keys(ws.users) as (keyof typeof ws.users)[]).find((role) => ws.users[role].id === userId) ?? userId;
    const ruleOf = (ruleId: string | null) => Object.keys(ruleIds).find((key) => ruleIds[key] === ruleId) ?? ruleId;
    return rows.map((row) => `${roleOf(row.userId)}:${ruleOf(row.ruleId)}:${eventIds.indexOf(row.eventId)}`).sort();
  }

  it("writes one inbox entry per recipient, event and matching rule, once, however often it runs", async () => {
    const ids = [
      ...(await insertEvents(handle.db, ws.workspace.id, alpha, [
        { type: "authentik.login_failed", severity: "critical", title: "0: alpha login critical" },
        { type: "authentik.login_failed", severity: "low", title: "1: alpha login low" },
        { type: "alert.created", severity: "medium", title: "2: alpha alert" },
      ])),
      ...(await insertEvents(handle.db, ws.workspace.id, beta, [
        { type: "authentik.login_failed", severity: "critical", title: "3: beta login", actor: " Owner@Fan-A.test " },
        { type: "authentik.model_updated", severity: "info", title: "4: beta model", actor: "nobody@elsewhere.test" },
      ])),
      ...(await insertEvents(handle.db, ws.workspace.id, null, [{ type: "intake.silent", severity: "medium", title: "5: silent" }])),
    ];
    const foreign = await insertEvents(handle.db, other.workspace.id, other.sources[0]!, [{ type: "alert.created", title: "theirs" }]);

    const first = await fanOut(ws.workspace.id, [...ids, ...foreign]);
    const expected = [
      "analyst:analystLogins:0", // critical ≥ high, in Alpha
      "viewer:viewerAlerts:2", // alert.* anywhere
      "analyst:shared:3", // Beta, by role
      "viewer:shared:3", // Beta, by name
      "owner:shared:3", // Beta, the event's own user (email, case and spaces aside)
      "analyst:shared:4",
      "viewer:shared:4",
      "viewer:viewerAlerts:5", // a workspace-level system event, for a workspace-scoped rule
    ].sort();
    expect(await inbox(ids)).toEqual(expected);
    // The other workspace's event was ignored: its workspace id does not match.
    expect(await inbox(foreign)).toEqual([]);
    // Candidates: the three enabled rules with a fitting trigger prefix (not the disabled one, not B's).
    expect(first.result).toEqual({ events: 6, candidates: 3, matches: 5, inserted: 8, users: 3, deliveries: 0 });
    expect(first.stepIds).toEqual(["write-notifications"]);

    const rows = await handle.db.select().from(notifications).where(inArray(notifications.eventId, ids));
    expect(rows.every((row) => row.workspaceId === ws.workspace.id && row.readAt === null && row.archivedAt === null)).toBe(true);
    const beta3 = rows.find((row) => row.eventId === ids[3]);
    expect(beta3).toMatchObject({ communityId: beta.communityId, severity: "critical" });

    // Again: nothing new (and so nobody signalled).
    const second = await fanOut(ws.workspace.id, ids);
    expect(second.result).toEqual({ events: 6, candidates: 3, matches: 5, inserted: 0, users: 0, deliveries: 0 });
    expect(second.stepIds).toEqual(["write-notifications"]);
    expect(await inbox(ids)).toEqual(expected);

    // Every event is marked fanned out, matched or not, so the sweeper leaves them alone.
    const unmarked = await handle.db.select({ id: events.id }).from(events).where(and(inArray(events.id, ids), isNull(events.fannedOutAt)));
    expect(unmarked).toHaveLength(0);
  });

  it("reads only candidate rules whose trigger prefix fits the event types", async () => {
    const ids = await insertEvents(handle.db, ws.workspace.id, alpha, [{ type: "secobserve.security_gate_failed", title: "no rule listens" }]);
    const { result } = await fanOut(ws.workspace.id, ids);
    // Only the owner's disabled "*" rule has a fitting prefix, and it is disabled: no candidates at all.
    expect(result).toEqual({ events: 1, candidates: 0, matches: 0, inserted: 0, users: 0, deliveries: 0 });
  });

  it("skips members who turned in-app off, members who left, and deleted or disabled rules", async () => {
    const outsider = await createUser(handle.db, "left@fan-a.test");
    await handle.db.insert(memberships).values({ workspaceId: ws.workspace.id, userId: outsider.id, role: "analyst" });
    await callerFor(handle.db, outsider).rule.create({ workspaceSlug: ws.slug, communityId: beta.communityId, name: "Mine", triggers: ["authentik.*"] });
    await handle.db.delete(memberships).where(and(eq(memberships.workspaceId, ws.workspace.id), eq(memberships.userId, outsider.id)));

    await ws.callers.viewer.preference.update({ workspaceSlug: ws.slug, inApp: false });
    try {
      const ids = await insertEvents(handle.db, ws.workspace.id, beta, [{ type: "authentik.login_failed", severity: "critical", title: "quiet" }]);
      await fanOut(ws.workspace.id, ids);
      expect(await inbox(ids)).toEqual(["analyst:shared:0"]);
    } finally {
      await ws.callers.viewer.preference.update({ workspaceSlug: ws.slug, inApp: true });
    }

    await ws.callers.admin.rule.setEnabled({ workspaceSlug: ws.slug, ruleId: ruleIds.shared!, enabled: false });
    const ids = await insertEvents(handle.db, ws.workspace.id, beta, [{ type: "authentik.login_failed", severity: "critical", title: "disabled" }]);
    expect((await fanOut(ws.workspace.id, ids)).result.inserted).toBe(0);
    expect(await inbox(ids)).toEqual([]);
    await ws.callers.admin.rule.setEnabled({ workspaceSlug: ws.slug, ruleId: ruleIds.shared!, enabled: true });
    expect((await fanOut(ws.workspace.id, ids)).result.inserted).toBe(2);

    // A deleted rule's entries stay in the inbox, without their rule.
    const copy = await ws.callers.viewer.rule.duplicate({ workspaceSlug: ws.slug, ruleId: ruleIds.viewerAlerts! });
    await ws.callers.viewer.rule.setEnabled({ workspaceSlug: ws.slug, ruleId: copy.id, enabled: true });
    const alertIds = await insertEvents(handle.db, ws.workspace.id, alpha, [{ type: "alert.created", title: "copied" }]);
    expect((await fanOut(ws.workspace.id, alertIds)).result.inserted).toBe(2);
    await ws.callers.viewer.rule.delete({ workspaceSlug: ws.slug, ruleId: copy.id });
    const kept = await handle.db.select({ ruleId: notifications.ruleId }).from(notifications).where(eq(notifications.eventId, alertIds[0]!));
    expect(kept.map((row) => row.ruleId).sort()).toEqual([null, ruleIds.viewerAlerts].sort());
    expect(await handle.db.select().from(rules).where(eq(rules.id, copy.id))).toEqual([]);
  });

  it("checks field matchers and CEL: the issue's failed logins from outside 10.0.0.0/8", async () => {
    const { rule } = await ws.callers.owner.rule.create({
      workspaceSlug: ws.slug,
      communityId: alpha.communityId,
      name: "Outside logins",
      triggers: ["authentik.login_failed", "datatheorem.policy_violation.*"],
      scope: "workspace",
      conditions: {
        fields: [{ field: "clientIp", operator: "cidr", blocks: ["10.0.0.0/8"], negate: true }],
        cel: 'event.type.startsWith("authentik.") || event.severityRank >= 4',
      },
    });
    try {
      const ids = await insertEvents(handle.db, ws.workspace.id, alpha, [
        { type: "authentik.login_failed", severity: "low", title: "0: outside", clientIp: "203.0.113.9" },
        { type: "authentik.login_failed", severity: "low", title: "1: inside", clientIp: "10.20.30.40" },
        { type: "datatheorem.policy_violation.opened", severity: "critical", title: "2: critical violation" },
        { type: "datatheorem.policy_violation.opened", severity: "high", title: "3: high violation" },
      ]);
      await fanOut(ws.workspace.id, ids);
      const owners = (await inbox(ids)).filter((entry) => entry.startsWith("owner:"));
      expect(owners).toEqual([`owner:${rule.id}:0`, `owner:${rule.id}:2`]);
    } finally {
      await ws.callers.owner.rule.delete({ workspaceSlug: ws.slug, ruleId: rule.id });
    }
  });

  it("tells the inbox of each user who got something new", async () => {
    const realtime = startInboxRealtime(handle);
    await realtime.ready;
    const heard: string[] = [];
    const stops = (["owner", "admin", "analyst", "viewer"] as const).map((role) =>
      realtime.subscribe({ workspaceId: ws.workspace.id, userId: ws.users[role].id }, () => heard.push(role)),
    );
    try {
      const ids = await insertEvents(handle.db, ws.workspace.id, alpha, [{ type: "authentik.login_failed", severity: "high", title: "heard" }]);
      await fanOut(ws.workspace.id, ids);
      await expect.poll(() => heard).toEqual(["analyst"]);
    } finally {
      for (const stop of stops) stop();
      await stopInboxRealtime(handle);
    }
  });

  it("writes one delivery per event, rule and usable channel, requests each once, and never twice", async () => {
    const url = "https://93.184.216.34/hooks/fan-out";
    const mine = await ws.callers.analyst.channel.create({ workspaceSlug: ws.slug, kind: "webhook", name: "Analyst hook", url });
    const team = await ws.callers.admin.channel.create({ workspaceSlug: ws.slug, kind: "slack", name: "Team Slack", url, shared: true });
    const { rule } = await ws.callers.analyst.rule.create({
      workspaceSlug: ws.slug,
      communityId: alpha.communityId,
      name: "To my channels",
      triggers: ["vuln.*"],
      notifyInApp: false,
      channelIds: [mine.channel.id, team.channel.id],
    });
    try {
      const ids = await insertEvents(handle.db, ws.workspace.id, alpha, [
        { type: "vuln.found", severity: "high", title: "0: vuln" },
        { type: "vuln.fixed", severity: "low", title: "1: fixed" },
      ]);
      // The send itself is Inngest's (or the inline runner's): here it is mocked, and what it was given is checked.
      const steps = () => [{ id: "request-deliveries", handler: () => ({ ids: [] }) }];
      const engine = new InngestTestEngine({ function: fanOutIngestedEvents, events: [{ name: "tocsin/events.ingested", data: { workspaceId: ws.workspace.id, eventIds: ids } }], steps: steps() });
      const { result, ctx } = await engine.execute();
      expect(result).toMatchObject({ matches: 2, inserted: 0, deliveries: 4 });
      const sent = (ctx.step.sendEvent as unknown as { mock: { calls: [string, { name: string; data: { deliveryId: string; channelId: string } }[]][] } }).mock.calls;
      expect(sent.map(([id]) => id)).toEqual(["request-deliveries"]);
      const requested = sent[0]![1];
      expect(requested).toHaveLength(4);
      expect(new Set(requested.map((e) => e.name))).toEqual(new Set(["tocsin/delivery.requested"]));
      const stored = await handle.db.select().from(deliveries).where(inArray(deliveries.eventId, ids));
      expect(stored.map((d) => d.id).sort()).toEqual(requested.map((e) => e.data.deliveryId).sort());
      expect(new Set(stored.map((d) => `${d.eventId}:${d.channelId}:${d.ruleId}`)).size).toBe(4);

      // Again: nothing new to write or request.
      const again = await new InngestTestEngine({ function: fanOutIngestedEvents, events: [{ name: "tocsin/events.ingested", data: { workspaceId: ws.workspace.id, eventIds: ids } }], steps: steps() }).execute();
      expect(again.result).toMatchObject({ deliveries: 0 });
      expect((again.ctx.step.sendEvent as unknown as { mock: { calls: unknown[] } }).mock.calls).toEqual([]);
    } finally {
      await ws.callers.analyst.rule.delete({ workspaceSlug: ws.slug, ruleId: rule.id });
    }
  });

  it("runs in the inline runner on tocsin/events.ingested", async () => {
    const runner = new InlineRunner({ functions: [fanOutIngestedEvents], clock: new ManualClock() });
    try {
      const ids = await insertEvents(handle.db, ws.workspace.id, alpha, [{ type: "alert.created", severity: "high", title: "inline" }]);
      runner.send([
        { name: "tocsin/events.ingested", data: { workspaceId: ws.workspace.id, eventIds: ids } },
        // Sent twice (a sweeper resend, an at-least-once redelivery): still one entry.
        { name: "tocsin/events.ingested", data: { workspaceId: ws.workspace.id, eventIds: ids } },
      ]);
      await runner.quiet();
      expect(await inbox(ids)).toEqual(["viewer:viewerAlerts:0"]);
    } finally {
      await runner.stop();
    }
  });
});
