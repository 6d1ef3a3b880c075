import { deliverNotification } from "./deliver-notification";
import { enforceInboxHygiene } from "./enforce-inbox-hygiene";
import { fanOutIngestedEvents } from "./fan-out-events";
import { purgeExpiredEvents } from "./purge-expired-events";
import { releaseHeldNotifications } from "./release-held-notifications";
import { reportJobFailure } from "./report-job-failure";
import { sweepPendingDeliveries } from "./sweep-pending-deliveries";
import { sweepUnrequestedFanOuts } from "./sweep-unrequested-fan-outs";
import { watchIntakeSilence } from "./watch-intake-silence";

/** Every job function: served at /api/inngest, and run by the inline runner when Inngest is not configured. */
export const jobFunctions = [fanOutIngestedEvents, deliverNotification, sweepUnrequestedFanOuts, sweepPendingDeliveries, purgeExpiredEvents, enforceInboxHygiene, releaseHeldNotifications, watchIntakeSilence, reportJobFailure];
