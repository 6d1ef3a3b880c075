import { cron } from "inngest";
import { detectResumedSources, detectSilentSources, type SilenceTransition } from "@/server/sources/intake-silence";
import { inngest } from "../client";
import { jobNow } from "../job-clock";
import { jobDb } from "../job-db";
import { fanOutEvents } from "../request-fan-out";

/**
 * Every minute: sources whose events came back leave their silent period (`intake.resumed`),
 * then sources quiet past their threshold enter one (`intake.silent`). Each transition is one
 * atomic update with its event (server/sources/intake-silence.ts), so several instances running
 * this at once still raise each event exactly once. The new events are then fanned out like
 * ingested ones: sent as a step (memoised, so a retry does not send twice), then marked; if the
 * run dies in between, the fan-out sweeper sends them again.
 */
export const watchIntakeSilence = inngest.createFunction(
  { id: "watch-intake-silence", name: "Watch intake silence", triggers: [cron("* * * * *")] },
  async ({ step }) => {
    // Resumed first: a source that came back and went quiet again since the last tick ends one
    // silent period before it starts the next.
    const resumed = await step.run("detect-resumed", () => detectResumedSources(jobDb(), jobNow()));
    const silent = await step.run("detect-silent", () => detectSilentSources(jobDb(), jobNow()));

    const byWorkspace = new Map<string, string[]>();
    for (const change of [...resumed, ...silent] satisfies SilenceTransition[]) {
      byWorkspace.set(change.workspaceId, [...(byWorkspace.get(change.workspaceId) ?? []), change.eventId]);
    }
    if (byWorkspace.size > 0) {
      await step.sendEvent(
        "request-fan-out",
        [...byWorkspace].flatMap(([workspaceId, eventIds]) => fanOutEvents(workspaceId, eventIds)),
      );
    }
    return { resumed: resumed.map((change) => change.sourceId), silent: silent.map((change) => change.sourceId) };
  },
);
