import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/server/db/client";
import { instanceSettings, mailOutbox } from "@/server/db/schema";
import { createTestDatabase } from "@/server/db/test-database";
import { reportException } from "@/server/exceptions/report-exception";
import { sendMail } from "@/server/mail/send-mail";
import { appRouter } from "../root";
import { callByPath, callerFor, createUser, expectTrpcError, type Caller } from "../test-helpers";

const validSettings = { emailFrom: "Tocsin alerts <alerts@tocsin.example>", exceptionEmails: ["ops@tocsin.example", " Oncall@Tocsin.example "], exceptionRateLimitSeconds: 1800 };

describe("instance router", () => {
  let handle: DbHandle;
  let admin: Caller;
  let member: Caller;
  let anonymous: Caller;

  beforeAll(async () => {
    handle = await createTestDatabase();
    admin = callerFor(handle.db, await createUser(handle.db, "Root@Tocsin.example"));
    member = callerFor(handle.db, await createUser(handle.db, "member@tocsin.example"));
    anonymous = callerFor(handle.db, null);
  });
  afterAll(() => handle.close());
  beforeEach(() => {
    vi.stubEnv("TOCSIN_ADMIN_EMAILS", " someone@else.example, root@tocsin.example ");
    vi.stubEnv("EMAIL_FROM", "");
    delete process.env.RESEND_API_KEY;
  });
  afterEach(() => vi.unstubAllEnvs());

  it("refuses every instance procedure to anyone not listed in TOCSIN_ADMIN_EMAILS", async () => {
    const inputs: Record<string, unknown> = { "instance.updateSettings": validSettings, "instance.listExceptions": { limit: 10 } };
    const paths = Object.keys(appRouter._def.procedures).filter((path) => path.startsWith("instance."));
    expect(paths.sort()).toEqual(["instance.getSettings", "instance.listExceptions", "instance.updateSettings"]);
    for (const path of paths) {
      const error = await expectTrpcError(callByPath(member, path, inputs[path]), "FORBIDDEN");
      expect(error.message).toContain("TOCSIN_ADMIN_EMAILS");
      await expectTrpcError(callByPath(anonymous, path, inputs[path]), "UNAUTHORIZED");
    }
    // Nobody is an administrator when the variable is unset.
    vi.stubEnv("TOCSIN_ADMIN_EMAILS", "");
    await expectTrpcError(admin.instance.getSettings(), "FORBIDDEN");
    expect(await handle.db.select().from(instanceSettings)).toHaveLength(0);
  });

  it("saves and shows the settings; the sender is used by every email", async () => {
    expect(await admin.instance.getSettings()).toMatchObject({ emailFrom: null, defaultEmailFrom: "Tocsin <tocsin@localhost>", exceptionEmails: [], exceptionRateLimitSeconds: 3600 });
    const { settings } = await admin.instance.updateSettings(validSettings);
    expect(settings).toMatchObject({ emailFrom: "Tocsin alerts <alerts@tocsin.example>", exceptionEmails: ["ops@tocsin.example", "oncall@tocsin.example"], exceptionRateLimitSeconds: 1800, exceptionTeamsUrlMasked: null });

    await sendMail(handle.db, { to: "dana@example.com", subject: "s", text: "t", html: "<p>t</p>" });
    const [mail] = await handle.db.select().from(mailOutbox);
    expect(mail!.from).toBe("Tocsin alerts <alerts@tocsin.example>");

    // Emptied: EMAIL_FROM again, then the default.
    vi.stubEnv("EMAIL_FROM", "Env <env@tocsin.example>");
    await admin.instance.updateSettings({ ...validSettings, emailFrom: "" });
    await handle.db.delete(mailOutbox);
    await sendMail(handle.db, { to: "dana@example.com", subject: "s", text: "t", html: "<p>t</p>" });
    expect((await handle.db.select().from(mailOutbox))[0]!.from).toBe("Env <env@tocsin.example>");
  });

  it("refuses bad input with a message on its field, and saves nothing", async () => {
    await admin.instance.updateSettings(validSettings);
    const cases: [Record<string, unknown>, string][] = [
      [{ emailFrom: "not an address" }, "emailFrom"],
      [{ emailFrom: "Name <broken@>" }, "emailFrom"],
      [{ exceptionEmails: ["ops@tocsin.example", "nope"] }, "exceptionEmails"],
      [{ exceptionRateLimitSeconds: 59 }, "exceptionRateLimitSeconds"],
      [{ exceptionRateLimitSeconds: 7 * 86_400 + 1 }, "exceptionRateLimitSeconds"],
    ];
    for (const [change, field] of cases) {
      const error = await expectTrpcError(admin.instance.updateSettings({ ...validSettings, ...change } as typeof validSettings), "BAD_REQUEST");
      expect(error.message, field).toContain(field);
    }
    const nope = await expectTrpcError(admin.instance.updateSettings({ ...validSettings, exceptionEmails: ["ops@tocsin.example", "nope"] }), "BAD_REQUEST");
    expect(nope.message).toContain("“nope” is not a valid email address");
    expect(await admin.instance.getSettings()).toMatchObject({ emailFrom: validSettings.emailFrom, exceptionRateLimitSeconds: 1800 });
  });

  it("checks the Teams webhook like a channel's, seals it, and only ever shows it masked", async () => {
    for (const url of ["http://127.0.0.1:8080/hook", "http://localhost/hook", "https://user:pw@example.com/x", "ftp://example.com/x", "http://10.1.2.3/x"]) {
      const error = await expectTrpcError(admin.instance.updateSettings({ ...validSettings, exceptionTeamsUrl: url }), "BAD_REQUEST");
      expect(error.message).not.toContain("/hook");
    }
    vi.stubEnv("TOCSIN_ALLOWED_PRIVATE_CIDRS", "127.0.0.2/32");
    const url = "http://127.0.0.2:9/workflows/abcdefghijklmnopqrstuvwxyz0123456789";
    const { settings } = await admin.instance.updateSettings({ ...validSettings, exceptionTeamsUrl: url });
    expect(settings.exceptionTeamsUrlMasked).toBe("http://127.0.0.2:9/…6789");
    const [row] = await handle.db.select().from(instanceSettings);
    expect(row!.exceptionTeamsUrlSealed).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain("abcdefghijklmnop");
    expect(JSON.stringify(await admin.instance.getSettings())).not.toContain("abcdefghijklmnop");

    // Absent: kept; null: removed.
    expect((await admin.instance.updateSettings(validSettings)).settings.exceptionTeamsUrlMasked).toBe("http://127.0.0.2:9/…6789");
    expect((await admin.instance.updateSettings({ ...validSettings, exceptionTeamsUrl: null })).settings.exceptionTeamsUrlMasked).toBeNull();
  });

  it("lists recent exceptions with where, how often and when last notified", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    await reportException(handle.db, new TypeError("boom"), { origin: "trpc rule.create" }, { now: new Date("2026-03-02T10:00:00Z") });
    await reportException(handle.db, new TypeError("boom"), { origin: "trpc rule.create" }, { now: new Date("2026-03-02T10:05:00Z") });
    const [listed] = await admin.instance.listExceptions({ limit: 10 });
    expect(listed).toMatchObject({
      exceptionClass: "TypeError",
      message: "boom",
      origin: "trpc rule.create",
      occurrences: 2,
      lastSeenAt: new Date("2026-03-02T10:05:00Z"),
      lastNotifiedAt: new Date("2026-03-02T10:00:00Z"),
      suppressedSinceNotice: 1,
    });
  });
});
