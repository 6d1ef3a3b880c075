import { dropEmpty } from "../json";
import { buildFingerprint } from "../keys";
import type { Severity } from "../severity";
import { findField, type ChatMessage, type Recognition } from "./chat-message";

// SecObserve's notification templates (Slack blocks and Teams MessageCard) share these titles;
// "occured" is SecObserve's spelling.
const securityGatePattern = /^Security gate for product (.+) has changed to (\w+)$/;
const exceptionPattern = /^Exception (\S+) has occurr?ed( while processing background task)?$/;

const gateSeverity: Record<string, Severity> = { failed: "high", passed: "info" };

/** "passed" → "Passed": gates as SecObserve writes them, for titles. */
export function labelSecurityGate(gate: string): string {
  return gate.charAt(0).toUpperCase() + gate.slice(1);
}

/**
 * The title of a gate change: with the previous gate when Tocsin knows it (SecObserve's message
 * only names the new one; the ingest fills the previous one in from the product's last change).
 */
export function describeSecurityGateChange(product: string, previousGate: string | null, newGate: string): string {
  return previousGate
    ? `Security gate for ${product} changed from ${labelSecurityGate(previousGate)} to ${labelSecurityGate(newGate)}`
    : `Security gate for ${product} changed to ${labelSecurityGate(newGate)}`;
}

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
      title: describeSecurityGateChange(product, null, status),
      // Per product and outcome: a product flipping back is news, the same outcome again is not.
      fingerprint: buildFingerprint(type, product, status),
      // previousGate: null until the ingest looks up the product's last change (fill-previous-gates.ts).
      data: { ...dropEmpty({ product, url: pickProductUrl(message) }), previousGate: null, newGate: status },
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
