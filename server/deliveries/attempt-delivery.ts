import { sql } from "drizzle-orm";
import { openChannelForSend } from "@/server/channels/channel-for-send";
import { getChannelKindModule } from "@/server/channels/kinds";
import type { SafeHttpOptions } from "@/server/channels/safe-http";
import type { Db } from "@/server/db/client";
import { executeRows } from "@/server/db/execute-rows";
import { recordDeliveryAttempt } from "@/server/observability/metrics";
import { buildSummaryDeliveryMessage } from "./build-summary-delivery-message";
import { classifySendOutcome, type SendVerdict } from "./classify-send-outcome";
import { buildDeliveryMessage, claimDeliveryContext, DUE_TOLERANCE_MS, type ClaimOptions, type DeliveryContext } from "./load-delivery-context";
import { recordAttempt, recordChannelDisabledBeforeAttempt } from "./record-attempt";
import { nextRetryDelayMs } from "./retry-schedule";

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

export type AttemptOptions = ClaimOptions & { http?: SafeHttpOptions; random?: () => number };

type ClaimedRow = { attempts: number; seriesStartAttempts: number };

/**
 * One attempt of one delivery: claims it (a lease, so that two runners never attempt it at once),
 * renders the event for the channel's kind, sends it, and records the attempt, the delivery's
 * new state and the channel's health in one transaction. Never throws for the receiver's sake —
 * a failed send is an outcome; it throws only when the database or configuration fails, and the
 * job's retry (or the sweeper) takes the delivery up again.
 */
export async function attemptDelivery(db: Db, options: AttemptOptions): Promise<AttemptResult> {
  const context = await claimDeliveryContext(db, options);
  if (!context) return explainUnclaimed(db, options);
  const claim = context.delivery;
  if (!context.channel.enabled) {
    await recordChannelDisabledBeforeAttempt(db, options);
    return { outcome: "skipped", reason: "finished" };
  }

  const kind = getChannelKindModule(context.channel.kind);
  const message = claim.batchId ? await buildSummaryDeliveryMessage(db, context, claim.batchId) : buildDeliveryMessage(context);
  const rendered = await kind.render(message);
  const outcome = await kind.send(openChannelForSend(context.channel), rendered, {
    db,
    messageId: context.delivery.messageId,
    now: options.now,
    http: options.http,
  });
  const latencyMs = outcome.latencyMs;
  const verdict = settleVerdict(classifySendOutcome(outcome), claim, context);
  const waitMs = verdict.result === "retry" ? nextRetryDelayMs(retriesUsed(claim) + 1, verdict.retryAfterMs, options.random) : null;
  const result = await recordAttempt(db, options, context, {
    number: claim.attempts + 1,
    startedAt: new Date(options.now.getTime()),
    latencyMs,
    requestBytes: rendered.bytes,
    verdict,
    nextAttemptAt: waitMs === null ? null : new Date(options.now.getTime() + waitMs),
  });
  // Counted once recorded: an attempt whose record failed is made again, and counted then.
  if (result.outcome === "delivered" || result.outcome === "retry" || result.outcome === "failed") recordDeliveryAttempt(context.channel.kind, result.outcome);
  return result;
}

/** Retries made so far in the current series (since creation or the last replay). */
function retriesUsed(claim: ClaimedRow): number {
  return Math.max(0, claim.attempts - claim.seriesStartAttempts);
}

/** A retry beyond the channel's budget is the delivery's final failure. */
function settleVerdict(verdict: SendVerdict, claim: ClaimedRow, context: DeliveryContext): SendVerdict {
  if (verdict.result !== "retry" || retriesUsed(claim) < context.channel.maxRetries) return verdict;
  return { result: "failed", statusCode: verdict.statusCode, errorClass: verdict.errorClass, error: verdict.error, gone: false };
}

/** Why a delivery was not claimed: finished, gone, held or moved on by another run, or not due yet. */
async function explainUnclaimed(db: Db, options: AttemptOptions): Promise<AttemptResult> {
  const { workspaceId, deliveryId, runId, expectedAttempts, now } = options;

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
