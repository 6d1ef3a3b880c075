import type { ChatLink } from "./chat-message";

export type PlainText = { text: string; links: ChatLink[] };

const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", "#39": "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|nbsp|#39);/g, (_, name: string) => entities[name]!);
}

// *bold*, _italic_, ~strike~ only where they wrap words, so "2*3*4" or snake_case stay intact.
function stripEmphasis(text: string, markers: string): string {
  const marker = `[${markers}]`;
  const pattern = new RegExp(`(^|[\\s(\\[])(${marker}{1,2})(?=\\S)([^\\n]*?\\S)\\2(?=$|[\\s)\\].,:;!?])`, "gm");
  return text.replace(pattern, "$1$3");
}

function describeLink(label: string | null, url: string, links: ChatLink[]): string {
  links.push({ label, url });
  return label && label !== url ? `${label} (${url})` : url;
}

/**
 * Slack mrkdwn as plain text: `<url|label>` → "label (url)", mentions as @name / #channel,
 * emphasis markers dropped, entities decoded. Links are also collected.
 */
export function convertMrkdwn(text: string): PlainText {
  const links: ChatLink[] = [];
  const replaced = text.replace(/<([^<>|\n]+)(?:\|([^<>\n]*))?>/g, (_, target: string, label: string | undefined) => {
    const shown = label?.trim() || null;
    if (target.startsWith("@")) return `@${shown ?? target.slice(1)}`;
    if (target.startsWith("#")) return `#${shown ?? target.slice(1)}`;
    if (target.startsWith("!")) return shown ?? (/^!(here|channel|everyone)$/.test(target) ? `@${target.slice(1)}` : "");
    return describeLink(shown, target, links);
  });
  return { text: decodeEntities(stripEmphasis(replaced, "*_~")), links };
}

/**
 * Teams markdown (and the bits of HTML MessageCards allow) as plain text: `[label](url)` →
 * "label (url)", tags removed with line breaks kept, emphasis dropped, entities decoded.
 */
export function convertMarkdown(text: string): PlainText {
  const links: ChatLink[] = [];
  const withoutHtml = text
    .replace(/<a\s[^>]*href="([^"]+)"[^>]*>([\s\S]*?)<\/a>/gi, (_, url: string, label: string) => describeLink(label.trim() || null, url, links))
    .replace(/<br\s*\/?>|<\/(p|div|li|h\d)>/gi, "\n")
    .replace(/<\/?[a-z][^>]*>/gi, "");
  const withLinks = withoutHtml.replace(/\[([^\]\n]*)\]\(([^()\s]+)\)/g, (_, label: string, url: string) => describeLink(label.trim() || null, url, links));
  return { text: decodeEntities(stripEmphasis(withLinks, "*_")), links };
}
