import { describe, expect, it } from "vitest";
import { buildTruncationMarker, createTextFitter, cutText, fitText, renderWithinLimit } from "./truncate";

const link = "https://tocsin.example.com/w/acme/events/1";
const marker = buildTruncationMarker(link);
const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe("cutText", () => {
  it("keeps text that fits", () => {
    expect(cutText("abc", 3)).toBe("abc");
  });

  it("never splits a surrogate pair", () => {
    const text = "ab🔥cd";
    expect(cutText(text, 3)).toBe("ab");
    expect(cutText(text, 4)).toBe("ab🔥");
    for (let max = 0; max <= text.length; max++) expect(cutText(text, max)).not.toMatch(lone);
  });
});

describe("fitText", () => {
  it("returns the text as it is when it fits", () => {
    expect(fitText("hello", 5)).toEqual({ text: "hello", truncated: false });
  });

  it("cuts with an ellipsis by default, within the limit", () => {
    expect(fitText("hello world", 8)).toEqual({ text: "hello w…", truncated: true });
  });

  it("ends a cut with the given suffix and stays within the limit", () => {
    const { text, truncated } = fitText("x".repeat(500), 200, { suffix: marker });
    expect(truncated).toBe(true);
    expect(text).toHaveLength(200);
    expect(text.endsWith(marker)).toBe(true);
  });

  it("measures after the transform, so escaping cannot push the text over", () => {
    const escape = (value: string) => value.replace(/&/g, "&amp;");
    const { text } = fitText("&".repeat(100), 50, { transform: escape });
    expect(text.length).toBeLessThanOrEqual(50);
    expect(text).toMatch(/^(&amp;)+…$/);
  });

  it("leaves no lone surrogate whatever the limit", () => {
    const text = "🚨 alert ".repeat(40);
    for (let max = 1; max < 120; max++) {
      const fitted = fitText(text, max);
      expect(fitted.text.length).toBeLessThanOrEqual(max);
      expect(fitted.text).not.toMatch(lone);
    }
  });
});

describe("createTextFitter", () => {
  it("uses the marker for long text and records the cut", () => {
    const fit = createTextFitter({ eventLink: link });
    expect(fit.truncated).toBe(false);
    expect(fit.fitLong("y".repeat(300), 150).endsWith(marker)).toBe(true);
    expect(fit.truncated).toBe(true);
    expect(fit.pendingNotice()).toBeNull();
  });

  it("asks for a notice when only a label was cut, so the link still shows", () => {
    const fit = createTextFitter({ eventLink: link });
    expect(fit.fitShort("a long title", 6)).toBe("a lon…");
    expect(fit.pendingNotice()).toBe(`[truncated — full event in Tocsin: ${link}]`);
  });

  it("applies the transform to what it fits", () => {
    const fit = createTextFitter({ eventLink: link, transform: (value) => value.toUpperCase() });
    expect(fit.fitShort("abc", 10)).toBe("ABC");
  });
});

describe("renderWithinLimit", () => {
  it("takes the first budget that fits", () => {
    expect(renderWithinLimit([100, 50, 10], (size) => "z".repeat(size), (text) => text.length, 60)).toHaveLength(50);
  });

  it("throws when even the last budget does not fit (a bug in the kind, not bad input)", () => {
    expect(() => renderWithinLimit([100, 80], (size) => "z".repeat(size), (text) => text.length, 60)).toThrow(/does not fit/);
  });
});
