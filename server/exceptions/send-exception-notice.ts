import { safePost, type SafeHttpOptions } from "@/server/channels/safe-http";
import { getConfiguredOrigin } from "@/server/config/runtime";
import type { Db } from "@/server/db/client";
import { escapeHtml } from "@/server/mail/layout";
import { sendMail } from "@/server/mail/send-mail";
import type { ExceptionDescription } from "./describe-exception";

/** What a notice says: the exception (secrets already masked), where, and how often. */
export type ExceptionNotice = {
  exception: ExceptionDescription;
  origin: string;
  workspace: { id: string; name: string } | null;
  occurrences: number;
  firstSeenAt: Date;
  /** Occurrences not sent since the previous notice. */
  suppressedBefore: number;
  windowSeconds: number | null;
  at: Date;
};

export type NoticeTargets = { emails: string[]; teamsUrl: string | null };

/** How each target fared; a failure is said, never thrown. */
export type NoticeOutcome = { emails: { to: string; ok: boolean; error?: string }[]; teams: { ok: boolean; status?: number; error?: string } | null };

const TEAMS_TRACEBACK_CHARS = 8_000;
const SUBJECT_CHARS = 180;

function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

function describeRepeats(notice: ExceptionNotice): string | null {
  if (notice.suppressedBefore === 0) return null;
  return `+${notice.suppressedBefore} more since the last notice`;
}

function listFacts(notice: ExceptionNotice): { label: string; value: string }[] {
  const facts = [
    { label: "Where", value: notice.origin },
    { label: "Workspace", value: notice.workspace?.name ?? "none (instance)" },
    { label: "Occurrences", value: `${notice.occurrences} since ${notice.firstSeenAt.toISOString()}` },
    { label: "This one", value: notice.at.toISOString() },
  ];
  const repeats = describeRepeats(notice);
  if (repeats) facts.push({ label: "Since the last notice", value: repeats });
  return facts;
}

function describeWindow(seconds: number | null): string {
  if (!seconds) return "the rate-limit window";
  if (seconds % 86_400 === 0) return `${seconds / 86_400} day${seconds === 86_400 ? "" : "s"}`;
  if (seconds % 3_600 === 0) return `${seconds / 3_600} hour${seconds === 3_600 ? "" : "s"}`;
  return `${Math.round(seconds / 60)} minutes`;
}

export function renderExceptionEmail(notice: ExceptionNotice): { subject: string; text: string; html: string } {
  const { exception } = notice;
  const adminUrl = `${getConfiguredOrigin()}/admin`;
  const repeats = describeRepeats(notice);
  const subject = oneLine(`[Tocsin] ${exception.exceptionClass}: ${exception.message} (${notice.origin})${repeats ? ` ${repeats}` : ""}`, SUBJECT_CHARS);
  const facts = listFacts(notice);
  const footer = `You receive this because your address is an exception recipient in Tocsin's instance settings (${adminUrl}). The same exception is sent at most once per ${describeWindow(notice.windowSeconds)}.`;
  const text = [
    `Tocsin hit an unexpected error.`,
    "",
    ...facts.map((fact) => `${fact.label}: ${fact.value}`),
    "",
    exception.traceback,
    "",
    footer,
    "",
  ].join("\n");
  const html = `<!doctype html>
<html><body style="margin:0;background:#f4f4f5;font-family:ui-sans-serif,system-ui,-apple-system,Segoe UI,Roboto,sans-serif">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:32px 16px">
<table role="presentation" width="640" cellpadding="0" cellspacing="0" style="background:#ffffff;border-radius:8px;padding:32px">
<tr><td>
<p style="margin:0 0 24px;font-weight:700;font-size:18px;color:#b91c1c">Tocsin</p>
<h1 style="margin:0 0 16px;font-size:20px;color:#111827">${escapeHtml(`${exception.exceptionClass}: ${oneLine(exception.message, 300)}`)}</h1>
<table role="presentation" cellpadding="0" cellspacing="0" style="margin:0 0 16px;font-size:14px;line-height:20px;color:#1f2937">
${facts.map((fact) => `<tr><td style="padding:2px 16px 2px 0;color:#6b7280;white-space:nowrap">${escapeHtml(fact.label)}</td><td>${escapeHtml(fact.value)}</td></tr>`).join("\n")}
</table>
<pre style="margin:0 0 16px;padding:12px;background:#f4f4f5;border-radius:6px;font-size:12px;line-height:17px;white-space:pre-wrap;word-break:break-word;color:#111827">${escapeHtml(exception.traceback)}</pre>
<p style="margin:24px 0"><a href="${escapeHtml(adminUrl)}" style="display:inline-block;background:#111827;color:#ffffff;text-decoration:none;padding:10px 18px;border-radius:6px;font-weight:600">Recent exceptions</a></p>
<p style="margin:0;font-size:13px;line-height:20px;color:#6b7280">${escapeHtml(footer)}</p>
</td></tr></table></td></tr></table>
</body></html>`;
  return { subject, text, html };
}

const textBlock = (text: string, style: Record<string, unknown> = {}) => ({ type: "TextBlock", text, wrap: true, ...style });

/** The notice as a Teams Workflows message: an Adaptive Card, as the teams channel kind sends. */
export function renderExceptionTeamsCard(notice: ExceptionNotice): unknown {
  const { exception } = notice;
  const traceback = exception.traceback.length > TEAMS_TRACEBACK_CHARS ? `${exception.traceback.slice(0, TEAMS_TRACEBACK_CHARS - 1)}…` : exception.traceback;
  const card = {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: "1.4",
    body: [
      textBlock("Tocsin error", { weight: "Bolder", color: "Attention" }),
      textBlock(oneLine(`${exception.exceptionClass}: ${exception.message}`, 500), { size: "Large", weight: "Bolder" }),
      { type: "FactSet", facts: listFacts(notice).map((fact) => ({ title: fact.label, value: fact.value })) },
      textBlock(traceback, { fontType: "Monospace", size: "Small" }),
    ],
    actions: [{ type: "Action.OpenUrl", title: "Recent exceptions", url: `${getConfiguredOrigin()}/admin` }],
  };
  return { type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: card }] };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Sends the notice to every target at once: one email per recipient through the project's mail
 * path (outbox or Resend), and the card to the Teams webhook through the SSRF-safe client. Each
 * failure is reported in the outcome; nothing throws.
 */
export async function sendExceptionNotice(db: Db, notice: ExceptionNotice, targets: NoticeTargets, options: { safeHttp?: SafeHttpOptions } = {}): Promise<NoticeOutcome> {
  const email = targets.emails.length > 0 ? renderExceptionEmail(notice) : null;
  const [emails, teams] = await Promise.all([
    Promise.all(
      targets.emails.map(async (to) => {
        try {
          await sendMail(db, { to, ...email! });
          return { to, ok: true };
        } catch (error) {
          return { to, ok: false, error: errorText(error) };
        }
      }),
    ),
    targets.teamsUrl
      ? safePost(targets.teamsUrl, JSON.stringify(renderExceptionTeamsCard(notice)), {}, options.safeHttp).then(
          (outcome) =>
            outcome.kind === "answered"
              ? { ok: outcome.status >= 200 && outcome.status < 300, status: outcome.status }
              : { ok: false, error: outcome.message },
          (error: unknown) => ({ ok: false, error: errorText(error) }),
        )
      : Promise.resolve(null),
  ]);
  return { emails, teams };
}
