import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { LinkifiedText } from "@/components/outbox/linkified-text";
import { isMailOutboxEnabled } from "@/server/config/runtime";
import { getDb } from "@/server/db/client";
import { listOutbox } from "@/server/mail/outbox";

export const metadata: Metadata = { title: "Outbox" };
export const dynamic = "force-dynamic";

// Exists only while no mail provider is configured: with RESEND_API_KEY set this is a 404.
export default async function OutboxPage() {
  if (!isMailOutboxEnabled()) notFound();
  const messages = await listOutbox(getDb(), { limit: 50 });
  return (
    <AuthCard title="Local outbox" wide>
      <p className="mb-4 text-sm text-zinc-600">
        No mail provider is configured, so Tocsin keeps its emails here instead of sending them. Set{" "}
        <code className="rounded bg-zinc-100 px-1">RESEND_API_KEY</code> to send real email; this page then disappears.
        Anyone who can reach this server can read this page: do not expose embedded mode to the internet.
      </p>
      {messages.length === 0 ? (
        <p className="text-sm text-zinc-500">No emails yet.</p>
      ) : (
        <ul className="divide-y divide-zinc-100">
          {messages.map((message) => (
            <li key={message.id} className="py-4" data-testid="outbox-message">
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <p className="font-medium text-zinc-900">{message.subject}</p>
                <time className="text-xs text-zinc-500" dateTime={message.createdAt.toISOString()}>
                  {message.createdAt.toISOString().replace("T", " ").slice(0, 19)} UTC
                </time>
              </div>
              <p className="mb-2 text-xs text-zinc-500">
                To <span data-testid="outbox-to">{message.to}</span> · from {message.from}
              </p>
              <LinkifiedText text={message.text} />
            </li>
          ))}
        </ul>
      )}
    </AuthCard>
  );
}
