import pino, { type DestinationStream, type Level, type Logger } from "pino";
import { currentLogContext } from "./log-context";

/**
 * Tocsin's logs: one JSON object per line on stdout (pino), each carrying the request id or the
 * job's function and run ids of the work it was written for (see log-context.ts), with secrets
 * removed. `TOCSIN_LOG_LEVEL` sets the level (info by default); `TOCSIN_LOG_FORMAT=pretty` (the
 * default under `next dev`) prints short readable lines instead, with no extra package.
 */

/** Keys whose values never reach a log line, at any of the first three levels of nesting. */
const SECRET_KEYS = [
  "authorization",
  "cookie",
  '["set-cookie"]',
  '["x-tocsin-token"]',
  "password",
  "token",
  "tokens",
  "secret",
  "secrets",
  "signingSecret",
  "apiKey",
  "accessToken",
  "refreshToken",
  "url",
  "webhookUrl",
  "target",
  "headers.authorization",
];
const REDACT_PATHS = SECRET_KEYS.flatMap((key) => {
  const path = key.startsWith("[") ? key : `.${key}`;
  return [path.startsWith(".") ? path.slice(1) : key, `*${path}`, `*.*${path}`];
});
const REDACTED = "[redacted]";

// Secrets inside free text (messages, error messages and stacks): a URL keeps its origin only —
// a chat webhook's path is its secret — and credentials after Bearer/Basic or with our prefix go.
const URL_IN_TEXT = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#"'<>]+)([/?#][^\s"'<>]*)?/gi;
const CREDENTIAL_IN_TEXT = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]+/gi;
const SOURCE_TOKEN_IN_TEXT = /\btcn_[0-9A-Za-z]{8,}/g;

/** Free text with URLs cut to their origin and credentials replaced. */
export function scrubSecrets(text: string): string {
  return text
    .replace(URL_IN_TEXT, (_all, scheme: string, authority: string, rest: string | undefined) => {
      // user:password@host keeps the host only.
      const host = authority.slice(authority.lastIndexOf("@") + 1);
      return `${scheme}${host}${rest ? `/${REDACTED}` : ""}`;
    })
    .replace(CREDENTIAL_IN_TEXT, (_all, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(SOURCE_TOKEN_IN_TEXT, `tcn_${REDACTED}`);
}

function serializeError(error: unknown) {
  const serialized = pino.stdSerializers.err(error as Error) as Record<string, unknown>;
  if (!serialized || typeof serialized !== "object") return serialized;
  for (const key of ["message", "stack"] as const) {
    if (typeof serialized[key] === "string") serialized[key] = scrubSecrets(serialized[key]);
  }
  return serialized;
}

type Sink = { write(line: string): unknown };

function defaultSink(): Sink {
  const format = process.env.TOCSIN_LOG_FORMAT ?? (process.env.NODE_ENV === "development" ? "pretty" : "json");
  if (format === "pretty") return { write: (line: string) => process.stdout.write(prettyLine(line)) };
  // Node's own stdout: synchronous for files and pipes on Linux (a line written just before
  // process.exit is not lost), and what a test spying on stdout sees.
  return { write: (line: string) => process.stdout.write(line) };
}

const levelNames: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };
const omittedInPretty = new Set(["level", "time", "msg", "pid", "hostname", "module"]);

/** `12:00:01.234 WARN  [jobs] message key=value …` for a human at a terminal. */
function prettyLine(line: string): string {
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    const time = new Date(Number(entry.time)).toISOString().slice(11, 23);
    const extras = Object.entries(entry)
      .filter(([key]) => !omittedInPretty.has(key))
      .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
    const err = entry.err as { stack?: string } | undefined;
    const part = entry.module ? `[${String(entry.module)}] ` : "";
    const head = `${time} ${(levelNames[Number(entry.level)] ?? "LOG").padEnd(5)} ${part}${String(entry.msg ?? "")}`;
    return `${[head, ...extras.filter((extra) => !extra.startsWith("err="))].join(" ")}\n${err?.stack ? `${err.stack}\n` : ""}`;
  } catch {
    return line;
  }
}

type LoggerState = { sink: Sink; root: Logger; modules: Map<string, Logger> };

function createRoot(stream: DestinationStream): Logger {
  return pino(
    {
      level: process.env.TOCSIN_LOG_LEVEL || (process.env.VITEST ? "warn" : "info"),
      base: { pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: { err: serializeError, error: serializeError },
      // The request id, or the job's function and run ids, of whatever this line is written for.
      // A copy: pino merges each line's fields into the object the mixin returns.
      mixin: () => ({ ...currentLogContext() }),
      hooks: {
        logMethod(args, method) {
          const scrubbed: unknown[] = args.map((arg: unknown) => (typeof arg === "string" ? scrubSecrets(arg) : arg));
          // `log.error("text:", error)`, console-style: the error becomes `err`, not a lost argument.
          if (typeof scrubbed[0] === "string" && scrubbed.length === 2 && scrubbed[1] instanceof Error) {
            return method.apply(this, [{ err: scrubbed[1] }, scrubbed[0]] as unknown as Parameters<typeof method>);
          }
          return method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    stream,
  );
}

// One per process (Next's bundles and the production server share it), so that a redirect or a
// level change reaches every copy of this module.
const globalForLogger = globalThis as unknown as { tocsinLogger?: LoggerState };
const state: LoggerState = (globalForLogger.tocsinLogger ??= (() => {
  const holder = { sink: defaultSink() } as LoggerState;
  holder.root = createRoot({ write: (line: string) => holder.sink.write(line) });
  holder.modules = new Map();
  return holder;
})());

/** The logger of one part of Tocsin (`jobs`, `ingest`, `deliveries`, …): its lines carry `module`. */
export function getLogger(module: string): Logger {
  let logger = state.modules.get(module);
  if (!logger) {
    logger = state.root.child({ module });
    state.modules.set(module, logger);
  }
  return logger;
}

/** Changes the level of every logger (a child keeps the level it was created with otherwise). */
export function setLogLevel(level: Level | "silent"): void {
  state.root.level = level;
  for (const logger of state.modules.values()) logger.level = level;
}

export function getLogLevel(): string {
  return state.root.level;
}

/** Tests: sends every line to `sink` until the returned function is called. */
export function redirectLogs(sink: Sink): () => void {
  const previous = state.sink;
  state.sink = sink;
  return () => {
    state.sink = previous;
  };
}
