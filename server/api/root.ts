import { auditRouter } from "./routers/audit";
import { channelRouter } from "./routers/channel";
import { communityRouter } from "./routers/community";
import { deliveryRouter } from "./routers/delivery";
import { eventRouter } from "./routers/event";
import { inboxRouter } from "./routers/inbox";
import { instanceRouter } from "./routers/instance";
import { invitationRouter } from "./routers/invitation";
import { maintenanceWindowRouter } from "./routers/maintenance-window";
import { memberRouter } from "./routers/member";
import { preferenceRouter } from "./routers/preference";
import { ruleRouter } from "./routers/rule";
import { sourceRouter } from "./routers/source";
import { workspaceRouter } from "./routers/workspace";
import { createCallerFactory, createTrpcRouter } from "./trpc";

export const appRouter = createTrpcRouter({
  workspace: workspaceRouter,
  community: communityRouter,
  member: memberRouter,
  invitation: invitationRouter,
  source: sourceRouter,
  maintenanceWindow: maintenanceWindowRouter,
  event: eventRouter,
  rule: ruleRouter,
  channel: channelRouter,
  delivery: deliveryRouter,
  inbox: inboxRouter,
  preference: preferenceRouter,
  audit: auditRouter,
  instance: instanceRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side caller: `createCaller(ctx).workspace.list()`; used by server components and tests. */
export const createCaller = createCallerFactory(appRouter);
