import path from "node:path";

// The runtime mode is decided by one variable: with DATABASE_URL Tocsin is a server
// (PostgreSQL, Inngest, Resend); without it, everything is embedded under the data directory.
export type RuntimeMode = "embedded" | "server";

export function getRuntimeMode(): RuntimeMode {
  return process.env.DATABASE_URL ? "server" : "embedded";
}

export function getDataDir(): string {
  // Not traced by the bundler: the data directory is runtime state, not part of the app.
  return path.resolve(/*turbopackIgnore: true*/ process.env.TOCSIN_DATA_DIR || ".data");
}

/** Mail goes to the local outbox whenever no Resend key is configured. */
export function isMailOutboxEnabled(): boolean {
  return !process.env.RESEND_API_KEY;
}

export function getMailFrom(): string {
  return process.env.EMAIL_FROM || "Tocsin <tocsin@localhost>";
}

/**
 * The app's public origin for links made outside a request (jobs: links in notifications):
 * AUTH_URL when set, else this machine's own address on PORT.
 */
export function getConfiguredOrigin(): string {
  if (process.env.AUTH_URL) return new URL(process.env.AUTH_URL).origin;
  return `http://localhost:${process.env.PORT || 3000}`;
}
