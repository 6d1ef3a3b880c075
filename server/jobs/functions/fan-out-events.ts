import { writeFanOut } from "@/server/fan-out/write-fan-out";
import { recordFanOutLag } from "@/server/observability/metrics";
import { eventsIngested, inngest } from "../client";
import { jobDb } from "../job-db";
import { deliveryRequests } from "../request-deliveries";

/** Job events per send: well inside Inngest's limits on events and bytes per request. */
const DELIVERY_REQUESTS_PER_SEND = 1_000;

/**
 * On `tocsin/events.ingested` ({ workspaceId, eventIds }): writes the inbox entries and the
 * deliveries the workspace's rules call for (candidate rules by workspace and type prefix, scope,
 * conditions, recipients and channels; batched inserts under unique keys, the inbox ones
 * signalling the inboxes they changed), then requests each new delivery. Running it twice for
 * the same events creates nothing twice, so retries, the sweeper's resends and Inngest's
 * at-least-once delivery are all harmless; a delivery written but not requested (a crash in
 * between) is picked up by the delivery sweeper.
 */
export const fanOutIngestedEvents = inngest.createFunction(
  { id: "fan-out-events", name: "Fan out events", triggers: [eventsIngested], retries: 4 },
  async ({ event, step }) => {
    const { workspaceId, eventIds } = event.data;
    // One step: each insert statement also signals the inboxes it changed, so a retry inserts
    // and signals exactly what is still missing.
    const written = await step.run("write-notifications", async () => {
      const result = await writeFanOut(jobDb(), workspaceId, eventIds);
      // Inside the step: measured once per write, not again on each replay of the function.
      recordFanOutLag(eventIds);
      return result;
    });
    for (let i = 0; i < written.deliveries.length; i += DELIVERY_REQUESTS_PER_SEND) {
      await step.sendEvent("request-deliveries", deliveryRequests(workspaceId, written.deliveries.slice(i, i + DELIVERY_REQUESTS_PER_SEND)));
    }
    return {
      events: written.events,
      candidates: written.candidates,
      matches: written.matches,
      inserted: written.inserted,
      users: written.userIds.length,
      deliveries: written.deliveries.length,
    };
  },
);
