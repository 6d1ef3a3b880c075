import { describe, expect, it } from "vitest";
import { eventCatalog } from "./catalog";
import {
  describeTypePatternProblem,
  listMatchingCatalogTypes,
  matchesTypePattern,
  typePatternPrefix,
  typePatternSchema,
  typePatternToRegExp,
} from "./type-pattern";

describe("typePatternSchema", () => {
  it.each([
    "*",
    "alert.created",
    "alert.*",
    "*.login_failed",
    "audit.*.created",
    "authentik.login_*",
    "authentik.login*",
    "a*.b",
    "*.*",
    "x".repeat(120),
  ])("accepts %s", (pattern) => {
    expect(typePatternSchema.safeParse(pattern).success).toBe(true);
    expect(describeTypePatternProblem(pattern)).toBeNull();
  });

  it.each([
    ["", /Enter an event type, or a pattern such as alert\.\*/],
    ["..", /cannot start with a dot/],
    ["a.", /cannot end with a dot/],
    [".a", /cannot start with a dot/],
    ["a..b", /two dots in a row/],
    ["a**", /Use a single \*/],
    ["**", /Use a single \*/],
    ["alert.**", /Use a single \*/],
    ["alert created", /cannot contain spaces/],
    [" alert.*", /cannot contain spaces/],
    ["alert.*\n", /cannot contain spaces/],
    ["Alert.Created", /lowercase: write alert\.created/],
    ["x".repeat(121), /at most 120 characters \(this one has 121\)/],
    ["alert-created", /not "-"/],
    ["alert.é", /not "é"/],
    ["alert/created", /not "\/"/],
    ["*_failed", /cannot start or sit inside "\*_failed"/],
    ["authentik.lo*in", /cannot start or sit inside "lo\*in"/],
    ["authentik.*x", /cannot start or sit inside "\*x"/],
  ] as const)("rejects %j", (pattern, message) => {
    const result = typePatternSchema.safeParse(pattern);
    expect(result.success).toBe(false);
    expect(result.error?.issues).toHaveLength(1);
    expect(result.error?.issues[0]?.message).toMatch(message);
    expect(describeTypePatternProblem(pattern)).toMatch(message);
  });

  it("rejects a value that is not a string with the same guidance", () => {
    const result = typePatternSchema.safeParse(42);
    expect(result.error?.issues[0]?.message).toBe("Enter an event type, or a pattern such as alert.*");
  });
});

describe("matchesTypePattern", () => {
  it.each([
    // exact
    ["alert.created", "alert.created", true],
    ["alert.created", "alert.created.x", false],
    ["alert.created", "alert.create", false],
    ["alert.created", "alertxcreated", false], // the dot is literal, not "any character"
    // a lone * matches every well-formed type
    ["*", "a", true],
    ["*", "alert.x.y", true],
    ["*", "", false],
    ["*", "Alert.created", false],
    ["*", "a..b", false],
    ["*", "a.", false],
    // a trailing * segment: one or more segments, never zero
    ["alert.*", "alert.created", true],
    ["alert.*", "alert.x.y", true],
    ["alert.*", "alert", false],
    ["alert.*", "alert.", false],
    ["alert.*", "alerts.created", false],
    ["alert.*", "case.alert.created", false],
    ["*.*", "a", false],
    ["*.*", "a.b", true],
    ["*.*", "a.b.c", true],
    // a * segment elsewhere: exactly one segment
    ["audit.*.created", "audit.rule.created", true],
    ["audit.*.created", "audit.created", false],
    ["audit.*.created", "audit.a.b.created", false],
    ["*.login_failed", "authentik.login_failed", true],
    ["*.login_failed", "x.authentik.login_failed", false],
    // a segment ending in *: that segment starts with the prefix, zero or more characters follow
    ["authentik.login_*", "authentik.login_failed", true],
    ["authentik.login_*", "authentik.login_", true],
    ["authentik.login_*", "authentik.login", false],
    ["authentik.login_*", "authentik.logout", false],
    ["authentik.login_*", "authentik.login_failed.x", false],
    ["authentik.login*", "authentik.login", true],
    ["authentik.login*", "authentik.login_failed", true],
    ["authentik.login*", "authentik.logout", false],
    ["a*.b", "a.b", true],
    ["a*.b", "abc.b", true],
    ["a*.b", "b.b", false],
    ["a*.b", "a.b.c", false],
    // invalid patterns match nothing instead of throwing mid fan-out
    ["alert..*", "alert.created", false],
    ["ALERT.*", "alert.created", false],
    ["", "", false],
  ] as const)("%j vs %j → %s", (pattern, type, expected) => {
    expect(matchesTypePattern(pattern, type)).toBe(expected);
  });

  // An independent, segment-by-segment statement of the documented semantics; the regular
  // expressions must agree with it on every catalog type for patterns derived from the catalog.
  function reference(pattern: string, type: string): boolean {
    if (!/^[a-z0-9_]+(\.[a-z0-9_]+)*$/.test(type)) return false;
    const p = pattern.split(".");
    const t = type.split(".");
    const trailingStar = p[p.length - 1] === "*";
    if (trailingStar ? t.length < p.length : t.length !== p.length) return false;
    return p.every((segment, i) => {
      const actual = t[i] as string;
      if (segment === "*") return true;
      if (segment.endsWith("*")) return actual.startsWith(segment.slice(0, -1));
      return actual === segment;
    });
  }

  function derivedPatterns(type: string): string[] {
    const segments = type.split(".");
    const patterns = new Set(["*"]);
    segments.forEach((segment, i) => {
      const replaced = [...segments];
      replaced[i] = "*";
      patterns.add(replaced.join("."));
      patterns.add([...segments.slice(0, i), "*"].join("."));
      patterns.add([...segments.slice(0, i), `${segment.slice(0, Math.ceil(segment.length / 2))}*`].join("."));
      patterns.add([...segments.slice(0, i + 1), `${segment.slice(0, 1)}*`].join("."));
    });
    return [...patterns];
  }

  it("agrees with the reference semantics on every catalog type", () => {
    const patterns = new Set(eventCatalog.flatMap((entry) => derivedPatterns(entry.type)));
    const disagreements: string[] = [];
    let comparisons = 0;
    let matched = 0;
    for (const pattern of patterns) {
      expect(describeTypePatternProblem(pattern), pattern).toBeNull();
      const prefix = typePatternPrefix(pattern);
      for (const { type } of eventCatalog) {
        const matches = matchesTypePattern(pattern, type);
        if (matches !== reference(pattern, type)) disagreements.push(`${pattern} vs ${type}`);
        // What lets the fan-out select candidate rules by prefix.
        if (matches && !type.startsWith(prefix)) disagreements.push(`${pattern} matches ${type} outside its prefix`);
        comparisons++;
        if (matches) matched++;
      }
    }
    expect(disagreements).toEqual([]);
    expect(comparisons).toBeGreaterThan(10_000);
    expect(matched).toBeGreaterThan(patterns.size); // not vacuous: each pattern matches its own type at least
  });
});

describe("typePatternPrefix and typePatternToRegExp", () => {
  it.each([
    ["alert.created", "alert.created"],
    ["alert.*", "alert."],
    ["authentik.login_*", "authentik.login_"],
    ["audit.*.created", "audit."],
    ["*", ""],
  ])("the literal prefix of %s is %j", (pattern, prefix) => {
    expect(typePatternPrefix(pattern)).toBe(prefix);
  });

  it("refuses to build an expression for an invalid pattern", () => {
    expect(() => typePatternToRegExp("a**")).toThrow(/Use a single \*/);
  });

  it.each([
    ["*.*.*.z", `${"a.".repeat(5_000)}y`],
    ["a.*", `a.${"b.".repeat(5_000)}`],
    ["a*.b*", `${"a".repeat(10_000)}.c`],
  ])("stays fast when %s nearly matches a long input", (pattern, input) => {
    const started = performance.now();
    expect(typePatternToRegExp(pattern).test(input)).toBe(false);
    expect(performance.now() - started).toBeLessThan(50);
  });
});

describe("listMatchingCatalogTypes", () => {
  const typesFor = (pattern: string) => listMatchingCatalogTypes(pattern).map((entry) => entry.type);

  it("previews what a pattern covers", () => {
    expect(typesFor("alert.*")).toEqual(["alert.created", "alert.updated"]);
    expect(typesFor("authentik.login_*")).toEqual(["authentik.login_failed"]);
    expect(typesFor("authentik.login*")).toEqual(["authentik.login", "authentik.login_failed"]);
    expect(typesFor("audit.*.created")).toEqual(["audit.rule.created", "audit.channel.created", "audit.source.created", "audit.maintenance_window.created", "audit.community.created"]);
    expect(typesFor("datatheorem.policy_violation.*")).toHaveLength(3);
    expect(typesFor("audit.member.*")).toHaveLength(5);
    expect(typesFor("authentik.login_failed")).toEqual(["authentik.login_failed"]);
    expect(typesFor("*")).toHaveLength(eventCatalog.length);
  });

  it("returns nothing for a pattern that covers no known type, so the editor can warn", () => {
    expect(typesFor("acme.*")).toEqual([]);
    expect(typesFor("alert")).toEqual([]);
  });

  it("returns nothing for an invalid pattern", () => {
    expect(typesFor("alert.**")).toEqual([]);
    expect(typesFor("")).toEqual([]);
  });
});
