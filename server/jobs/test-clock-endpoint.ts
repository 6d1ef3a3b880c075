import { z } from "zod";
import { processAdjustableClock } from "./adjustable-clock";
import { getInlineRunner } from "./inline-runner";

/*
 * POST /api/test-clock: end-to-end tests let time pass for the job layer ("advance the clock by
 * 16 minutes") instead of sleeping. It exists only when TOCSIN_JOB_CLOCK=adjustable; otherwise
 * it is a 404 like any unknown path. It reads no session and needs none: it moves a test
 * server's clock forward and can do nothing else.
 */

export const advanceClockInput = z.strictObject({
  advanceMs: z
    .number({ message: "advanceMs: a number of milliseconds" })
    .int("advanceMs: whole milliseconds")
    .min(1, "advanceMs: at least 1")
    .max(30 * 24 * 60 * 60_000, "advanceMs: at most 30 days"),
});

/** How long the answer waits for the job runs that the advance made due. */
const SETTLE_TIMEOUT_MS = 10_000;

const error = (status: number, code: string, message: string) => Response.json({ error: { code, message, details: null } }, { status, headers: noStore });
const noStore = { "cache-control": "no-store" };

/** GET: where the job clock stands. */
export function describeTestClock(): Response {
  const clock = processAdjustableClock();
  if (!clock) return notFound();
  return Response.json({ now: new Date(clock.now()).toISOString(), offsetMs: clock.offset() }, { headers: noStore });
}

/**
 * POST { advanceMs }: moves the job clock forward, fires every timer now due (cron included),
 * and answers once the runs that started have finished (`settled`), or after 10 s.
 */
export async function advanceTestClock(request: Request): Promise<Response> {
  const clock = processAdjustableClock();
  if (!clock) return notFound();
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return error(400, "invalid_json", 'The body must be JSON: { "advanceMs": <milliseconds> }');
  }
  const parsed = advanceClockInput.safeParse(body);
  if (!parsed.success) return error(400, "invalid_body", parsed.error.issues.map((issue) => issue.message).join("; "));

  clock.advance(parsed.data.advanceMs);
  const runner = getInlineRunner();
  const settled = runner ? await settle(runner.quiet()) : false;
  return Response.json({ now: new Date(clock.now()).toISOString(), offsetMs: clock.offset(), settled }, { headers: noStore });
}

function notFound(): Response {
  return error(404, "not_found", "Not found");
}

async function settle(quiet: Promise<void>): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), SETTLE_TIMEOUT_MS)));
  try {
    return await Promise.race([quiet.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
