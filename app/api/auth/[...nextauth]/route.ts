import { handlers } from "@/server/auth/auth";
import { withExceptionReport } from "@/server/exceptions/with-exception-report";

export const GET = withExceptionReport("/api/auth", handlers.GET);
export const POST = withExceptionReport("/api/auth", handlers.POST);
