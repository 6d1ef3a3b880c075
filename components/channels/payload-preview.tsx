import type { RenderedPayload } from "@/server/channels/notification-message";
import { describePayloadSize, prettyBody } from "./payload-size";

/**
 * The exact payload a channel receives: the JSON body of an HTTP kind, or an email's subject,
 * HTML part (in a sandboxed frame: no script, no same-origin access) and text part.
 */
export function PayloadPreview({ rendered }: { rendered: RenderedPayload }) {
  return (
    <div className="space-y-3" data-testid="payload-preview">
      <p className="text-sm text-zinc-700">
        <span className="font-medium text-zinc-900" data-testid="payload-size">
          {describePayloadSize(rendered)}
        </span>
        <span className="block text-xs text-zinc-500">Limits: {rendered.limits}</span>
      </p>
      {rendered.kind === "http" ? (
        <Code label={`Request body (${rendered.contentType})`}>{prettyBody(rendered.body)}</Code>
      ) : (
        <div className="space-y-3">
          <p className="text-sm">
            <span className="text-zinc-500">Subject: </span>
            <span className="font-medium text-zinc-900" data-testid="email-subject">
              {rendered.subject}
            </span>
          </p>
          <div>
            <p className="mb-1 text-xs font-medium text-zinc-500 uppercase">HTML part</p>
            <iframe sandbox="" srcDoc={rendered.html} title="HTML part of the email" className="h-80 w-full rounded-md border border-zinc-200 bg-white" />
          </div>
          <Code label="Text part">{rendered.text}</Code>
        </div>
      )}
    </div>
  );
}

function Code({ label, children }: { label: string; children: string }) {
  return (
    <div>
      <p className="mb-1 text-xs font-medium text-zinc-500 uppercase">{label}</p>
      <pre className="max-h-80 overflow-auto rounded-md bg-zinc-950 px-3 py-2 font-mono text-xs leading-relaxed whitespace-pre-wrap break-all text-zinc-100" aria-label={label}>
        {children}
      </pre>
    </div>
  );
}
