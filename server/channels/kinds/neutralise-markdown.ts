/*
 * Event text comes from outside (a tool, or whoever can make that tool log a string), so in the
 * markdown that Teams, Mattermost and Discord render it must not become a link dressed as
 * something else, an image fetched by every client, or a mention that pages a whole channel.
 */

// Zero-width characters break the syntax while leaving the text readable.
const zeroWidthSpace = "\u200b";
const zeroWidthJoiner = "\u200d";

/**
 * `[text](url)`, `![img](url)`, `[text][ref]` and `[ref]: url` lose their link syntax;
 * `@channel`, `@here`, `@all`, `@everyone`, `@user` and Discord's `<@123>` / `<@&role>` stop being
 * mentions. An address such as `jdoe@example.com` is left alone: a mention starts a word.
 */
export function neutraliseMarkdown(text: string): string {
  return text.replace(/\](?=[([:])/g, `]${zeroWidthSpace}`).replace(/(^|[^\p{L}\p{N}_])@(?=\S)/gu, `$1@${zeroWidthJoiner}`);
}
