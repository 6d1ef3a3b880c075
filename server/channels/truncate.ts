/*
 * Fitting text into a receiver's limits. Long text (an event's message, its details) is cut with
 * a marker that links back to the event, labels (titles, field values) with an ellipsis; either
 * way the cut never falls between the two halves of a surrogate pair, and the rendered payload
 * says it was truncated and shows the marker at least once.
 */

export const ellipsis = "…";

/** What ends a cut text: where to read the rest. */
export function buildTruncationMarker(eventLink: string): string {
  return `${ellipsis} [truncated — full event in Tocsin: ${eventLink}]`;
}

/** `value` cut to at most `max` UTF-16 units, never between a high and a low surrogate. */
export function cutText(value: string, max: number): string {
  if (value.length <= max) return value;
  const end = Math.max(0, max);
  const last = value.charCodeAt(end - 1);
  return value.slice(0, last >= 0xd800 && last <= 0xdbff ? end - 1 : end);
}

export type FitTextOptions = {
  /** Appended when cut (not transformed): the ellipsis by default. */
  suffix?: string;
  /** Applied to the kept text before measuring (escaping can make it longer). */
  transform?: (text: string) => string;
};

/** `value`, transformed, within `max` UTF-16 units: cut and ended with `suffix` when it does not fit. */
export function fitText(value: string, max: number, options: FitTextOptions = {}): { text: string; truncated: boolean } {
  const { suffix = ellipsis, transform = (text: string) => text } = options;
  const whole = transform(value);
  if (whole.length <= max) return { text: whole, truncated: false };
  const build = (keep: number) => `${transform(cutText(value, keep).trimEnd())}${suffix}`;
  if (suffix.length > max) return { text: cutText(suffix, max), truncated: true };
  // Escaping may grow the kept part: the longest prefix whose transformed text still fits.
  let low = 0;
  let high = Math.min(value.length, max - suffix.length);
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (build(middle).length <= max) low = middle;
    else high = middle - 1;
  }
  return { text: build(low), truncated: true };
}

export function countUtf8Bytes(value: string): number {
  return Buffer.byteLength(value, "utf8");
}

/** Fits texts for one rendering, remembering whether anything was cut and whether the marker shows. */
export type TextFitter = {
  /** Long text: ends with the marker (and the event's link) when cut. */
  fitLong(value: string, max: number): string;
  /** A label: ends with an ellipsis when cut. */
  fitShort(value: string, max: number): string;
  /** Records a cut made elsewhere (details left out), with or without the marker shown for it. */
  noteCut(markerShown: boolean): void;
  readonly truncated: boolean;
  /** The marker, when something was cut but no marker is shown yet: the kind adds it as a note. */
  pendingNotice(): string | null;
  readonly marker: string;
};

export function createTextFitter(options: { eventLink: string; transform?: (text: string) => string }): TextFitter {
  const marker = buildTruncationMarker(options.eventLink);
  let truncated = false;
  let markerShown = false;
  const fit = (value: string, max: number, suffix: string) => {
    const result = fitText(value, max, { suffix, transform: options.transform });
    if (result.truncated) {
      truncated = true;
      if (suffix === marker) markerShown = true;
    }
    return result.text;
  };
  return {
    marker,
    fitLong: (value, max) => fit(value, max, marker),
    fitShort: (value, max) => fit(value, max, ellipsis),
    noteCut(shown) {
      truncated = true;
      if (shown) markerShown = true;
    },
    get truncated() {
      return truncated;
    },
    pendingNotice: () => (truncated && !markerShown ? marker.slice(ellipsis.length).trimStart() : null),
  };
}

/**
 * Renders with the first budget whose result fits `limit` (budgets from most to least generous).
 * The last budget must always fit: it is the kind's guarantee, so missing it is a bug, not input.
 */
export function renderWithinLimit<Budget, Result>(
  budgets: readonly Budget[],
  render: (budget: Budget) => Result,
  measure: (result: Result) => number,
  limit: number,
): Result {
  for (const budget of budgets) {
    const result = render(budget);
    if (measure(result) <= limit) return result;
  }
  throw new Error(`Rendering does not fit its limit of ${limit} even with the smallest budget`);
}
