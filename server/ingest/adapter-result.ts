import type { NormalisedEvent } from "./normalised-event";

/** What is wrong with an item, and where: `path` like `event.type` or `event.attachments[0].title`. */
export type IngestIssue = { path: string; message: string };

export type AdapterContext = { receivedAt: Date };

export type AdapterResult = { ok: true; event: NormalisedEvent } | { ok: false; issues: IngestIssue[] };

/** Normalises one item of a request body; never throws, reports problems as issues instead. */
export type Adapter = (item: unknown, context: AdapterContext) => AdapterResult;

export function failWith(path: string, message: string): AdapterResult {
  return { ok: false, issues: [{ path, message }] };
}
