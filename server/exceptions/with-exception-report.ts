import { unstable_rethrow } from "next/navigation";
import { getDb, type Db } from "@/server/db/client";
import { reportException } from "./report-exception";

/**
 * Wraps a route handler: an error it throws is reported (and its notice sent) before the 500 goes
 * out, as `{"error":{"code":"internal_error",…}}`. Next's own control flow (redirect(),
 * notFound(), dynamic bail-outs) is thrown on untouched.
 */
export function withExceptionReport<Req extends Request, Args extends unknown[]>(
  origin: string,
  handler: (request: Req, ...rest: Args) => Response | Promise<Response>,
  options: { db?: () => Db } = {},
): (request: Req, ...rest: Args) => Promise<Response> {
  return async (request, ...rest) => {
    try {
      return await handler(request, ...rest);
    } catch (error) {
      unstable_rethrow(error);
      await reportException((options.db ?? getDb)(), error, { origin: `${request.method} ${origin}` });
      return Response.json(
        { error: { code: "internal_error", message: "Something went wrong on the server; it has been reported. Retry later.", details: null } },
        { status: 500, headers: { "cache-control": "no-store" } },
      );
    }
  };
}
