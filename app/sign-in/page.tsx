import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { signInWithOidc } from "./actions";
import { AuthCard } from "@/components/auth/auth-card";
import { SignInForm } from "@/components/auth/sign-in-form";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { safeRedirectPath } from "@/lib/safe-redirect";
import { getCurrentUser } from "@/server/api/server-caller";
import { getOidcProvider } from "@/server/auth/oidc";

export const metadata: Metadata = { title: "Sign in" };

// Auth.js reports failures as ?error=<code>; these are the ones a person can act on.
const errorMessages: Record<string, string> = {
  Verification: "That sign-in link has expired or was already used. Ask for a new one.",
  OAuthAccountNotLinked: "This email is already linked to another sign-in method.",
  AccessDenied: "Access was denied.",
  Configuration: "Sign-in is misconfigured on this server. Ask your administrator.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeRedirectPath(params.callbackUrl);
  if (await getCurrentUser()) redirect(callbackUrl);
  const error = typeof params.error === "string" ? (errorMessages[params.error] ?? "Sign-in failed. Try again.") : null;
  const oidc = getOidcProvider();

  return (
    <AuthCard title="Sign in">
      <div className="space-y-4">
        <FormError message={error} />
        <SignInForm callbackUrl={callbackUrl} />
        {oidc ? (
          <>
            <div className="flex items-center gap-3 text-xs text-zinc-400">
              <span className="h-px flex-1 bg-zinc-200" />
              or
              <span className="h-px flex-1 bg-zinc-200" />
            </div>
            <form action={signInWithOidc}>
              <input type="hidden" name="callbackUrl" value={callbackUrl} />
              <Button type="submit" variant="secondary" className="w-full">
                Continue with {oidc.name}
              </Button>
            </form>
          </>
        ) : null}
      </div>
    </AuthCard>
  );
}
