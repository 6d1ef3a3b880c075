import { promises as dns } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import packageJson from "@/package.json";
import { describeBlockedRange, findBlockedRange, readAllowedPrivateBlocks } from "./blocked-addresses";
import type { FailedSend, SendErrorClass, SendOutcome } from "./send-outcome";

/*
 * The only way Tocsin sends HTTP to a user-chosen URL. The host is resolved once, every address it
 * has is checked against the blocked ranges, and the connection is made to those checked addresses
 * only: the request's `lookup` hands them back, so TLS still verifies the host name and no second
 * DNS answer (a rebinding) is ever used. Nothing is followed, nothing of the answer but its status
 * and Retry-After is kept, and no message ever holds more of the URL than its host: the path of a
 * Slack or Discord URL is its secret.
 */

/** Resolves a host name to every address it has (tests inject their own; production uses the system resolver). */
export type Resolver = (hostname: string) => Promise<{ address: string; family: 4 | 6 }[]>;

export type SafeHttpOptions = {
  resolve?: Resolver;
  /** Total time for connect, TLS, headers and body: 15 s by default. */
  timeoutMs?: number;
  /** Response bytes read at most: 64 KiB by default; the rest is dropped unread. */
  maxResponseBytes?: number;
};

export type DestinationCheck =
  | { ok: true; url: URL; addresses: string[] }
  | { ok: false; errorClass: "invalid_url" | "blocked_destination" | "dns_failure"; message: string };

export const defaultTimeoutMs = 15_000;
export const defaultMaxResponseBytes = 64 * 1024;

const userAgent = `Tocsin/${packageJson.version || "1.0"} (+webhooks)`;

// One keep-alive pool per protocol, so that hundreds of deliveries a second to one receiver reuse
// sockets. A pooled socket was connected to an address checked for the request that opened it;
// every new socket is opened with the pinned lookup of its own request.
const agents = {
  "http:": new http.Agent({ keepAlive: true }),
  "https:": new https.Agent({ keepAlive: true }),
};

const resolveWithSystem: Resolver = async (hostname) => {
  const answers = await dns.lookup(hostname, { all: true, verbatim: true });
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

function refuse(errorClass: "invalid_url" | "blocked_destination" | "dns_failure", message: string): DestinationCheck {
  return { ok: false, errorClass, message };
}

function withoutBrackets(hostname: string): string {
  return hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
}

/** Refuses what is not a plain http(s) URL to a host; null when the URL may be used. */
function findUrlProblem(url: URL): string | null {
  if (url.protocol !== "http:" && url.protocol !== "https:") return `Only http and https URLs can be used, not ${url.protocol.slice(0, -1)}.`;
  if (url.username || url.password) return "Remove the user name and password from the URL: put credentials in the channel's Authorization setting.";
  if (!url.hostname) return "The URL has no host.";
  if (url.port === "0") return "Port 0 cannot be used.";
  if (url.hostname.includes("%")) return "IPv6 zone ids (%…) cannot be used in a URL.";
  const name = url.hostname.replace(/\.$/, "");
  if (name === "localhost" || name.endsWith(".localhost")) return `${url.hostname} names the Tocsin server itself.`;
  return null;
}

/** Syntax only, no DNS: scheme, userinfo, host, port, and literal addresses. */
export function checkDestinationSyntax(input: string): DestinationCheck {
  const text = input.trim();
  // Parsers disagree on what a backslash or a control character means; a webhook URL has neither.
  if (/[\\\u0000-\u001f\u007f]/.test(text)) return refuse("invalid_url", "The URL contains a backslash or a control character.");
  if (/\[[^\]]*%/.test(text)) return refuse("invalid_url", "IPv6 zone ids (%…) cannot be used in a URL.");
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return refuse("invalid_url", "This is not a valid URL.");
  }
  const problem = findUrlProblem(url);
  if (problem) return refuse("invalid_url", problem);
  // WHATWG URL has already turned 2130706433, 0177.0.0.1, 0x7f.1 and 127.1 into 127.0.0.1.
  const host = withoutBrackets(url.hostname);
  if (!isIP(host)) return { ok: true, url, addresses: [] };
  const range = findBlockedRange(host, readAllowedPrivateBlocks());
  if (range) return refuse("blocked_destination", `${url.hostname} is in ${describeBlockedRange(range)}: Tocsin does not send there.`);
  return { ok: true, url, addresses: [host] };
}

/** Syntax, then every address the host resolves to (the check made when a channel is saved). */
export async function checkDestination(url: string, options: SafeHttpOptions = {}): Promise<DestinationCheck> {
  return resolveAndCheck(checkDestinationSyntax(url), options);
}

async function resolveAndCheck(syntax: DestinationCheck, options: SafeHttpOptions): Promise<DestinationCheck> {
  if (!syntax.ok || syntax.addresses.length > 0) return syntax;
  const hostname = syntax.url.hostname;
  const allowedBlocks = readAllowedPrivateBlocks();
  let answers: { address: string }[];
  try {
    answers = await (options.resolve ?? resolveWithSystem)(hostname);
  } catch {
    return refuse("dns_failure", `${hostname} could not be resolved.`);
  }
  if (answers.length === 0) return refuse("dns_failure", `${hostname} could not be resolved.`);
  // One refused address refuses the name: the system could pick any of them.
  for (const { address } of answers) {
    const range = findBlockedRange(address, allowedBlocks);
    if (range) return refuse("blocked_destination", `${hostname} resolves to an address in ${describeBlockedRange(range)}: Tocsin does not send there.`);
  }
  return { ok: true, url: syntax.url, addresses: answers.map(({ address }) => address) };
}

/** Retry-After (delta-seconds or an HTTP date) in milliseconds from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  const text = value?.trim() ?? "";
  if (/^-?\d{1,10}$/.test(text)) return Math.max(0, Number(text) * 1000);
  // HTTP dates start with a day name; Date.parse alone would read "1.5" as a date.
  if (!/^[A-Za-z]{3}/.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Hands back the checked addresses instead of asking DNS again. */
function pinLookup(addresses: readonly string[]): LookupFunction {
  const answers = addresses.map((address) => ({ address, family: isIP(address) }));
  return (hostname, options, callback) => {
    const wanted = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : options.family;
    const usable = answers.filter(({ family }) => !wanted || wanted === family);
    const first = usable[0];
    process.nextTick(() => {
      if (!first) callback(Object.assign(new Error(`No checked address of ${hostname} fits`), { code: "ENOTFOUND" }), "", 0);
      else if (options.all) callback(null, usable);
      else callback(null, first.address, first.family);
    });
  };
}

function classifyTransportError(error: unknown): SendErrorClass {
  const code = String((error as NodeJS.ErrnoException | null)?.code ?? "");
  if (code === "ECONNREFUSED") return "connection_refused";
  if (code === "ECONNRESET" || code === "EPIPE") return "connection_reset"; // "socket hang up" is ECONNRESET too
  if (code === "ETIMEDOUT") return "timeout";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "dns_failure";
  if (/^(EPROTO$|ERR_TLS_|ERR_SSL_|UNABLE_TO_)|CERT/.test(code)) return "tls_error";
  return "network_error";
}

function describeFailure(errorClass: SendErrorClass, hostname: string, error: unknown, timeoutMs: number): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (errorClass) {
    case "connection_refused":
      return `${hostname} refused the connection.`;
    case "connection_reset":
      return `${hostname} closed the connection before the answer was complete.`;
    case "timeout":
      return `${hostname} did not answer completely within ${timeoutMs / 1000} s.`;
    case "dns_failure":
      return `${hostname} could not be resolved.`;
    case "tls_error":
      return `The TLS connection to ${hostname} failed${code ? ` (${code})` : ""}.`;
    default:
      return `Sending to ${hostname} failed${code ? ` (${code})` : ""}.`;
  }
}

function buildHeaders(url: URL, payload: Uint8Array, headers: Record<string, string>): Record<string, string> {
  const merged: Record<string, string> = { "content-type": "application/json", "user-agent": userAgent };
  for (const [name, value] of Object.entries(headers)) merged[name.toLowerCase()] = value;
  merged["content-length"] = String(payload.byteLength);
  merged.host = url.host;
  return merged;
}

function elapsedSince(startedAt: number): number {
  return Math.round(performance.now() - startedAt);
}

function failedSend(errorClass: SendErrorClass, message: string, startedAt: number): FailedSend {
  return { kind: "failed", errorClass, message, latencyMs: elapsedSince(startedAt) };
}

type Attempt = { startedAt: number; timeoutMs: number; maxResponseBytes: number; signal: AbortSignal };

function sendToCheckedAddresses(destination: { url: URL; addresses: string[] }, payload: Uint8Array, headers: Record<string, string>, attempt: Attempt): Promise<SendOutcome> {
  const { url } = destination;
  return new Promise<SendOutcome>((resolve) => {
    let settled = false;
    const settle = (outcome: SendOutcome) => {
      if (settled) return;
      settled = true;
      attempt.signal.removeEventListener("abort", onTimeout);
      resolve(outcome);
    };
    const fail = (errorClass: SendErrorClass, error?: unknown) =>
      settle(failedSend(errorClass, describeFailure(errorClass, url.hostname, error, attempt.timeoutMs), attempt.startedAt));

    const request = (url.protocol === "https:" ? https : http).request({
      host: withoutBrackets(url.hostname),
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      method: "POST",
      headers: buildHeaders(url, payload, headers),
      agent: agents[url.protocol as "http:" | "https:"],
      lookup: pinLookup(destination.addresses),
    });
    const onTimeout = () => {
      fail("timeout");
      request.destroy();
    };
    if (attempt.signal.aborted) onTimeout();
    else attempt.signal.addEventListener("abort", onTimeout, { once: true });

    request.on("error", (error) => fail(classifyTransportError(error), error));
    request.on("response", (response) => {
      const answer = () =>
        settle({ kind: "answered", status: response.statusCode ?? 0, latencyMs: elapsedSince(attempt.startedAt), retryAfterMs: parseRetryAfter(response.headers["retry-after"]) });
      let received = 0;
      response.on("data", (chunk: Buffer) => {
        received += chunk.byteLength;
        if (received <= attempt.maxResponseBytes) return;
        // Enough: the status is known and the body is never used, so the rest stays unread.
        answer();
        response.destroy();
      });
      response.on("end", answer);
      response.on("error", () => {}); // "close" reports it
      response.on("close", () => fail("connection_reset"));
    });
    request.end(payload);
  });
}

/** POSTs `body` to `url`, connecting only to a checked address, following no redirect. */
export async function safePost(url: string, body: string | Uint8Array, headers: Record<string, string>, options: SafeHttpOptions = {}): Promise<SendOutcome> {
  const startedAt = performance.now();
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const syntax = checkDestinationSyntax(url);
  if (!syntax.ok) return failedSend(syntax.errorClass, syntax.message, startedAt);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    // The deadline covers name resolution too: a resolver that never answers must not hold a delivery.
    const timedOut = new Promise<null>((resolve) => controller.signal.addEventListener("abort", () => resolve(null), { once: true }));
    const check = await Promise.race([resolveAndCheck(syntax, options), timedOut]);
    if (check === null) return failedSend("timeout", describeFailure("timeout", syntax.url.hostname, null, timeoutMs), startedAt);
    if (!check.ok) return failedSend(check.errorClass, check.message, startedAt);
    const payload = typeof body === "string" ? Buffer.from(body) : body;
    return await sendToCheckedAddresses(check, payload, headers, {
      startedAt,
      timeoutMs,
      maxResponseBytes: options.maxResponseBytes ?? defaultMaxResponseBytes,
      signal: controller.signal,
    });
  } finally {
    clearTimeout(timer);
  }
}
