import { describe, expect, it } from "vitest";
import { ruleConditionsSchema, type FieldMatcher } from "@/server/rules/rule-definition";
import { conditionsToDraft, emptyDraft, matcherFromDraft, matcherToDraft, splitList, toDefinition, toRuleBody, withUsableChannels } from "./rule-draft";
import { validateDraft } from "./validate-draft";

describe("rule draft", () => {
  it("turns the form's text into the shared contract, and back", () => {
    const matchers: FieldMatcher[] = [
      { field: "clientIp", operator: "cidr", blocks: ["10.0.0.0/8", "192.168.0.0/16"], negate: true },
      { field: "data.asset.name", operator: "oneOf", values: ["a", "b"], negate: false },
      { field: "title", operator: "regex", pattern: "^admin", negate: false },
      { field: "actor", operator: "equals", value: "jdoe", negate: false },
      { field: "message", operator: "contains", value: "root", negate: true },
    ];
    for (const matcher of matchers) expect(matcherFromDraft(matcherToDraft(matcher))).toEqual(matcher);

    const conditions = ruleConditionsSchema.parse({ minSeverity: "high", products: ["payments-api", "shop web"], fields: matchers, cel: "event.severity == 'high'" });
    const draft = { ...emptyDraft("c1"), triggers: ["authentik.login_*"], ...conditionsToDraft(conditions) };
    expect(toDefinition(draft)).toEqual({ triggers: ["authentik.login_*"], conditions });
  });

  it("sends blank CEL and severity as null, and splits lists on lines and commas", () => {
    const definition = toDefinition({ ...emptyDraft("c1"), cel: "   " });
    expect(definition.conditions).toEqual({ minSeverity: null, sourceIds: [], products: [], fields: [], cel: null });
    expect(splitList(" 10.0.0.0/8\n\n192.168.0.0/16 , fd00::/8 ")).toEqual(["10.0.0.0/8", "192.168.0.0/16", "fd00::/8"]);
  });

  it("reports problems under the path of the input that shows them", () => {
    const draft = {
      ...emptyDraft("c1"),
      triggers: ["alert.*", "Alert.created"],
      matchers: [matcherToDraft({ field: "clientIp", operator: "cidr", blocks: ["10.0.0.0/8"], negate: false }), { ...matcherToDraft({ field: "title", operator: "oneOf", values: ["x"], negate: false }), list: "" }],
      kind: "shared" as const,
    };
    const errors = validateDraft(draft, { multi: true });
    expect(Object.keys(errors).sort()).toEqual(["conditions.fields.1.values", "name", "recipients", "triggers.1"]);
    expect(validateDraft({ ...emptyDraft("c1"), name: "x", triggers: ["a"], scope: "communities" }, { multi: true })).toEqual({ communityIds: ["Choose at least one community"] });
  });

  it("must notify somewhere, and a shared rule keeps only shared channels", () => {
    const base = { ...emptyDraft("c1"), name: "x", triggers: ["a"] };
    expect(validateDraft({ ...base, notifyInApp: false }, { multi: false })).toEqual({ channelIds: ["Choose where to notify: the inbox, a channel, or both"] });
    expect(validateDraft({ ...base, notifyInApp: false, channelIds: ["ch1"] }, { multi: false })).toEqual({});

    const channels = [
      { id: "mine", shared: false },
      { id: "team", shared: true },
    ];
    const personal = { ...base, channelIds: ["mine", "team", "gone"] };
    expect(withUsableChannels(personal, channels).channelIds).toEqual(["mine", "team"]);
    expect(withUsableChannels({ ...personal, kind: "shared" }, channels).channelIds).toEqual(["team"]);
    expect(toRuleBody({ ...personal, notifyInApp: false, channelIds: ["team"] })).toMatchObject({ notifyInApp: false, channelIds: ["team"] });
  });
});
