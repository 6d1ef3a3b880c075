import { TRPCError } from "@trpc/server";
import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createUser, queryRows } from "@/server/api/test-helpers";
import { createCallerFactory, createTrpcRouter, protectedProcedure, workspaceProcedure } from "@/server/api/trpc";
import { startTestReceiver, type TestReceiver } from "@/server/channels/test-receiver";
import type { DbHandle } from "@/server/db/client";
import { events, exceptionNotices, instanceSettings, mailOutbox, memberships, workspaces } from "@/server/db/schema";
import { createTestDatabase } from "@/server/db/test-database";
import { DomainError } from "@/server/errors";
import { updateInstanceSettings } from "@/server/instance/instance-settings";
import { describeException, maskSecrets } from "./describe-exception";
import { reportException } from "./report-exception";
import { withExceptionReport } from "./with-exception-report";

const T0 = new Date("2026-03-02T10:00:00.000Z");
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

/** The same bug thrown from one place: only the ids and numbers in its message differ. */
function sameBug(id: number): Error {
  return new TypeError(`Cannot read properties of undefined (reading 'id') for rule ${crypto.randomUUID()} at row ${id}`);
}

/** Five different bugs, each thrown from its own function. */
const differentBugs = [
  () => new TypeError("x is not a function"),
  () => new RangeError("Invalid time value"),
  () => new SyntaxError("Unexpected end of JSON input"),
  () => new Error("connect ECONNREFUSED"),
  () => new TypeError("Cannot convert undefined or null to object"),
];

describe("exception notices", () => {
  let handle: DbHandle;
  let teams: TestReceiver;
  let adminId: string;

  beforeAll(async () => {
    handle = await createTestDatabase();
    teams = await startTestReceiver({ host: "127.0.0.2" });
    adminId = (await createUser(handle.db, "ops@tocsin.test")).id;
  });
  afterAll(async () => {
    await teams.close();
    await handle.close();
  });

  beforeEach(async () => {
    vi.stubEnv("TOCSIN_ALLOWED_PRIVATE_CIDRS", "127.0.0.2/32");
    delete process.env.RESEND_API_KEY;
    vi.spyOn(console, "error").mockImplementation(() => {});
    await handle.db.delete(exceptionNotices);
    await handle.db.delete(mailOutbox);
    teams.requests.length = 0;
    teams.reply = () => ({ status: 202 });
    await updateInstanceSettings(handle.db, adminId, {
      emailFrom: null,
      exceptionEmails: ["ops@tocsin.test", "oncall@tocsin.test"],
      exceptionTeamsUrl: `${teams.url}/workflows/secret-path-abc123`,
      exceptionRateLimitSeconds: 3600,
    });
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  const notices = () => handle.db.select().from(mailOutbox).where(eq(mailOutbox.to, "ops@tocsin.test"));

  describe("fingerprints and secrets", () => {
    it("gives one fingerprint to one bug whatever ids, numbers and quoted values its message holds", () => {
      const errors = [sameBug(1), sameBug(2)];
      const [a, b] = errors.map(describeException);
      expect(a!.fingerprint).toBe(b!.fingerprint);
      const fingerprints = new Set(differentBugs.map((make) => describeException(make()).fingerprint));
      expect(fingerprints.size).toBe(5);
      expect(fingerprints.has(a!.fingerprint)).toBe(false);
    });

    it("keeps the class, the message and the traceback as one readable string, causes included", () => {
      const error = new Error("Failed query: insert into events", { cause: new RangeError("value out of range") });
      const described = describeException(error);
      expect(described.exceptionClass).toBe("Error");
      expect(described.traceback).toMatch(/^Error: Failed query: insert into events\n {4}at /);
      expect(described.traceback).toContain("Caused by RangeError: value out of range");
    });

    it("masks tokens, Authorization and Cookie values, passwords and webhook paths", () => {
      const text = maskSecrets(
        'POST failed: Authorization: Bearer abcdefghijklmnop123, cookie=authjs.session-token=s3cr3tvalue; token tcn_ABCDEFGHIJKLMNOPQRSTUVWX, https://user:pw@hooks.slack.com/services/T000/B000/XXXX?x=1 password="hunter22"',
      );
      expect(text).not.toMatch(/abcdefghijklmnop123|s3cr3tvalue|tcn_ABCDEFGH|T000|XXXX|hunter22|user:pw/);
      expect(text).toContain("https://hooks.slack.com/[masked]");
    });
  });

  it("sends one notice for a burst of 50 identical exceptions, and counts the other 49", async () => {
    for (let i = 0; i < 50; i++) await reportException(handle.db, sameBug(i), { origin: "trpc rule.create" }, { now: new Date(T0.getTime() + i * 1000) });
    expect(await notices()).toHaveLength(1);
    expect(teams.requests).toHaveLength(1);
    const [row] = await handle.db.select().from(exceptionNotices);
    expect(row).toMatchObject({ occurrences: 50, suppressedSinceNotice: 49, lastNotifiedAt: T0, firstSeenAt: T0, origin: "trpc rule.create" });
  });

  it("sends one notice per different exception: 5 different, 5 notices", async () => {
    for (let round = 0; round < 3; round++) {
      for (const make of differentBugs) await reportException(handle.db, make(), { origin: "job tocsin-fan-out-events" }, { now: minutes(round) });
    }
    expect(await notices()).toHaveLength(5);
    expect(teams.requests).toHaveLength(5);
    const rows = await handle.db.select().from(exceptionNotices);
    expect(rows.map((r) => r.occurrences)).toEqual([3, 3, 3, 3, 3]);
  });

  it("sends the next notice once the window has passed, saying how many were left unsent", async () => {
    await updateInstanceSettings(handle.db, adminId, { emailFrom: null, exceptionEmails: ["ops@tocsin.test"], exceptionRateLimitSeconds: 600 });
    await reportException(handle.db, sameBug(0), { origin: "trpc rule.create" }, { now: T0 });
    for (let i = 1; i <= 7; i++) await reportException(handle.db, sameBug(i), { origin: "trpc rule.create" }, { now: minutes(i) });
    expect(await notices()).toHaveLength(1);
    // 9:59 after the notice: still inside the 10-minute window.
    await reportException(handle.db, sameBug(8), { origin: "trpc rule.create" }, { now: new Date(T0.getTime() + 599_000) });
    expect(await notices()).toHaveLength(1);
    const report = await reportException(handle.db, sameBug(9), { origin: "trpc rule.create" }, { now: minutes(10) });
    expect(report).toMatchObject({ notified: true, occurrences: 10 });
    const sent = await handle.db.select().from(mailOutbox).where(eq(mailOutbox.to, "ops@tocsin.test")).orderBy(mailOutbox.createdAt);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.subject).toContain("+8 more since the last notice");
    expect(sent[1]!.text).toContain("Since the last notice: +8 more since the last notice");
    const card = JSON.stringify(JSON.parse(teams.requests[1]!.body));
    expect(card).toContain("+8 more since the last notice");
    const [row] = await handle.db.select().from(exceptionNotices);
    expect(row).toMatchObject({ occurrences: 10, suppressedSinceNotice: 0, lastNotifiedAt: minutes(10) });
  });

  it("decides exactly one notice when 50 reports of one exception race", async () => {
    const reports = await Promise.all(Array.from({ length: 50 }, (_, i) => reportException(handle.db, sameBug(i), { origin: "POST /api/ingest" }, { now: T0 })));
    expect(reports.filter((report) => report?.notified)).toHaveLength(1);
    expect(await notices()).toHaveLength(1);
    expect(teams.requests).toHaveLength(1);
    const [row] = await handle.db.select().from(exceptionNotices);
    expect(row).toMatchObject({ occurrences: 50, suppressedSinceNotice: 49 });
  });

  it("never puts a secret in the notice", async () => {
    const error = new Error("Request to https://hooks.slack.com/services/T1/B2/verysecretpath failed with Authorization: Bearer sk_live_0123456789abcdef");
    await reportException(handle.db, error, { origin: "job tocsin-deliver-notification" }, { now: T0 });
    const [mail] = await notices();
    const sent = [mail!.subject, mail!.text, mail!.html, teams.requests[0]!.body].join("\n");
    expect(sent).not.toMatch(/verysecretpath|sk_live_0123456789abcdef|T1\/B2/);
    expect(sent).toContain("https://hooks.slack.com/[masked]");
    // Nor is the webhook stored in clear, or shown unmasked.
    const [settings] = await handle.db.select().from(instanceSettings);
    expect(JSON.stringify(settings)).not.toContain("secret-path-abc123");
    expect(settings!.exceptionTeamsUrlMasked).toMatch(/^http:\/\/127\.0\.0\.2:\d+\/…/);
  });

  it("gives up waiting after its deadline when the Teams webhook hangs, and never throws", async () => {
    teams.reply = () => ({ hang: true });
    const started = Date.now();
    const report = await reportException(handle.db, new Error("slow receiver"), { origin: "trpc x" }, { now: T0, deadlineMs: 600 });
    expect(Date.now() - started).toBeLessThan(2_000);
    // The email went out; the hanging webhook was cut off by the deadline.
    expect(report === null || report.outcome?.teams?.ok === false).toBe(true);
    expect(await notices()).toHaveLength(1);
    // A database that is gone is only logged.
    const broken = { ...handle.db, execute: () => Promise.reject(new Error("connection terminated")) } as unknown as typeof handle.db;
    await expect(reportException(broken, new Error("db down"), { origin: "trpc x" })).resolves.toBeNull();
  });

  describe("hooks", () => {
    const failing = createTrpcRouter({
      boom: protectedProcedure.mutation(() => {
        throw new TypeError("Cannot read properties of undefined (reading 'channels')");
      }),
      boomInWorkspace: workspaceProcedure.mutation(() => {
        throw new RangeError("Invalid array length");
      }),
      notFound: protectedProcedure.query(() => {
        throw new TRPCError({ code: "NOT_FOUND", message: "No such rule" });
      }),
      conflict: protectedProcedure.query(() => {
        throw new DomainError("CONFLICT", "Already exists");
      }),
    });
    const createCaller = createCallerFactory(failing);

    it("reports a procedure's unexpected error before the 500 is returned", async () => {
      const user = await createUser(handle.db, "someone@tocsin.test");
      const caller = createCaller({ db: handle.db, user, origin: "http://localhost:3000" });
      await expect(caller.boom()).rejects.toMatchObject({ code: "INTERNAL_SERVER_ERROR" });
      // Checked as soon as the call has rejected: nothing is waited for.
      const [mail] = await notices();
      expect(mail?.subject).toContain("TypeError: Cannot read properties of undefined (reading 'channels') (trpc boom)");
      expect(mail?.text).toMatch(/TypeError: Cannot read properties of undefined \(reading 'channels'\)\n {4}at /);
      expect(teams.requests).toHaveLength(1);
      expect(JSON.parse(teams.requests[0]!.body)).toMatchObject({ type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive" }] });

      // Errors thrown on purpose are answers, not exceptions.
      await expect(caller.notFound()).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(caller.conflict()).rejects.toMatchObject({ code: "CONFLICT" });
      expect(await handle.db.select().from(exceptionNotices)).toHaveLength(1);
    });

    it("raises system.exception in the workspace the procedure was working for", async () => {
      const user = await createUser(handle.db, "member@tocsin.test");
      const [workspace] = await handle.db.insert(workspaces).values({ name: "Acme", slug: "acme-exc", mode: "single" }).returning();
      await handle.db.insert(memberships).values({ workspaceId: workspace!.id, userId: user.id, role: "analyst" });
      const caller = createCaller({ db: handle.db, user, origin: "http://localhost:3000" });
      await expect(caller.boomInWorkspace({ workspaceSlug: "acme-exc" })).rejects.toMatchObject({ code: "INTERNAL_SERVER_ERROR" });
      const raised = await handle.db.select().from(events).where(eq(events.workspaceId, workspace!.id));
      expect(raised).toHaveLength(1);
      expect(raised[0]).toMatchObject({ type: "system.exception", origin: "system", severity: "high", title: "RangeError in trpc boomInWorkspace" });
      expect(raised[0]!.message).toMatch(/^RangeError: Invalid array length\n {4}at /);
      expect(raised[0]!.data).toMatchObject({ exceptionClass: "RangeError", exceptionMessage: "Invalid array length", origin: "trpc boomInWorkspace", occurrences: 1 });
      const [row] = await queryRows<{ workspace_id: string }>(handle.db, sql`select workspace_id from exception_notices`);
      expect(row!.workspace_id).toBe(workspace!.id);
      const [mail] = await notices();
      expect(mail!.text).toContain("Workspace: Acme");
    });

    it("reports a route handler's error and answers 500 with a JSON error", async () => {
      const handler = withExceptionReport(
        "/api/health",
        () => {
          throw new Error("health check exploded");
        },
        { db: () => handle.db },
      );
      const response = await handler(new Request("http://localhost:3000/api/health"));
      expect(response.status).toBe(500);
      expect(await response.json()).toMatchObject({ error: { code: "internal_error" } });
      const [mail] = await notices();
      expect(mail!.subject).toContain("Error: health check exploded (GET /api/health)");
    });
  });
});
