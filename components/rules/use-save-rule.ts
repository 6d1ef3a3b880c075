"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { useTRPC } from "@/components/trpc/react";
import { toRuleBody, type RuleDraft } from "./rule-draft";
import { serverErrors } from "./rule-errors";

/** Creates or updates the rule, then returns to the list; the server's errors by path. */
export function useSaveRule(workspaceSlug: string, ruleId: string | null, onError: () => void) {
  const trpc = useTRPC();
  const router = useRouter();
  const [navigating, startNavigation] = useTransition();
  const done = () =>
    startNavigation(() => {
      router.push(`/w/${workspaceSlug}/rules`);
      router.refresh();
    });
  const create = useMutation(trpc.rule.create.mutationOptions({ onSuccess: done, onError }));
  const update = useMutation(trpc.rule.update.mutationOptions({ onSuccess: done, onError }));
  const active = ruleId ? update : create;
  const errors = serverErrors(active.error);

  function mutate(draft: RuleDraft) {
    if (ruleId) update.mutate({ workspaceSlug, ruleId, ...toRuleBody(draft) });
    else create.mutate({ workspaceSlug, kind: draft.kind, communityId: draft.communityId || undefined, ...toRuleBody(draft) });
  }

  return {
    mutate,
    isPending: active.isPending || navigating,
    errors,
    /** A failure that is about no field in particular. */
    formError: active.error && Object.keys(errors).length === 0 ? active.error.message : null,
  };
}
