"use server";

import { redirect } from "next/navigation";
import { AuthError } from "next-auth";
import { signIn, signOut } from "@/server/auth/auth";
import { emailSchema } from "@/server/members/member-schemas";
import { safeRedirectPath } from "@/lib/safe-redirect";
import { getLogger } from "@/server/observability/logger";

const log = getLogger("auth");

export type SignInState = { email?: string; error?: string };

export async function signInWithEmail(_state: SignInState, formData: FormData): Promise<SignInState> {
  const raw = String(formData.get("email") ?? "");
  const parsed = emailSchema.safeParse(raw);
  if (!parsed.success) return { email: raw, error: parsed.error.issues[0]?.message ?? "Enter a valid email address" };
  try {
    await signIn("resend", { email: parsed.data, redirectTo: safeRedirectPath(formData.get("callbackUrl")), redirect: false });
  } catch (error) {
    if (error instanceof AuthError) {
      log.error({ err: error.cause?.err ?? error }, "sign-in email failed");
      return { email: raw, error: "The sign-in email could not be sent. Try again, or ask your administrator to check the mail settings." };
    }
    throw error;
  }
  // Straight to our page, rather than through Auth.js's /api/auth/verify-request hop.
  redirect("/sign-in/check-email");
}

export async function signInWithOidc(formData: FormData) {
  await signIn("oidc", { redirectTo: safeRedirectPath(formData.get("callbackUrl")) });
}

export async function signOutAction() {
  await signOut({ redirectTo: "/sign-in" });
}
