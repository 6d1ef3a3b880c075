import type { Severity } from "../severity";

const namedColours: Record<string, Severity> = {
  danger: "high",
  attention: "high",
  warning: "medium",
  good: "info",
};

/**
 * What a message colour says: Slack's danger/warning/good, Adaptive Card's attention/warning/good,
 * or a hex colour read by hue — red is high, orange to yellow medium, green info. Blue, purple
 * and greys are how tools brand messages, not how they rate them, so they say nothing.
 */
export function parseColourSeverity(value: unknown): Severity | null {
  if (typeof value !== "string") return null;
  const colour = value.trim().toLowerCase();
  const named = namedColours[colour];
  if (named) return named;
  const hex = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/.exec(colour)?.[1];
  if (!hex) return null;
  const full = hex.length === 3 ? [...hex].map((digit) => digit + digit).join("") : hex;
  const [r, g, b] = [0, 2, 4].map((offset) => parseInt(full.slice(offset, offset + 2), 16) / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const lightness = (max + min) / 2;
  const saturation = max === min ? 0 : (max - min) / (1 - Math.abs(2 * lightness - 1));
  if (saturation < 0.3 || lightness < 0.15 || lightness > 0.9) return null;
  const hue = computeHue(r, g, b, max, min);
  if (hue < 20 || hue >= 335) return "high";
  if (hue < 65) return "medium";
  if (hue < 170) return "info";
  return null;
}

function computeHue(r: number, g: number, b: number, max: number, min: number): number {
  const delta = max - min;
  let hue: number;
  if (max === r) hue = ((g - b) / delta) % 6;
  else if (max === g) hue = (b - r) / delta + 2;
  else hue = (r - g) / delta + 4;
  return (hue * 60 + 360) % 360;
}

/** Severity from the words of a title, for messages without a colour: a last resort. */
export function guessSeverityFromWords(text: string): Severity | null {
  if (/\b(resolved|recovered|succeeded|successful|passed)\b/i.test(text)) return "info";
  if (/\b(critical|fatal|emergency)\b/i.test(text)) return "critical";
  if (/\b(error|errors|failed|failure|failing|exception|down)\b/i.test(text)) return "high";
  if (/\b(warning|warn|degraded)\b/i.test(text)) return "medium";
  return null;
}

// Status emoji tools put in front of chat messages (Slack :name: codes).
const emojiSeverity: Record<string, Severity> = {
  rotating_light: "high",
  fire: "high",
  red_circle: "high",
  x: "high",
  no_entry: "high",
  bangbang: "high",
  sos: "critical",
  skull: "critical",
  warning: "medium",
  large_orange_circle: "medium",
  large_yellow_circle: "medium",
  white_check_mark: "info",
  heavy_check_mark: "info",
  large_green_circle: "info",
  information_source: "info",
};

export function parseEmojiSeverity(name: string): Severity | null {
  return emojiSeverity[name] ?? null;
}
