import { fanOutToInbox } from "@/server/inbox/fan-out-to-inbox";
import { eventsIngested, inngest } from "../client";
import { jobDb } from "../job-db";

/**
 * On `tocsin/events.ingested` ({ workspaceId, eventIds }): writes the inbox entries the
 * workspace's rules call for (candidate rules by workspace and type prefix, scope, conditions,
 * recipients; batched inserts under the (user, event, rule) key, each signalling the inboxes
 * it changed). Running it twice for the same events creates nothing twice, so retries, the sweeper's
 * resends and Inngest's at-least-once delivery are all harmless.
 */
export const fanOutIngestedEvents = inngest.createFunction(
  { id: "fan-out-events", name: "Fan out events", triggers: [eventsIngested], retries: 4 },
  async ({ event, step }) => {
    const { workspaceId, eventIds } = event.data;
    // One step: each insert statement also signals the inboxes it changed, so a retry inserts
    // and signals exactly what is still missing.
    const written = await step.run("write-notifications", () => fanOutToInbox(jobDb(), workspaceId, eventIds));
    return { events: written.events, candidates: written.candidates, matches: written.matches, inserted: written.inserted, users: written.userIds.length };
  },
);
