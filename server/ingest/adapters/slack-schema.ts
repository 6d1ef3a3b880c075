import { z } from "zod";

const optionalText = z.string().nullish();

// Only what Tocsin reads is checked; everything else Slack allows passes through to raw.
const textObjectSchema = z.looseObject({ type: optionalText, text: z.string() });

const blockSchema = z.looseObject({
  type: z.string(),
  text: textObjectSchema.nullish(),
  fields: z.array(textObjectSchema).nullish(),
  elements: z.array(z.unknown()).nullish(),
});

const attachmentSchema = z.looseObject({
  fallback: optionalText,
  color: optionalText,
  pretext: optionalText,
  author_name: optionalText,
  title: optionalText,
  title_link: optionalText,
  text: optionalText,
  fields: z
    .array(z.looseObject({ title: optionalText, value: z.union([z.string(), z.number(), z.boolean()]).nullish() }))
    .nullish(),
  footer: optionalText,
  // Slack documents an integer; some tools send the number as a string.
  ts: z.union([z.number(), z.string()]).nullish(),
  blocks: z.array(blockSchema).nullish(),
});

export const slackMessageSchema = z.looseObject({
  text: optionalText,
  blocks: z.array(blockSchema).nullish(),
  attachments: z.array(attachmentSchema).nullish(),
  username: optionalText,
  channel: optionalText,
});

export type SlackTextObject = z.output<typeof textObjectSchema>;
export type SlackBlock = z.output<typeof blockSchema>;
export type SlackAttachment = z.output<typeof attachmentSchema>;
