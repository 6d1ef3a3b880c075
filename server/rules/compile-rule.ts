import { z } from "zod";
import { severities, type Severity } from "@/server/events/severities";
import { compileCel, type CelProgram } from "./cel";
import { parseCidrBlocks, type ParsedCidrBlock } from "./cidr";
import { fieldMatcherSchema, ruleConditionsSchema, ruleTriggersSchema, type MatchableField, type RuleConditions } from "./rule-definition";
import { compileSafeRegex, type SafeRegex } from "./safe-regex";
import { listMatchingCatalogTypes, typePatternToRegExp } from "./type-pattern";

/*
 * A rule's triggers and conditions, checked and turned into what matchEvent runs: trigger
 * patterns as one Set of exact types plus anchored expressions, severities as ranks, regexes on
 * the linear-time engine, CIDR blocks as integers and CEL type-checked. Everything that can be
 * wrong is reported at once, each problem at the path of the input it concerns
 * (`conditions.fields.2.pattern`), so the editor can show it beside that input and a save
 * either stores the whole rule or nothing.
 */

export const ruleDefinitionSchema = z.object({ triggers: ruleTriggersSchema, conditions: ruleConditionsSchema });
export type RuleDefinition = z.output<typeof ruleDefinitionSchema>;

export type RuleIssue = {
  /** Dotted path of the input concerned, such as `triggers.1` or `conditions.fields.2.pattern`. */
  path: string;
  message: string;
  /** For CEL: the 0-based character range in the expression. */
  position?: number;
  end?: number;
};

/** Where a field matcher reads its value: a normalised field, or a path into data/raw. */
export type FieldPath = { kind: "field"; name: MatchableField } | { kind: "payload"; root: "data" | "raw"; segments: readonly string[] };

type MatcherBase = { readonly field: string; readonly path: FieldPath; readonly negate: boolean };
export type CompiledFieldMatcher =
  | (MatcherBase & { readonly operator: "equals"; readonly value: string; readonly ignoreCase: boolean })
  | (MatcherBase & { readonly operator: "oneOf"; readonly values: ReadonlySet<string>; readonly ignoreCase: boolean; readonly shown: string })
  | (MatcherBase & { readonly operator: "contains"; readonly value: string; readonly search: RegExp })
  | (MatcherBase & { readonly operator: "regex"; readonly regex: SafeRegex })
  | (MatcherBase & { readonly operator: "cidr"; readonly blocks: readonly ParsedCidrBlock[] });

export type CompiledRule = {
  readonly definition: RuleDefinition;
  readonly triggers: readonly string[];
  /** Triggers without a `*`, for a Set lookup before any expression runs. */
  readonly exactTypes: ReadonlySet<string>;
  readonly typePatterns: readonly RegExp[];
  readonly minSeverity: Severity | null;
  readonly minSeverityRank: number;
  readonly sourceIds: ReadonlySet<string> | null;
  /** Product names, lower-cased; null = any product. */
  readonly products: ReadonlySet<string> | null;
  readonly fields: readonly CompiledFieldMatcher[];
  readonly cel: CelProgram | null;
};

export type CompileRuleResult =
  | { ok: true; rule: CompiledRule; warnings: RuleIssue[] }
  | { ok: false; errors: RuleIssue[]; warnings: RuleIssue[] };

export type RuleValidation = {
  valid: boolean;
  errors: RuleIssue[];
  warnings: RuleIssue[];
  /** The definition with defaults applied, ready to store; null when there are errors. */
  definition: RuleDefinition | null;
};

export const severityRanks: Readonly<Record<Severity, number>> = Object.freeze(
  Object.fromEntries(severities.map((severity, rank) => [severity, rank])) as Record<Severity, number>,
);

// Event types and severities are lowercase by construction; comparing them case-insensitively
// means "High" in a matcher still means high.
const caseInsensitiveFields = new Set<string>(["type", "severity"]);

function toFieldPath(field: string): FieldPath {
  if (field.startsWith("data.") || field.startsWith("raw.")) {
    const [root, ...segments] = field.split(".");
    return { kind: "payload", root: root as "data" | "raw", segments };
  }
  return { kind: "field", name: field as MatchableField };
}

function escapeForRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map(String).join(".");
}

function compileFieldMatcher(matcher: RuleConditions["fields"][number], at: string, errors: RuleIssue[]): CompiledFieldMatcher | null {
  const base = { field: matcher.field, path: toFieldPath(matcher.field), negate: matcher.negate };
  const ignoreCase = caseInsensitiveFields.has(matcher.field);
  switch (matcher.operator) {
    case "equals":
      return { ...base, operator: "equals", value: ignoreCase ? matcher.value.toLowerCase() : matcher.value, ignoreCase };
    case "oneOf":
      return {
        ...base,
        operator: "oneOf",
        values: new Set(matcher.values.map((value) => (ignoreCase ? value.toLowerCase() : value))),
        ignoreCase,
        shown: matcher.values.join(", "),
      };
    case "contains":
      // A literal, case-insensitive search: no lowercased copy of the value per event.
      return { ...base, operator: "contains", value: matcher.value, search: new RegExp(escapeForRegExp(matcher.value), "iu") };
    case "regex": {
      const compiled = compileSafeRegex(matcher.pattern);
      if (!compiled.ok) {
        errors.push({ path: `${at}.pattern`, message: compiled.reason });
        return null;
      }
      return { ...base, operator: "regex", regex: compiled.regex };
    }
    case "cidr": {
      const parsed = parseCidrBlocks(matcher.blocks);
      for (const error of parsed.errors) errors.push({ path: `${at}.blocks.${error.index}`, message: error.message });
      if (parsed.errors.length > 0) return null;
      return { ...base, operator: "cidr", blocks: parsed.blocks as ParsedCidrBlock[] };
    }
  }
}

/** Checks a rule definition and, when it holds, compiles it for matchEvent. Never throws. */
export function compileRule(input: { triggers: unknown; conditions: unknown }): CompileRuleResult {
  const errors: RuleIssue[] = [];
  const warnings: RuleIssue[] = [];

  const parsed = ruleDefinitionSchema.safeParse({ triggers: input.triggers, conditions: input.conditions ?? {} });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) errors.push({ path: formatPath(issue.path), message: issue.message });
  }
  // Even when the schema fails somewhere, check what can be checked, so the editor shows every
  // problem at once rather than one per save.
  const triggers = parsed.success ? parsed.data.triggers : Array.isArray(input.triggers) ? input.triggers : [];
  triggers.forEach((trigger: unknown, index: number) => {
    if (typeof trigger !== "string" || errors.some((error) => error.path === `triggers.${index}`)) return;
    if (listMatchingCatalogTypes(trigger).length === 0) {
      warnings.push({ path: `triggers.${index}`, message: `no known event type matches ${trigger}` });
    }
  });
  if (!parsed.success) {
    collectDeepErrors(input.conditions, errors);
    return { ok: false, errors: sortIssues(errors), warnings };
  }

  const { conditions } = parsed.data;
  const fields: CompiledFieldMatcher[] = [];
  conditions.fields.forEach((matcher, index) => {
    const compiled = compileFieldMatcher(matcher, `conditions.fields.${index}`, errors);
    if (compiled) fields.push(compiled);
  });

  let cel: CelProgram | null = null;
  if (conditions.cel !== null && conditions.cel !== "") {
    const compiled = compileCel(conditions.cel);
    if (compiled.ok) cel = compiled.program;
    else errors.push({ path: "conditions.cel", ...compiled.error });
  }

  if (errors.length > 0) return { ok: false, errors: sortIssues(errors), warnings };

  const exactTypes = new Set(parsed.data.triggers.filter((trigger) => !trigger.includes("*")));
  return {
    ok: true,
    warnings,
    rule: {
      definition: parsed.data,
      triggers: parsed.data.triggers,
      exactTypes,
      typePatterns: parsed.data.triggers.filter((trigger) => trigger.includes("*")).map(typePatternToRegExp),
      minSeverity: conditions.minSeverity,
      minSeverityRank: conditions.minSeverity === null ? 0 : severityRanks[conditions.minSeverity],
      sourceIds: conditions.sourceIds.length === 0 ? null : new Set(conditions.sourceIds),
      products: conditions.products.length === 0 ? null : new Set(conditions.products.map((product) => product.toLowerCase())),
      fields,
      cel,
    },
  };
}

/**
 * When the schema rejected something, the regexes, CIDR blocks and CEL that did parse are still
 * checked, each on its own, so one bad trigger does not hide a catastrophic regex.
 */
function collectDeepErrors(conditions: unknown, errors: RuleIssue[]): void {
  const parsed = z.object({ fields: z.array(z.unknown()).optional(), cel: z.string().nullable().optional() }).safeParse(conditions);
  if (!parsed.success) return;
  const known = new Set(errors.map((error) => error.path));
  parsed.data.fields?.forEach((candidate, index) => {
    const at = `conditions.fields.${index}`;
    if ([...known].some((path) => path === at || path.startsWith(`${at}.`))) return;
    const matcher = fieldMatcherSchema.safeParse(candidate);
    if (matcher.success) compileFieldMatcher(matcher.data, at, errors);
  });
  const cel = parsed.data.cel?.trim();
  if (cel && !known.has("conditions.cel")) {
    const compiled = compileCel(cel);
    if (!compiled.ok) errors.push({ path: "conditions.cel", ...compiled.error });
  }
}

// Paths in input order (triggers, then conditions, fields by index), as the editor lays them out.
function sortIssues(issues: RuleIssue[]): RuleIssue[] {
  const key = (path: string) => path.replace(/\d+/g, (digits) => digits.padStart(6, "0"));
  return [...issues].sort((a, b) => (key(a.path) < key(b.path) ? -1 : key(a.path) > key(b.path) ? 1 : 0));
}

/**
 * Every error and warning of a rule definition at once, for the editor (as you type) and for the
 * create/update mutations (which store `definition`, defaults applied, only when `valid`).
 */
export function validateRuleDefinition(input: unknown): RuleValidation {
  const candidate = typeof input === "object" && input !== null ? (input as { triggers?: unknown; conditions?: unknown }) : {};
  if (typeof input !== "object" || input === null) {
    return { valid: false, errors: [{ path: "", message: "Expected a rule with triggers and conditions" }], warnings: [], definition: null };
  }
  const result = compileRule({ triggers: candidate.triggers, conditions: candidate.conditions });
  return result.ok
    ? { valid: true, errors: [], warnings: result.warnings, definition: result.rule.definition }
    : { valid: false, errors: result.errors, warnings: result.warnings, definition: null };
}
