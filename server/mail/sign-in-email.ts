import type { MailMessage } from "./send-mail";
import { renderEmailHtml } from "./layout";

export function renderSignInEmail(to: string, url: string, host: string): MailMessage {
  const subject = `Sign in to Tocsin (${host})`;
  const footer = "The link works once and expires in 24 hours. If you did not ask for it, ignore this email.";
  return {
    to,
    subject,
    text: `Sign in to Tocsin on ${host}:\n\n${url}\n\n${footer}\n`,
    html: renderEmailHtml({
      heading: "Sign in to Tocsin",
      paragraphs: [`Click the button to sign in on ${host} as ${to}.`],
      action: { label: "Sign in", url },
      footer,
    }),
  };
}
