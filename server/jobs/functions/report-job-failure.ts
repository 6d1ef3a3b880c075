import { internalEvents } from "inngest";
import { z } from "zod";
import { reportException } from "@/server/exceptions/report-exception";
import { inngest } from "../client";
import { jobDb } from "../job-db";

export const REPORT_JOB_FAILURE_ID = "report-job-failure";

/** Inngest's `inngest/function.failed` data, as far as the report needs it. */
const failedRunSchema = z.object({
  function_id: z.string(),
  run_id: z.string(),
  error: z.looseObject({ name: z.string().optional(), message: z.string().optional(), stack: z.string().optional() }),
  event: z.looseObject({ name: z.string().optional(), data: z.record(z.string(), z.unknown()).optional() }).optional(),
});

/**
 * A job that exhausted its retries (Inngest's `inngest/function.failed`, which the inline runner
 * sends too) is an unhandled exception like a failing request: reported with its traceback, in
 * the workspace its triggering event was for. Never retried and never reporting its own failure.
 */
export const reportJobFailure = inngest.createFunction(
  { id: REPORT_JOB_FAILURE_ID, name: "Report a failed job", retries: 0, triggers: [{ event: internalEvents.FunctionFailed }] },
  async ({ event }) => {
    const parsed = failedRunSchema.safeParse(event.data);
    if (!parsed.success) return { reported: false, reason: "not an inngest/function.failed payload" };
    const failed = parsed.data;
    if (failed.function_id.endsWith(REPORT_JOB_FAILURE_ID)) return { reported: false, reason: "own failure" };
    // The job's own error, rebuilt from its serialised form: class, message and stack as thrown.
    const error = Object.assign(new Error(failed.error.message ?? ""), { name: failed.error.name ?? "Error" });
    error.stack = failed.error.stack ?? `${error.name}: ${error.message}`;
    const workspaceId = failed.event?.data?.workspaceId;
    const report = await reportException(jobDb(), error, {
      origin: `job ${failed.function_id}${failed.event?.name ? ` (${failed.event.name})` : ""}`,
      workspaceId: typeof workspaceId === "string" ? workspaceId : null,
    });
    return { reported: report !== null, notified: report?.notified ?? false, fingerprint: report?.exception.fingerprint ?? null };
  },
);
