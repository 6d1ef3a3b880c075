import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

/** A rule as `rule.list` and `rule.get` return it. */
export type RuleItem = inferRouterOutputs<AppRouter>["rule"]["list"][number];
