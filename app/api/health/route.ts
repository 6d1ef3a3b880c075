import { getDb } from "@/server/db/client";
import { withExceptionReport } from "@/server/exceptions/with-exception-report";
import { checkHealth } from "@/server/health/check-health";

export const dynamic = "force-dynamic";

export const GET = withExceptionReport("/api/health", async () => {
  const health = await checkHealth(getDb());
  return Response.json(health, {
    status: health.status === "ok" ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
});
