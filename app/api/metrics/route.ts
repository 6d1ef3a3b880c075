import { getDb } from "@/server/db/client";
import { withExceptionReport } from "@/server/exceptions/with-exception-report";
import { withFetchRequestId } from "@/server/observability/log-context";
import { answerMetricsRequest } from "@/server/observability/metrics-endpoint";

export const dynamic = "force-dynamic";

// Prometheus scrapes here (see README, "Deploying N instances").
export const GET = withExceptionReport("/api/metrics", (request: Request) => withFetchRequestId(request, () => answerMetricsRequest(getDb(), request)));
