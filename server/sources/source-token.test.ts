import { describe, expect, it } from "vitest";
import { generateSourceToken, hashSourceToken, isWellFormedSourceToken } from "./source-token";

describe("source tokens", () => {
  it("are prefixed, 50 characters long, unique, and pass their own checksum", () => {
    const tokens = Array.from({ length: 200 }, () => generateSourceToken());
    for (const { token, hash, displayPrefix } of tokens) {
      expect(token).toMatch(/^tcn_[0-9A-Za-z]{46}$/);
      expect(isWellFormedSourceToken(token)).toBe(true);
      expect(hash).toBe(hashSourceToken(token));
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect(token.startsWith(displayPrefix)).toBe(true);
      expect(displayPrefix).toHaveLength(10);
    }
    expect(new Set(tokens.map((t) => t.token)).size).toBe(tokens.length);
  });

  it("reject any single-character typo through the checksum", () => {
    const { token } = generateSourceToken();
    for (let i = 4; i < token.length; i++) {
      const replacement = token[i] === "a" ? "b" : "a";
      const typo = token.slice(0, i) + replacement + token.slice(i + 1);
      expect(isWellFormedSourceToken(typo), `typo at ${i}`).toBe(false);
    }
  });

  it("reject the wrong shape: other prefix, length, characters", () => {
    const { token } = generateSourceToken();
    for (const bad of ["", "tcn_", token.slice(0, -1), `${token}x`, token.replace("tcn_", "tcx_"), token.replace(/.$/, "-"), ` ${token}`, token.toUpperCase()]) {
      expect(isWellFormedSourceToken(bad), JSON.stringify(bad)).toBe(false);
    }
  });
});
