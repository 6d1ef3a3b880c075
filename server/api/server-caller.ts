import "server-only";
import { TRPCError } from "@trpc/server";
import { headers } from "next/headers";
import { cache } from "react";
import { createCaller } from "./root";
import { createRequestContext } from "./request-context";

/** The tRPC caller for server components: one context (and session lookup) per render. */
export const getServerCaller = cache(async () => createCaller(await createRequestContext(await headers())));

/** The signed-in user for this render, or null. */
export const getCurrentUser = cache(async () => (await createRequestContext(await headers())).user);

/**
 * The workspace a `/w/<slug>` page is about, resolved from the user's membership once per
 * render; null when the user is not a member (the page then answers 404).
 */
export const getWorkspaceForPage = cache(async (slug: string) => {
  const caller = await getServerCaller();
  try {
    return await caller.workspace.get({ workspaceSlug: slug });
  } catch (error) {
    // Signed out (the layout redirects to sign-in), not a member, or not a slug at all.
    if (error instanceof TRPCError && ["UNAUTHORIZED", "NOT_FOUND", "BAD_REQUEST"].includes(error.code)) return null;
    throw error;
  }
});
