import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { internalEvents, NonRetriableError } from "inngest";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createUser } from "@/server/api/test-helpers";
import type { DbHandle } from "@/server/db/client";
import { events, exceptionNotices, mailOutbox } from "@/server/db/schema";
import { updateInstanceSettings } from "@/server/instance/instance-settings";
import { inngest } from "../client";
import { InlineRunner } from "../inline-runner";
import { createJobsTestDatabase, insertWorkspace, ManualClock } from "../test-helpers";
import { reportJobFailure } from "./report-job-failure";

describe("report-job-failure", () => {
  let handle: DbHandle;

  beforeAll(async () => {
    handle = await createJobsTestDatabase();
    const admin = await createUser(handle.db, "ops@tocsin.test");
    delete process.env.RESEND_API_KEY;
    await updateInstanceSettings(handle.db, admin.id, { emailFrom: null, exceptionEmails: ["ops@tocsin.test"], exceptionRateLimitSeconds: 3600 });
  });
  afterAll(() => handle.close());
  beforeEach(async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    await handle.db.delete(exceptionNotices);
    await handle.db.delete(mailOutbox);
  });
  afterEach(() => vi.restoreAllMocks());

  it("reports the error of Inngest's inngest/function.failed, in the workspace of the failed run's event", async () => {
    const workspace = await insertWorkspace(handle.db);
    // The payload Inngest sends when a run exhausts its retries.
    const failed = {
      name: internalEvents.FunctionFailed,
      data: {
        function_id: "tocsin-fan-out-events",
        run_id: "01HGF86PM90KRQQP27VJZK4BXP",
        error: {
          __serialized: true,
          name: "TypeError",
          message: "Cannot read properties of undefined (reading 'rules')",
          stack: "TypeError: Cannot read properties of undefined (reading 'rules')\n    at fanOut (/app/server/fan-out/write-fan-out.ts:10:5)",
        },
        event: { name: "tocsin/events.ingested", data: { workspaceId: workspace.id, eventIds: [] }, id: "e1", ts: 1 },
      },
    };
    const { result, error } = await new InngestTestEngine({ function: reportJobFailure, events: [failed] }).execute();
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ reported: true, notified: true });
    const [row] = await handle.db.select().from(exceptionNotices);
    expect(row).toMatchObject({ exceptionClass: "TypeError", origin: "job tocsin-fan-out-events (tocsin/events.ingested)", workspaceId: workspace.id });
    expect(row!.traceback).toContain("at fanOut (/app/server/fan-out/write-fan-out.ts:10:5)");
    const [raised] = await handle.db.select().from(events).where(eq(events.workspaceId, workspace.id));
    expect(raised).toMatchObject({ type: "system.exception", title: "TypeError in job tocsin-fan-out-events (tocsin/events.ingested)" });
    expect(await handle.db.select().from(mailOutbox)).toHaveLength(1);

    // Its own failure is never reported again.
    const own = { ...failed, data: { ...failed.data, function_id: "tocsin-report-job-failure" } };
    const again = await new InngestTestEngine({ function: reportJobFailure, events: [own] }).execute();
    expect(again.result).toMatchObject({ reported: false });
  });

  it("is told by the inline runner, with Inngest's data, when a job gives up", async () => {
    const workspace = await insertWorkspace(handle.db);
    const failing = inngest.createFunction({ id: "always-fails", retries: 1, triggers: [{ event: "test/fails" }] }, async () => {
      throw new RangeError("Invalid time value");
    });
    const final = inngest.createFunction({ id: "fails-for-good", retries: 3, triggers: [{ event: "test/fails" }] }, async () => {
      throw new NonRetriableError("Malformed payload");
    });
    const seen: unknown[] = [];
    const spy = inngest.createFunction({ id: "spy", triggers: [{ event: internalEvents.FunctionFailed }] }, async ({ event }) => {
      seen.push(event);
    });
    const clock = new ManualClock();
    const runner = new InlineRunner({ functions: [failing, final, spy, reportJobFailure], clock, logger: { info: vi.fn(), warn: vi.fn(), error: vi.fn() } });
    runner.start();
    try {
      runner.send({ name: "test/fails", data: { workspaceId: workspace.id } });
      await runner.quiet();
      // The non-retriable one has failed for good; the other waits for its one retry.
      expect(seen).toHaveLength(1);
      clock.advance(60_000);
      await runner.quiet();
      await runner.quiet();
      expect(seen).toHaveLength(2);
      expect(seen).toContainEqual({
        id: expect.any(String),
        name: "inngest/function.failed",
        ts: expect.any(Number),
        data: {
          function_id: "tocsin-always-fails",
          run_id: expect.any(String),
          error: expect.objectContaining({ name: "RangeError", message: "Invalid time value", stack: expect.stringContaining("RangeError: Invalid time value") }),
          event: { id: expect.any(String), name: "test/fails", data: { workspaceId: workspace.id }, ts: expect.any(Number) },
        },
      });
      const rows = await handle.db.select().from(exceptionNotices);
      expect(rows.map((row) => row.origin).sort()).toEqual(["job tocsin-always-fails (test/fails)", "job tocsin-fails-for-good (test/fails)"]);
      expect(rows.every((row) => row.workspaceId === workspace.id)).toBe(true);
    } finally {
      await runner.stop();
    }
  });
});
