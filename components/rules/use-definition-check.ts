"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc/react";
import type { RuleConditions } from "@/server/rules/rule-definition";
import type { RuleErrors } from "./rule-errors";
import { useDebouncedValue } from "./use-debounced-value";

type Definition = { triggers: string[]; conditions: RuleConditions };

export type DefinitionCheck = {
  status: "idle" | "checking" | "checked";
  /** Problems of what is typed now, by path; only those the server has confirmed. */
  errors: RuleErrors;
  warnings: RuleErrors;
};

const none: RuleErrors = {};

/**
 * The server's opinion of the definition being typed (`rule.validate`: the CEL compiler, the
 * regex safety check, CIDR parsing — what the browser cannot judge), asked 300 ms after the last
 * keystroke. While a newer definition waits for its answer, the status says "checking".
 */
export function useDefinitionCheck(workspaceSlug: string, definition: Definition): DefinitionCheck {
  const trpc = useTRPC();
  const key = JSON.stringify(definition);
  const debouncedKey = useDebouncedValue(key, 300);
  const debounced = JSON.parse(debouncedKey) as Definition;
  const query = useQuery(trpc.rule.validate.queryOptions({ workspaceSlug, ...debounced }, { placeholderData: keepPreviousData, staleTime: 60_000, retry: false }));
  const settled = key === debouncedKey && !query.isPlaceholderData && !query.isFetching;
  return {
    status: query.data || query.isFetching ? (settled ? "checked" : "checking") : "idle",
    errors: query.data?.errors ?? none,
    warnings: query.data?.warnings ?? none,
  };
}
