import { advanceTestClock, describeTestClock } from "@/server/jobs/test-clock-endpoint";

// End-to-end tests only: 404 unless TOCSIN_JOB_CLOCK=adjustable (server/jobs/test-clock-endpoint.ts).
export const dynamic = "force-dynamic";

export function GET() {
  return describeTestClock();
}

export function POST(request: Request) {
  return advanceTestClock(request);
}
