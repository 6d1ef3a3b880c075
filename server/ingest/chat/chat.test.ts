import { describe, expect, it } from "vitest";
import { splitLabelledText } from "./chat-message";
import { guessSeverityFromWords, parseColourSeverity } from "./guess-severity";
import { convertMarkdown, convertMrkdwn } from "./markup";

describe("convertMrkdwn", () => {
  it("turns links, mentions and channels into plain text and collects the links", () => {
    const plain = convertMrkdwn("See <https://x.example.com/a?b=1&amp;c=2|the report>, <https://y.example.com>, <mailto:a@example.com|mail>, <@U024BE7LH>, <#C0123|sec-ops> and <!here>");
    expect(plain.text).toBe("See the report (https://x.example.com/a?b=1&c=2), https://y.example.com, mail (mailto:a@example.com), @U024BE7LH, #sec-ops and @here");
    expect(plain.links.map((link) => link.url)).toEqual(["https://x.example.com/a?b=1&c=2", "https://y.example.com", "mailto:a@example.com"]);
  });

  it("leaves angle brackets that are no Slack link alone", () => {
    expect(convertMrkdwn("{'config': <Api_Configuration: payments-api / Dependency-Track>}").text).toBe(
      "{'config': <Api_Configuration: payments-api / Dependency-Track>}",
    );
  });

  it("drops emphasis around words only", () => {
    expect(convertMrkdwn("*bold* _italic_ ~gone~ **Firing**").text).toBe("bold italic gone Firing");
    expect(convertMrkdwn("2*3*4 snake_case_name password: ********").text).toBe("2*3*4 snake_case_name password: ********");
  });

  it("decodes entities and takes out emoji codes, remembering them", () => {
    const plain = convertMrkdwn(":rotating_light: a &lt;b&gt; &amp; c at 10:30:00");
    expect(plain).toMatchObject({ text: "a <b> & c at 10:30:00", emoji: ["rotating_light"] });
  });
});

describe("convertMarkdown", () => {
  it("turns markdown links and the HTML MessageCards allow into text", () => {
    const plain = convertMarkdown("**Scan** of [web](https://git.example.com/web)<br/>done &amp; <i>green</i>");
    expect(plain.text).toBe("Scan of web (https://git.example.com/web)\ndone & green");
    expect(plain.links).toEqual([{ label: "web", url: "https://git.example.com/web" }]);
  });

  it("keeps text in angle brackets that is not an HTML tag", () => {
    expect(convertMarkdown("<Api_Configuration: x>").text).toBe("<Api_Configuration: x>");
  });
});

describe("parseColourSeverity", () => {
  it("reads named colours and hex colours by hue, ignoring greys and blues", () => {
    const cases: [string, string | null][] = [
      ["danger", "high"],
      ["Attention", "high"],
      ["warning", "medium"],
      ["good", "info"],
      ["#D63232", "high"],
      ["#fd4b2d", "high"],
      ["E81123", "high"],
      ["#f90", "medium"],
      ["#ffc107", "medium"],
      ["#36a64f", "info"],
      ["#439FE0", null],
      ["0076D7", null],
      ["#808080", null],
      ["#ffffff", null],
      ["accent", null],
      ["not a colour", null],
    ];
    for (const [colour, severity] of cases) expect(parseColourSeverity(colour), colour).toBe(severity);
    expect(parseColourSeverity(undefined)).toBeNull();
  });
});

describe("guessSeverityFromWords", () => {
  it("reads a title's words, resolution first", () => {
    expect(guessSeverityFromWords("[RESOLVED] Backup failed")).toBe("info");
    expect(guessSeverityFromWords("Fatal error in worker")).toBe("critical");
    expect(guessSeverityFromWords("Login failed for jdoe")).toBe("high");
    expect(guessSeverityFromWords("Disk warning")).toBe("medium");
    expect(guessSeverityFromWords("Weekly digest")).toBeNull();
  });
});

describe("splitLabelledText", () => {
  it("reads a label line ending in a colon followed by the value", () => {
    expect(splitLabelledText("Exception message:\nmissing field 'runs'")).toEqual({ name: "Exception message", value: "missing field 'runs'" });
    expect(splitLabelledText("Trace:\n```\nline 1\n```")).toEqual({ name: "Trace", value: "```\nline 1\n```" });
    expect(splitLabelledText("No label here\nsecond line")).toBeNull();
    expect(splitLabelledText("Only: one line")).toBeNull();
  });
});
