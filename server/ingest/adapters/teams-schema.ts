import { z } from "zod";

const optionalText = z.string().nullish();
const factValue = z.union([z.string(), z.number(), z.boolean()]).nullish();

// The legacy Office 365 connector card; only what Tocsin reads is checked.
export const messageCardSchema = z.looseObject({
  "@type": z.string(),
  title: optionalText,
  summary: optionalText,
  text: optionalText,
  themeColor: optionalText,
  sections: z
    .array(
      z.looseObject({
        activityTitle: optionalText,
        activitySubtitle: optionalText,
        activityText: optionalText,
        title: optionalText,
        text: optionalText,
        facts: z.array(z.looseObject({ name: optionalText, value: factValue })).nullish(),
      }),
    )
    .nullish(),
  potentialAction: z
    .array(
      z.looseObject({
        "@type": optionalText,
        name: optionalText,
        targets: z.array(z.looseObject({ uri: optionalText })).nullish(),
        target: z.array(z.string()).nullish(),
      }),
    )
    .nullish(),
});

export type MessageCard = z.output<typeof messageCardSchema>;

export const adaptiveCardContentType = "application/vnd.microsoft.card.adaptive";

// What Workflows (and Power Automate's "when a Teams webhook request is received") accept.
export const workflowsMessageSchema = z.looseObject({
  type: z.literal("message"),
  attachments: z
    .array(
      z.looseObject({
        contentType: z.string(),
        content: z.unknown(),
      }),
    )
    .min(1),
});

export const adaptiveCardSchema = z.looseObject({
  type: z.literal("AdaptiveCard"),
  body: z.array(z.unknown()).nullish(),
  actions: z.array(z.unknown()).nullish(),
});

export type AdaptiveCard = z.output<typeof adaptiveCardSchema>;
