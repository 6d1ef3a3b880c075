import type { RenderedPayload } from "@/server/channels/notification-message";

const count = (n: number) => n.toLocaleString("en-US");

/** "1,234 bytes of 28,000" against a byte limit, else "1,234 bytes"; "· truncated to fit" when something was cut. */
export function describePayloadSize(rendered: Pick<RenderedPayload, "bytes" | "limitBytes" | "truncated">): string {
  const size = rendered.limitBytes === null ? `${count(rendered.bytes)} bytes` : `${count(rendered.bytes)} bytes of ${count(rendered.limitBytes)}`;
  return rendered.truncated ? `${size} · truncated to fit` : size;
}

/** The body as people read it: JSON pretty-printed, anything else as it is. */
export function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
