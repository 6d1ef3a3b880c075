import { dropEmpty } from "../json";
import { buildFingerprint } from "../keys";
import type { Severity } from "../severity";
import { findField, type ChatMessage, type Recognition } from "./chat-message";

// SecObserve's notification templates (Slack blocks and Teams MessageCard) share these titles;
// "occured" is SecObserve's spelling.
const securityGatePattern = /^Security gate for product (.+) has changed to (\w+)$/;
const exceptionPattern = /^Exception (\S+) has occurr?ed( while processing background task)?$/;

const gateSeverity: Record<string, Severity> = { failed: "high", passed: "info" };

/** SecObserve's security-gate and exception notices, from its Slack or Teams webhook. */
export function recogniseSecObserve(message: ChatMessage, title: string): Recognition | null {
  const gate = securityGatePattern.exec(title);
  if (gate) {
    const product = gate[1]!.trim();
    const status = gate[2]!.toLowerCase();
    const type = "secobserve.security_gate.changed";
    return {
      type,
      // "None" means the product has no security gate any more: worth knowing, nothing to fix.
      severity: gateSeverity[status] ?? "low",
      fingerprint: buildFingerprint(type, product),
      data: dropEmpty({ product, securityGate: status, url: pickProductUrl(message) }),
    };
  }
  const exception = exceptionPattern.exec(title);
  if (exception) {
    const type = "secobserve.exception";
    const exceptionClass = exception[1]!;
    const fn = findField(message, "Function");
    const user = findField(message, "User");
    return {
      type,
      severity: "medium",
      actor: user,
      fingerprint: buildFingerprint(type, exceptionClass, fn),
      data: dropEmpty({
        exception: exceptionClass,
        detail: findField(message, "Exception message"),
        function: fn,
        arguments: findField(message, "Arguments"),
        user,
        timestamp: findField(message, "Timestamp"),
        backgroundTask: Boolean(exception[2]),
      }),
    };
  }
  return null;
}

function pickProductUrl(message: ChatMessage): string | null {
  const links = message.links.map((link) => link.url);
  return links.find((url) => /#\/products\/\d+/.test(url)) ?? links[0] ?? null;
}
