import type { ChatLink } from "./chat-message";

export type PlainText = { text: string; links: ChatLink[]; emoji: string[] };

const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", "#39": "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|nbsp|#39);/g, (_, name: string) => entities[name]!);
}

// *bold*, _italic_, ~strike~ only where they wrap words, so "2*3*4", snake_case or a masked
// "********" stay intact.
function stripEmphasis(text: string, markers: string): string {
  const marker = `[${markers}]`;
  const pattern = new RegExp(`(^|[\\s(\\[])(${marker}{1,2})(?=[^\\s${markers}])([^\\n]*?[^\\s${markers}])\\2(?=$|[\\s)\\].,:;!?])`, "gm");
  return text.replace(pattern, "$1$3");
}

// Slack writes emoji as :name:; in plain text they are noise, but some say how bad things are.
function takeEmoji(text: string, emoji: string[]): string {
  return text.replace(/(^|\s):([a-z0-9_+-]+):(?=\s|$)/g, (_, before: string, name: string) => {
    emoji.push(name);
    return before;
  });
}

// Slack's <…> is a link only around a URL (scheme:…), a mention (@, #) or a command (!).
const isSlackTarget = (target: string) => /^[@#!]/.test(target) || /^[a-z][a-z0-9+.-]*:\S+$/i.test(target);

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
  const emoji: string[] = [];
  const replaced = text.replace(/<([^<>|\n]+)(?:\|([^<>\n]*))?>/g, (whole: string, target: string, label: string | undefined) => {
    if (!isSlackTarget(target)) return whole;
    const shown = label?.trim() || null;
    if (target.startsWith("@")) return `@${shown ?? target.slice(1)}`;
    if (target.startsWith("#")) return `#${shown ?? target.slice(1)}`;
    if (target.startsWith("!")) return shown ?? (/^!(here|channel|everyone)$/.test(target) ? `@${target.slice(1)}` : "");
    // Slack escapes & in URLs too.
    return describeLink(shown && decodeEntities(shown), decodeEntities(target), links);
  });
  return { text: decodeEntities(takeEmoji(stripEmphasis(replaced, "*_~"), emoji)).trim(), links, emoji };
}

// Only the tags MessageCards support: "<Api_Configuration: x>" in a Python repr is text, not HTML.
const htmlTagPattern = /<\/?(a|b|i|u|s|em|strong|strike|p|div|span|br|hr|ul|ol|li|h[1-6]|pre|code|blockquote|table|thead|tbody|tr|td|th|font|img)\b[^>]*>/gi;

/**
 * Teams markdown (and the bits of HTML MessageCards allow) as plain text: `[label](url)` →
 * "label (url)", tags removed with line breaks kept, emphasis dropped, entities decoded.
 */
export function convertMarkdown(text: string): PlainText {
  const links: ChatLink[] = [];
  const withoutHtml = text
    .replace(/<a\s[^>]*href="([^"]+)"[^>]*>([\s\S]*?)<\/a>/gi, (_, url: string, label: string) => describeLink(label.trim() || null, url, links))
    .replace(/<br\s*\/?>|<\/(p|div|li|h\d)>/gi, "\n")
    .replace(htmlTagPattern, "");
  const withLinks = withoutHtml.replace(/\[([^\]\n]*)\]\(([^()\s]+)\)/g, (_, label: string, url: string) => describeLink(label.trim() || null, url, links));
  return { text: decodeEntities(stripEmphasis(withLinks, "*_")), links, emoji: [] };
}
