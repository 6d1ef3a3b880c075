import { auth } from "@/server/auth/auth";
import { getDb } from "@/server/db/client";
import type { TrpcContext } from "./trpc";

/** The tRPC context of one HTTP request or server-component render. */
export async function createRequestContext(headers: Headers): Promise<TrpcContext> {
  const session = await auth();
  const user = session?.user?.id && session.user.email ? { id: session.user.id, email: session.user.email, name: session.user.name } : null;
  return { db: getDb(), user, origin: getPublicOrigin(headers), ip: getClientIp(headers) };
}

/**
 * The client's address, for the audit trail: the first hop of X-Forwarded-For (which Next sets
 * from the socket when no proxy did), else X-Real-IP. Like the origin above, it trusts the proxy
 * in front of Tocsin to set these headers.
 */
export function getClientIp(headers: Headers): string | null {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const address = forwarded || headers.get("x-real-ip")?.trim() || null;
  // IPv4-mapped IPv6 (`::ffff:203.0.113.9`), as Node reports IPv4 clients on dual-stack sockets.
  return address ? address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1").slice(0, 100) : null;
}

/** AUTH_URL when the operator set it; otherwise what the request (or its proxy) says. */
export function getPublicOrigin(headers: Headers): string {
  if (process.env.AUTH_URL) return new URL(process.env.AUTH_URL).origin;
  const host = headers.get("x-forwarded-host") ?? headers.get("host") ?? "localhost:3000";
  const proto = headers.get("x-forwarded-proto") ?? (host.startsWith("localhost") || host.startsWith("127.") ? "http" : "https");
  return `${proto.split(",")[0]!.trim()}://${host.split(",")[0]!.trim()}`;
}
