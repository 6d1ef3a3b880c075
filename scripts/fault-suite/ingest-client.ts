// How the fault suite posts events, as a security tool would: one POST per request to the public
// ingest URL. A refused connection (the app is down, nothing was sent) is tried again after a
// pause; any other failure — a connection reset mid-request, no answer, a 5xx — is reported to
// the caller as unanswered: the request may or may not have been stored.
import { sleep } from "../../bench/processes";

export type IngestTarget = { url: string; token: string };
export type PostOutcome = { answered: true; status: number; ids: string[] } | { answered: false; reason: string };

const REQUEST_TIMEOUT_MS = 30_000;

export async function postEvents(target: IngestTarget, events: readonly object[], refusedDeadlineMs: number): Promise<PostOutcome> {
  const body = JSON.stringify(events.length === 1 ? events[0] : events);
  for (;;) {
    try {
      const response = await fetch(target.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${target.token}` },
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      if (response.status >= 200 && response.status < 300) return { answered: true, status: response.status, ids: (JSON.parse(text) as { ids: string[] }).ids };
      if (response.status === 429 || response.status >= 500) return { answered: false, reason: `HTTP ${response.status}` };
      throw new Error(`ingest refused a valid request with HTTP ${response.status}: ${text.slice(0, 300)}`);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith("ingest refused")) throw error;
      const code = (error as { cause?: { code?: string } }).cause?.code;
      if (code === "ECONNREFUSED" && Date.now() < refusedDeadlineMs) {
        await sleep(100);
        continue;
      }
      return { answered: false, reason: code ?? (error instanceof Error ? error.name : "error") };
    }
  }
}

/** Posts until the events are answered 2xx (a tool retrying with the same externalIds). */
export async function postUntilAccepted(target: IngestTarget, events: readonly object[], deadlineMs: number): Promise<{ ids: string[]; unanswered: number }> {
  let unanswered = 0;
  for (;;) {
    const outcome = await postEvents(target, events, deadlineMs);
    if (outcome.answered) return { ids: outcome.ids, unanswered };
    unanswered++;
    if (Date.now() > deadlineMs) throw new Error(`ingest: no 2xx answer before the deadline (last: ${outcome.reason})`);
    await sleep(200);
  }
}
