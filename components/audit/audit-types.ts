import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

/** One page of `audit.list`: newest first, with the cursor of the next. */
export type AuditPage = inferRouterOutputs<AppRouter>["audit"]["list"];
export type AuditItem = AuditPage["items"][number];
