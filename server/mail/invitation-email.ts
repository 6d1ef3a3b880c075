import type { MailMessage } from "./send-mail";
import { renderEmailHtml } from "./layout";

export function renderInvitationEmail(options: {
  to: string;
  url: string;
  workspaceName: string;
  role: string;
  invitedBy: string;
  expiresAt: Date;
}): MailMessage {
  const { to, url, workspaceName, role, invitedBy, expiresAt } = options;
  const subject = `${invitedBy} invited you to ${workspaceName} on Tocsin`;
  const line = `${invitedBy} invited you to join the workspace "${workspaceName}" as ${role}.`;
  const footer = `Sign in as ${to} to accept. The invitation expires on ${expiresAt.toUTCString()}.`;
  return {
    to,
    subject,
    text: `${line}\n\nAccept the invitation: ${url}\n\n${footer}\n`,
    html: renderEmailHtml({ heading: `Join ${workspaceName}`, paragraphs: [line], action: { label: "Accept invitation", url }, footer }),
  };
}
