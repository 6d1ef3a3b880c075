import { describe, expect, it } from "vitest";
import { diffSnapshots } from "./diff-snapshots";
import { MASKED_VALUE, maskSecrets } from "./mask-secrets";

describe("diffSnapshots", () => {
  it.each([
    ["nothing changed", { a: 1, b: "x" }, { b: "x", a: 1 }, []],
    ["one field changed", { name: "Old", enabled: true }, { name: "New", enabled: true }, [{ path: "name", before: "Old", after: "New" }]],
    ["a field added and one removed", { a: 1 }, { b: 2 }, [{ path: "a", before: 1, after: null }, { path: "b", before: null, after: 2 }]],
    ["a nested field, by dotted path", { conditions: { minSeverity: "low", cel: null } }, { conditions: { minSeverity: "high", cel: null } }, [{ path: "conditions.minSeverity", before: "low", after: "high" }]],
    ["deeper nesting", { a: { b: { c: 1, d: 2 } } }, { a: { b: { c: 1, d: 3 } } }, [{ path: "a.b.d", before: 2, after: 3 }]],
    ["arrays as values", { triggers: ["a", "b"] }, { triggers: ["a", "c"] }, [{ path: "triggers", before: ["a", "b"], after: ["a", "c"] }]],
    ["the same array", { triggers: ["a", "b"] }, { triggers: ["a", "b"] }, []],
    ["array order matters", { ids: [1, 2] }, { ids: [2, 1] }, [{ path: "ids", before: [1, 2], after: [2, 1] }]],
    ["arrays of objects compared as values", { keys: [{ p: "x", at: null }] }, { keys: [{ at: null, p: "x" }] }, []],
    ["null to a value", { description: null }, { description: "Why" }, [{ path: "description", before: null, after: "Why" }]],
    ["an object becoming null", { settings: { kind: "email" } }, { settings: null }, [{ path: "settings.kind", before: "email", after: null }]],
    ["an object replacing a scalar", { x: 1 }, { x: { y: 2 } }, [{ path: "x", before: 1, after: { y: 2 } }]],
    ["dates as ISO strings", { at: new Date("2026-01-01T00:00:00Z") }, { at: new Date("2026-01-02T00:00:00Z") }, [{ path: "at", before: "2026-01-01T00:00:00.000Z", after: "2026-01-02T00:00:00.000Z" }]],
    ["undefined read as missing", { a: undefined, b: 1 }, { b: 1 }, []],
    ["a creation lists every field", null, { name: "R", conditions: { minSeverity: "high" } }, [{ path: "conditions.minSeverity", before: null, after: "high" }, { path: "name", before: null, after: "R" }]],
    ["a deletion lists every field", { name: "R", tags: [] }, null, [{ path: "name", before: "R", after: null }, { path: "tags", before: [], after: null }]],
    ["paths in a stable order", { b: 1, a: 1 }, { b: 2, a: 2 }, [{ path: "a", before: 1, after: 2 }, { path: "b", before: 1, after: 2 }]],
  ] as const)("%s", (_label, before, after, expected) => {
    expect(diffSnapshots(before as never, after as never)).toEqual(expected);
  });

  it.each([
    ["a changed secret URL: listed, neither value shown", { secrets: { url: "https://hooks.example/AAA" } }, { secrets: { url: "https://hooks.example/BBB" } }, [{ path: "secrets.url", before: MASKED_VALUE, after: MASKED_VALUE }]],
    ["a secret added: null → masked", { secrets: { bearerToken: null } }, { secrets: { bearerToken: "tok-123" } }, [{ path: "secrets.bearerToken", before: null, after: MASKED_VALUE }]],
    ["a secret removed: masked → null", { signingSecret: "whsec_x" }, { signingSecret: null }, [{ path: "signingSecret", before: MASKED_VALUE, after: null }]],
    ["an unchanged secret: not listed", { secrets: { url: "https://a/1" }, name: "a" }, { secrets: { url: "https://a/1" }, name: "b" }, [{ path: "name", before: "a", after: "b" }]],
    ["a secret key inside an array value", { headers: [{ authorization: "Bearer 1" }] }, { headers: [{ authorization: "Bearer 2" }] }, [{ path: "headers", before: [{ authorization: MASKED_VALUE }], after: [{ authorization: MASKED_VALUE }] }]],
    ["webhook URLs and tokens by name", { teamsWebhookUrl: "https://x/1", token: "t1" }, { teamsWebhookUrl: "https://x/2", token: "t2" }, [{ path: "teamsWebhookUrl", before: MASKED_VALUE, after: MASKED_VALUE }, { path: "token", before: MASKED_VALUE, after: MASKED_VALUE }]],
    ["a created object's secrets (an absent one stays unlisted)", null, { secrets: { url: "https://x/1", basicPassword: null } }, [{ path: "secrets.url", before: null, after: MASKED_VALUE }]],
    ["a masked target is not a secret", { target: "https://hooks.slack.com/…Qx7a" }, { target: "https://hooks.slack.com/…Zz9b" }, [{ path: "target", before: "https://hooks.slack.com/…Qx7a", after: "https://hooks.slack.com/…Zz9b" }]],
  ] as const)("masks secrets: %s", (_label, before, after, expected) => {
    expect(diffSnapshots(before as never, after as never)).toEqual(expected);
  });
});

describe("maskSecrets", () => {
  it("masks every value under a secret key, keeping nulls, and leaves the rest", () => {
    expect(
      maskSecrets({ name: "Hook", secrets: { url: "https://x/1", bearerToken: null, nested: { deep: "v" } }, settings: { auth: "bearer", basicUsername: "svc" }, list: [{ password: "p" }] }),
    ).toEqual({
      name: "Hook",
      secrets: { url: MASKED_VALUE, bearerToken: null, nested: { deep: MASKED_VALUE } },
      settings: { auth: "bearer", basicUsername: "svc" },
      list: [{ password: MASKED_VALUE }],
    });
  });
});
