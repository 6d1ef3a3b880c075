import { sql } from "drizzle-orm";
import { openChannelForSend } from "@/server/channels/channel-for-send";
import { getChannelKindModule } from "@/server/channels/kinds";
import type { SafeHttpOptions } from "@/server/channels/safe-http";
import type { Db } from "@/server/db/client";
import { executeRows } from "@/server/db/execute-rows";
import { causeOf } from "@/server/events/system-events";
import { classifySendOutcome, type SendVerdict } from "./classify-send-outcome";
import { buildDeliveryMessage, loadDeliveryContext, type DeliveryContext } from "./load-delivery-context";
import { recordAttempt, recordChannelDisabledBeforeAttempt } from "./record-attempt";
import { nextRetryDelayMs } from "./retry-schedule";

/** How long an attempt holds its delivery: the send's 15 s and the bookkeeping, with room to spare. */
export const LEASE_MS = 60_000;
/** A delivery due within this much is attempted now rather than slept on. */
const DUE_TOLERANCE_MS = 1_000;

export type AttemptResult =
  /** An attempt was made and recorded. */
  | {
      outcome: "delivered" | "retry" | "failed";
      attempt: number;
      /** Retry: wait this long, then attempt again (the delivery's next_attempt_at says the same). */
      waitMs: number | null;
      /** System events raised (delivery.failed, channel.disabled): to be fanned out. */
      systemEventIds: string[];
      /** Set when this attempt switched the channel off: its owners are told by email. */
      disabledChannelId: string | null;
    }
  /** Not yet due (a retry's wait is not over): try again after `waitMs`. */
  | { outcome: "not_due"; waitMs: number }
  /** Nothing to do here: delivered or failed already, deleted, held or moved on by another run. */
  | { outcome: "skipped"; reason: "finished" | "gone" | "leased" | "superseded" };

export type AttemptOptions = {
  workspaceId: string;
  deliveryId: string;
  /** The job run making the attempt: the lease's owner. */
  runId: string;
  /** The attempt count this run last saw (null on its first step): another count means another run moved on. */
  expectedAttempts: number | null;
  now: Date;
  http?: SafeHttpOptions;
  random?: () => number;
};

type ClaimedRow = { attempts: number; series_start_attempts: number };

/**
 * One attempt of one delivery: claims it (a lease, so that two runners never attempt it at once),
 * renders the event for the channel's kind, sends it, and records the attempt, the delivery's
 * new state and the channel's health in one transaction. Never throws for the receiver's sake —
 * a failed send is an outcome; it throws only when the database or configuration fails, and the
 * job's retry (or the sweeper) takes the delivery up again.
 */
export async function attemptDelivery(db: Db, options: AttemptOptions): Promise<AttemptResult> {
  const claim = await claimDelivery(db, options);
  if ("outcome" in claim) return claim;

  const context = await loadDeliveryContext(db, options.workspaceId, options.deliveryId);
  if (!context) return { outcome: "skipped", reason: "gone" };
  if (!context.channel.enabled) {
    await recordChannelDisabledBeforeAttempt(db, options);
    return { outcome: "skipped", reason: "finished" };
  }

  const kind = getChannelKindModule(context.channel.kind);
  const rendered = await kind.render(buildDeliveryMessage(context));
  const outcome = await kind.send(openChannelForSend(context.channel), rendered, {
    db,
    messageId: context.delivery.messageId,
    now: options.now,
    http: options.http,
  });
  const latencyMs = outcome.latencyMs;
  const verdict = settleVerdict(classifySendOutcome(outcome), claim, context);
  const waitMs = verdict.result === "retry" ? nextRetryDelayMs(retriesUsed(claim) + 1, verdict.retryAfterMs, options.random) : null;
  return recordAttempt(db, options, context, {
    number: claim.attempts + 1,
    startedAt: new Date(options.now.getTime()),
    latencyMs,
    requestBytes: rendered.bytes,
    verdict,
    nextAttemptAt: waitMs === null ? null : new Date(options.now.getTime() + waitMs),
    raiseFailureEvent: verdict.result === "failed" && causeOf(context.event) === null,
  });
}

/** Retries made so far in the current series (since creation or the last replay). */
function retriesUsed(claim: ClaimedRow): number {
  return Math.max(0, claim.attempts - claim.series_start_attempts);
}

/** A retry beyond the channel's budget is the delivery's final failure. */
function settleVerdict(verdict: SendVerdict, claim: ClaimedRow, context: DeliveryContext): SendVerdict {
  if (verdict.result !== "retry" || retriesUsed(claim) < context.channel.maxRetries) return verdict;
  return { result: "failed", statusCode: verdict.statusCode, errorClass: verdict.errorClass, error: verdict.error, gone: false };
}

/**
 * Takes the delivery for one attempt if it is pending, due, not held by another run's lease, and
 * (when this run has attempted it before) still at the count this run left it.
 */
async function claimDelivery(db: Db, options: AttemptOptions): Promise<ClaimedRow | Exclude<AttemptResult, { outcome: "delivered" | "retry" | "failed" }>> {
  const { workspaceId, deliveryId, runId, expectedAttempts, now } = options;
  const at = now.toISOString();
  const [claimed] = await executeRows<ClaimedRow>(
    db,
    sql`update deliveries
        set lease_until = ${at}::timestamptz + ${`${LEASE_MS} milliseconds`}::interval, lease_owner = ${runId}, updated_at = ${at}::timestamptz
        where id = ${deliveryId} and workspace_id = ${workspaceId} and status = 'pending'
          and (lease_until is null or lease_until <= ${at}::timestamptz or lease_owner = ${runId})
          and (next_attempt_at is null or next_attempt_at <= ${at}::timestamptz + ${`${DUE_TOLERANCE_MS} milliseconds`}::interval)
          and (${expectedAttempts}::int is null or attempts = ${expectedAttempts}::int)
        returning attempts, series_start_attempts`,
  );
  if (claimed) return claimed;

  const [state] = await executeRows<{ status: string; attempts: number; next_attempt_at: string | Date | null; lease_until: string | Date | null; lease_owner: string | null }>(
    db,
    sql`select status, attempts, next_attempt_at, lease_until, lease_owner from deliveries where id = ${deliveryId} and workspace_id = ${workspaceId}`,
  );
  if (!state) return { outcome: "skipped", reason: "gone" };
  if (state.status !== "pending") return { outcome: "skipped", reason: "finished" };
  if (expectedAttempts !== null && state.attempts !== expectedAttempts) return { outcome: "skipped", reason: "superseded" };
  if (state.lease_until && new Date(state.lease_until) > now && state.lease_owner !== runId) return { outcome: "skipped", reason: "leased" };
  const dueIn = state.next_attempt_at ? new Date(state.next_attempt_at).getTime() - now.getTime() : 0;
  return { outcome: "not_due", waitMs: Math.max(dueIn, DUE_TOLERANCE_MS) };
}
