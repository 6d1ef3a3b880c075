import { describe, expect, it } from "vitest";
import { compileSafeRegex, describeRegexProblem, MAX_REGEX_LENGTH, REGEX_INPUT_LIMIT, type SafeRegex } from "./safe-regex";

function expectRegex(pattern: string): SafeRegex {
  const result = compileSafeRegex(pattern);
  if (!result.ok) expect.fail(`expected ${pattern} to be accepted, got: ${result.reason}`);
  return result.regex;
}

describe("compileSafeRegex refuses", () => {
  it.each([
    // nested repetition (star height > 1)
    ["(a+)+", /\(a\+\)\+ repeats a group that itself repeats/],
    ["(a*)*b", /repeats a group that itself repeats/],
    ["(.*a){20}", /\(\.\*a\)\{20\} repeats a group that itself repeats/],
    ["(a+){2}", /repeats a group that itself repeats/],
    ["(a?){30}", /repeats a group that itself repeats/],
    ["(\\d{1,3}\\.)+", /repeats a group that itself repeats/],
    ["^(([a-z])+.)+[A-Z]([a-z])+$", /repeats a group that itself repeats/],
    ["(?:x(?:ab+)c)*", /repeats a group that itself repeats/],
    // overlapping alternatives inside repetition
    ["(a|a)*", /the alternatives a and a can both start with "a"/],
    ["(a|ab)+$", /the alternatives a and ab can both start with "a"/],
    ["(\\w|\\d)+", /the alternatives \\w and \\d can both start with "0"/],
    ["(\\.com|\\.net)+", /can both start with "\."/],
    ["(x|[a-z])*y", /the alternatives x and \[a-z\] can both start with "x"/],
    ["(|a)+", /an empty alternative matches the empty string/],
    ["(\\b|a)+", /the alternative \\b can match the empty string/],
    ["(?i)(k|\\x{212A})+", /can both start with/],
    ["(?i)(A|a)+", /can both start with "A"/],
    ["(.|\\n)*", /can both start with a line break/],
    // what RE2 cannot run, said plainly
    ["(a)\\1", /Backreferences such as \\1 are not supported/],
    ["(?P<word>\\w+) (?P=word)", /Backreferences such as \(\?P=name\) are not supported/],
    ["\\k<x>", /Backreferences/],
    ["(?<=admin)login", /Lookbehind/],
    ["(?<!x)y", /Lookbehind/],
    ["password(?=.*\\d)", /Lookahead/],
    ["(?!root)\\w+", /Lookahead/],
    // syntax and size
    ["[a-z", /Not a valid regular expression: missing closing \]/],
    ["a{2,1}", /Not a valid regular expression: invalid repeat count/],
    ["*a", /Not a valid regular expression/],
    ["(abc", /Not a valid regular expression: missing closing \)/],
    ["", /Enter a regular expression/],
    ["a".repeat(MAX_REGEX_LENGTH + 1), new RegExp(`at most ${MAX_REGEX_LENGTH} characters \\(this one has ${MAX_REGEX_LENGTH + 1}\\)`)],
  ] as const)("%s", (pattern, reason) => {
    const result = compileSafeRegex(pattern);
    expect(result.ok).toBe(false);
    expect(describeRegexProblem(pattern)).toMatch(reason);
  });
});

describe("compileSafeRegex accepts", () => {
  it.each([
    ["login_failed", "authentik.login_failed", true],
    ["^authentik\\.", "authentik.login", true],
    ["^authentik\\.", "x.authentik.login", false],
    ["failed$", "login_failed", true],
    ["(?i)FAILED", "login_failed", true],
    ["FAILED", "login_failed", false], // case-sensitive unless (?i)
    ["(\\d{1,3}\\.){3}\\d{1,3}", "from 203.0.113.7 at noon", true],
    ["([0-9a-f]{2}:){5}[0-9a-f]{2}", "mac 00:1b:44:11:3a:b7", true],
    ["(foo|bar)+baz", "foobarbaz", true],
    ["(?i)(foo|bar)+", "FOO", true],
    ["([a-z]|_)+", "a_b", true],
    ["^[\\w.+-]+@example\\.(com|org)$", "j.doe+x@example.org", true],
    [".*foo.*bar", "foo and bar", true],
    ["\\101\\0", "A\u0000", true], // octal escapes, not backreferences
    ["\\Q1.2.3\\E", "version 1.2.3", true],
    ["\\Q1.2.3\\E", "version 1x2x3", false],
    ["\\p{Greek}+", "αβγ", true],
    ["[[:digit:]]{4}", "year 2024", true],
    ["😀+", "hi 😀😀", true],
    ["(?s)a.b", "a\nb", true],
    ["a.b", "a\nb", false], // . does not cross lines unless (?s)
    ["x{2,}", "axxb", true],
    ["a{,2}", "a{,2}", true], // RE2 reads a brace that is not a count as a literal
  ] as const)("%s on %j → %s", (pattern, value, expected) => {
    expect(expectRegex(pattern).test(value)).toBe(expected);
  });

  it("looks only at the first 4,096 characters of a value", () => {
    const regex = expectRegex("needle");
    expect(regex.test(`${"x".repeat(REGEX_INPUT_LIMIT - 6)}needle`)).toBe(true);
    expect(regex.test(`${"x".repeat(REGEX_INPUT_LIMIT - 5)}needle`)).toBe(false);
    expect(expectRegex("x$").test("x".repeat(REGEX_INPUT_LIMIT + 1) + "y")).toBe(true);
  });

  // Star height 1, so accepted, yet on a backtracking engine `.*foo.*bar` needs seconds to fail
  // on 4 KB of "foofoo…"; RE2 keeps every one of these linear.
  it.each([
    [".*foo.*bar", "foo".repeat(2_000)],
    ["a.*b.*c.*d", "abc".repeat(2_000)],
    ["\\d+\\d+x", "1".repeat(10_000)],
    ["^(\\d{1,3}\\.){3}\\d{1,3}$", "1.".repeat(5_000)],
    ["(?i)(foo|bar)+$", `${"foobar".repeat(2_000)}!`],
  ])("stays fast on the near-miss for %s", (pattern, value) => {
    const regex = expectRegex(pattern);
    regex.test(value); // compile and warm up
    const started = performance.now();
    expect(regex.test(value)).toBe(false);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it("compiles each distinct pattern once", () => {
    const first = compileSafeRegex("^cached$");
    expect(compileSafeRegex("^cached$")).toBe(first);
  });
});
