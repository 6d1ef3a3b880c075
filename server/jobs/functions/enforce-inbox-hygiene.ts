import { cron } from "inngest";
import { archiveExpiredNotifications, archiveNotificationsOverCap, findWorkspacesWithInboxes } from "@/server/inbox/hygiene";
import { inngest } from "../client";
import { jobDb } from "../job-db";

/** Entries archived per statement, and statements per run (each is one step; Inngest allows 1,000 per run). */
export const HYGIENE_BATCH_SIZE = 5_000;
export const HYGIENE_MAX_BATCHES = 400;

/**
 * Hourly: archives inbox entries older than each workspace's `inbox_auto_archive_days`, then
 * brings every member over `inbox_cap` back to it (oldest read entries first, then the oldest
 * unread). Bounded batches, one step each, up to a cap per run: the rest waits an hour.
 */
export const enforceInboxHygiene = inngest.createFunction(
  { id: "enforce-inbox-hygiene", name: "Enforce inbox hygiene", triggers: [cron("17 * * * *")] },
  async ({ step }) => {
    const found = await step.run("find-workspaces", () => findWorkspacesWithInboxes(jobDb()));
    let batches = 0;
    let expired = 0;
    let overCap = 0;
    for (const workspace of found) {
      for (let round = 0; batches < HYGIENE_MAX_BATCHES; round++) {
        batches++;
        const archived = await step.run(`auto-archive-${workspace.workspaceId}-${round}`, () =>
          archiveExpiredNotifications(jobDb(), workspace.workspaceId, workspace.inboxAutoArchiveDays, HYGIENE_BATCH_SIZE),
        );
        expired += archived;
        if (archived < HYGIENE_BATCH_SIZE) break;
      }
      for (let round = 0; batches < HYGIENE_MAX_BATCHES; round++) {
        batches++;
        const archived = await step.run(`cap-${workspace.workspaceId}-${round}`, () =>
          archiveNotificationsOverCap(jobDb(), workspace.workspaceId, workspace.inboxCap, HYGIENE_BATCH_SIZE),
        );
        overCap += archived;
        if (archived < HYGIENE_BATCH_SIZE) break;
      }
    }
    return { workspaces: found.length, expired, overCap };
  },
);
