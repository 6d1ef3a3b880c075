import { emailChannelDisabled } from "@/server/deliveries/channel-health";
import { attemptDelivery } from "@/server/deliveries/attempt-delivery";
import { MAX_RETRIES } from "@/server/deliveries/retry-schedule";
import { deliveryRequested, inngest } from "../client";
import { jobDb } from "../job-db";
import { jobNow } from "../job-clock";
import { fanOutEvents } from "../request-fan-out";

/** Runs attempting one channel's deliveries at once: one slow receiver holds up no other channel. */
export const DELIVERY_CONCURRENCY_PER_CHANNEL = 10;
/** Attempts and waits one run may take: every retry of the longest schedule, and early wake-ups. */
const MAX_ROUNDS = 2 * (MAX_RETRIES + 1) + 4;

/**
 * On `tocsin/delivery.requested` ({ workspaceId, deliveryId, channelId }): each attempt is its own
 * step, and the waits between them are durable sleeps (`step.sleep`), so a retry schedule spanning
 * a day holds no process. An attempt that fails with retries left tells when to try again; one
 * that finally fails, or switches the channel off, raises system events, which are fanned out
 * like any event (never to the channel they report on), and the channel's keepers are emailed.
 * The delivery row is the truth: a run that finds it finished, taken over by another run, or gone
 * simply ends; one lost with a process is resumed by the delivery sweeper.
 */
export const deliverNotification = inngest.createFunction(
  {
    id: "deliver-notification",
    name: "Deliver a notification",
    triggers: [deliveryRequested],
    retries: 4,
    concurrency: { key: "event.data.channelId", limit: DELIVERY_CONCURRENCY_PER_CHANNEL },
  },
  async ({ event, step, runId, logger }) => {
    const { workspaceId, deliveryId } = event.data;
    let expectedAttempts: number | null = null;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const result = await step.run(`attempt-${round}`, () =>
        attemptDelivery(jobDb(), { workspaceId, deliveryId, runId, expectedAttempts, now: jobNow() }),
      );
      if (result.outcome === "not_due") {
        await step.sleep(`wait-${round}`, result.waitMs);
        continue;
      }
      if (result.outcome === "skipped") return result;
      // What operators need to see in the logs; the delivery log in the UI has the detail.
      if (result.outcome === "failed") logger.warn(`[deliveries] delivery ${deliveryId} failed for good after ${result.attempt} attempt(s)`);
      if (result.disabledChannelId) logger.warn(`[deliveries] channel ${result.disabledChannelId} switched off after failing deliveries`);
      const systemEventIds = result.systemEventIds;
      if (systemEventIds.length > 0) {
        await step.sendEvent("fan-out-system-events", fanOutEvents(workspaceId, systemEventIds));
      }
      if (result.disabledChannelId) {
        const channelId = result.disabledChannelId;
        await step.run("email-channel-keepers", () => emailChannelDisabled(jobDb(), workspaceId, channelId));
      }
      if (result.outcome !== "retry") return result;
      expectedAttempts = result.attempt;
      await step.sleep(`wait-${round}`, result.waitMs!);
    }
    return { outcome: "rounds_exhausted" as const };
  },
);
