import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

type InboxOutputs = inferRouterOutputs<AppRouter>["inbox"];

/** An inbox entry as `inbox.list` and `inbox.latest` return it. */
export type NotificationItem = InboxOutputs["list"]["items"][number];
