import { cron } from "inngest";
import { releaseDueBatches, RELEASE_BATCHES_PER_ROUND } from "@/server/fan-out/release-batches";
import { inngest } from "../client";
import { jobDb } from "../job-db";
import { jobNow } from "../job-clock";
import { deliveryRequests } from "../request-deliveries";

/** Rounds per run: a backlog larger than this waits for the next minute. */
export const RELEASE_MAX_ROUNDS = 10;

/**
 * Every minute: notifications held for a summary — a rule's digest window, a member's quiet
 * hours, a source's maintenance window — whose time is up are released as one inbox entry per
 * member and one delivery per channel, and those deliveries are requested.
 */
export const releaseHeldNotifications = inngest.createFunction(
  { id: "release-held-notifications", name: "Release held notifications", triggers: [cron("* * * * *")] },
  async ({ step }) => {
    let batches = 0;
    let notifications = 0;
    let deliveries = 0;
    for (let round = 0; round < RELEASE_MAX_ROUNDS; round++) {
      const released = await step.run(`release-${round}`, () => releaseDueBatches(jobDb(), jobNow()));
      const requests = released.flatMap((batch) => deliveryRequests(batch.workspaceId, batch.deliveries));
      if (requests.length > 0) await step.sendEvent(`request-deliveries-${round}`, requests);
      batches += released.length;
      notifications += released.reduce((sum, batch) => sum + batch.notifications, 0);
      deliveries += requests.length;
      if (released.length < RELEASE_BATCHES_PER_ROUND) break;
    }
    return { batches, notifications, deliveries };
  },
);
