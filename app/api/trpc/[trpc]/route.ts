import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/api/root";
import { createRequestContext } from "@/server/api/request-context";
import { withFetchRequestId } from "@/server/observability/log-context";
import { getLogger } from "@/server/observability/logger";

const log = getLogger("trpc");

function handler(req: Request) {
  // The request id (echoed as X-Request-Id) is on every log line written for this call.
  return withFetchRequestId(req, () =>
    fetchRequestHandler({
      endpoint: "/api/trpc",
      req,
      router: appRouter,
      // Queries with large inputs (the rule editor's validate and preview) are sent as POST.
      allowMethodOverride: true,
      createContext: () => createRequestContext(req.headers),
      onError({ error, path }) {
        if (error.code === "INTERNAL_SERVER_ERROR") log.error({ err: error.cause ?? error, path: path ?? null }, `${path ?? "?"} failed`);
      },
    }),
  );
}

export { handler as GET, handler as POST };
