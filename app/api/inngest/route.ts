import type { NextRequest } from "next/server";
import { serve } from "inngest/next";
import { withExceptionReport } from "@/server/exceptions/with-exception-report";
import { inngest, isInngestConfigured } from "@/server/jobs/client";
import { jobFunctions } from "@/server/jobs/functions";

// Inngest (Cloud or self-hosted) calls this endpoint to run the job functions; its calls are
// verified with INNGEST_SIGNING_KEY unless INNGEST_DEV is set. Without Inngest the functions run
// in-process (the inline runner) and there is nothing here to call.
const handler = serve({ client: inngest, functions: jobFunctions });

const notConfigured = (status: number) =>
  Response.json(
    status === 200
      ? { engine: "inline", functions: jobFunctions.map((fn) => fn.id()), message: "Inngest is not configured: job functions run in-process" }
      : { error: { code: "inngest_not_configured", message: "Inngest is not configured: job functions run in-process", details: null } },
    { status },
  );

// A job's own failure is reported by the report-job-failure function; these catch the endpoint's.
export const GET = withExceptionReport("/api/inngest", (request: NextRequest, context: unknown) =>
  isInngestConfigured() ? handler.GET(request, context) : notConfigured(200),
);

export const POST = withExceptionReport("/api/inngest", (request: NextRequest, context: unknown) =>
  isInngestConfigured() ? handler.POST(request, context) : notConfigured(404),
);

export const PUT = withExceptionReport("/api/inngest", (request: NextRequest, context: unknown) =>
  isInngestConfigured() ? handler.PUT(request, context) : notConfigured(404),
);
