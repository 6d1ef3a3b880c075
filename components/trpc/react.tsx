"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, TRPCClientError } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useState, type ReactNode } from "react";
import superjson from "superjson";
import type { AppRouter } from "@/server/api/root";

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

const largeInputQueries = new Set(["rule.validate", "rule.preview"]);

export function TrpcReactProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { staleTime: 10_000 } } }));
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        // Subscriptions (the bell's live count) are Server-Sent Events, which reconnect by themselves.
        splitLink({
          condition: (op) => op.type === "subscription",
          true: httpSubscriptionLink({ url: "/api/trpc", transformer: superjson }),
          false: splitLink({
            // The rule editor's checks carry a whole rule definition, which can outgrow a URL:
            // those queries go as POST (the route handler allows the override).
            condition: (op) => largeInputQueries.has(op.path),
            true: httpBatchLink({ url: "/api/trpc", transformer: superjson, methodOverride: "POST" }),
            false: httpBatchLink({ url: "/api/trpc", transformer: superjson }),
          }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}

export type FieldErrors = Record<string, string[] | undefined>;

/** The per-field messages of a failed mutation (zod or domain), as the server formatted them. */
export function getFieldErrors(error: unknown): FieldErrors {
  if (error instanceof TRPCClientError) {
    const data = error.data as { fieldErrors?: FieldErrors | null } | undefined;
    return data?.fieldErrors ?? {};
  }
  return {};
}

/** A message for the form as a whole, when the error is not about one field. */
export function getFormError(error: unknown): string | null {
  if (!error) return null;
  if (Object.keys(getFieldErrors(error)).length > 0) return null;
  return error instanceof Error ? error.message : "Something went wrong";
}
