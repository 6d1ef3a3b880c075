import { createHash } from "node:crypto";

/** An unhandled error as Tocsin keeps and reports it: secrets already masked. */
export type ExceptionDescription = {
  exceptionClass: string;
  message: string;
  /** The stack (with the causes' stacks), one frame a line. */
  traceback: string;
  /** Class, message shape and top frames: the same bug gives the same fingerprint. */
  fingerprint: string;
};

const MAX_MESSAGE_CHARS = 2_000;
const MAX_TRACEBACK_CHARS = 16_000;
const FINGERPRINT_FRAMES = 3;
const MAX_CAUSES = 3;

/*
 * What never leaves in a notice: tokens, Authorization and Cookie values, passwords in URLs and
 * the secret part (path and query) of webhook URLs. Errors rarely carry them, but a driver error
 * quoting a parameter or a fetch error quoting a URL can.
 */
const secretPatterns: [RegExp, string][] = [
  // Tocsin's own source tokens.
  [/\btcn_[A-Za-z0-9_-]{8,}/g, "tcn_[masked]"],
  // "Authorization: Bearer …", "cookie=…", "x-api-key": "…", password=…, token: …
  [
    /\b(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api[_-]?key|access[_-]?token|refresh[_-]?token|token|secret|password|passwd|signing[_-]?secret)(["']?\s*[:=]\s*["']?)(?:(?:bearer|basic)\s+)?[^\s"',;&)]+/gi,
    "$1$2[masked]",
  ],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, "$1 [masked]"],
  // URLs: keep scheme and host, mask credentials, path and query (a chat webhook's path is its secret).
  [/\b(https?:\/\/)(?:[^\s/@"'<>]+@)?([^\s/"'<>?#]+)[^\s"'<>)]*/gi, "$1$2/[masked]"],
  // Long opaque strings (keys, JWTs) left after the above.
  [/\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, "[masked jwt]"],
];

/** Masks what looks like a credential in free text. */
export function maskSecrets(text: string): string {
  let masked = text;
  for (const [pattern, replacement] of secretPatterns) masked = masked.replace(pattern, replacement);
  return masked;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function classOf(error: unknown): string {
  if (error instanceof Error) {
    const name = error.name && error.name !== "Error" ? error.name : error.constructor?.name || "Error";
    return name.slice(0, 200);
  }
  return error === null ? "null" : typeof error;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/** The frame lines of a stack ("at fn (file:line:col)"), without the leading message. */
function framesOf(stack: string | undefined): string[] {
  if (!stack) return [];
  return stack
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("at "));
}

/** The message with what varies between occurrences of one bug (ids, numbers, quoted values) replaced. */
export function normaliseMessage(message: string): string {
  return message
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<uuid>")
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`|“[^”]*”/g, "<quoted>")
    .replace(/\b0x[0-9a-f]+\b/gi, "<hex>")
    .replace(/\b[0-9a-f]{16,}\b/gi, "<hex>")
    .replace(/\d+(?:\.\d+)?/g, "<n>");
}

/** A frame without line and column and without bundler hashes, so a rebuild keeps the fingerprint. */
function normaliseFrame(frame: string): string {
  return frame.replace(/^at async /, "at ").replace(/\?[^):\s]*/g, "").replace(/:\d+(?::\d+)?(?=\)?$)/, "");
}

/**
 * The frames that say where the bug is: Tocsin's own, top first. The runtime's and the libraries'
 * frames below them change with how the call was scheduled (the same throw reached synchronously
 * or after an await), so they are left out unless there is nothing else.
 */
function fingerprintFrames(frames: string[]): string[] {
  const own = frames.filter((frame) => !/node:internal|node_modules|\(<anonymous>\)|^at new Promise/.test(frame));
  return (own.length > 0 ? own : frames).slice(0, FINGERPRINT_FRAMES).map(normaliseFrame);
}

/** Class, message (secrets masked) and traceback of any thrown value, with its fingerprint. */
export function describeException(error: unknown): ExceptionDescription {
  const exceptionClass = classOf(error);
  const message = truncate(maskSecrets(messageOf(error)), MAX_MESSAGE_CHARS);
  const frames = framesOf(error instanceof Error ? error.stack : undefined);

  const parts = [frames.length ? `${exceptionClass}: ${message}\n    ${frames.join("\n    ")}` : `${exceptionClass}: ${message}`];
  let cause = error instanceof Error ? error.cause : undefined;
  for (let depth = 0; cause !== undefined && cause !== null && depth < MAX_CAUSES; depth++) {
    const causeFrames = framesOf(cause instanceof Error ? cause.stack : undefined);
    parts.push(`Caused by ${classOf(cause)}: ${maskSecrets(messageOf(cause))}${causeFrames.length ? `\n    ${causeFrames.join("\n    ")}` : ""}`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  const traceback = truncate(maskSecrets(parts.join("\n")), MAX_TRACEBACK_CHARS);

  const fingerprint = createHash("sha256")
    .update(exceptionClass)
    .update("\n")
    .update(normaliseMessage(message))
    .update("\n")
    .update(fingerprintFrames(frames).join("\n"))
    .digest("hex")
    .slice(0, 32);
  return { exceptionClass, message, traceback, fingerprint };
}
