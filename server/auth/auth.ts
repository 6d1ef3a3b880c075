import { DrizzleAdapter } from "@auth/drizzle-adapter";
import NextAuth, { type NextAuthConfig } from "next-auth";
import Resend from "next-auth/providers/resend";
import { getMailFrom } from "@/server/config/runtime";
import { getDb } from "@/server/db/client";
import { accounts, sessions, users, verificationTokens } from "@/server/db/schema";
import { sendMail } from "@/server/mail/send-mail";
import { renderSignInEmail } from "@/server/mail/sign-in-email";
import { getOidcProvider } from "./oidc";
import { resolveAuthSecret } from "./secret";

// Built lazily, on the first request, so that `next build` never opens the database or needs
// a secret.
function buildAuthConfig(): NextAuthConfig {
  const db = getDb();
  const oidc = getOidcProvider();
  return {
    secret: resolveAuthSecret(),
    // Self-hosted behind whatever proxy the operator runs: the Host header names the app.
    trustHost: true,
    adapter: DrizzleAdapter(db, {
      usersTable: users,
      accountsTable: accounts,
      sessionsTable: sessions,
      verificationTokensTable: verificationTokens,
    }),
    // Database sessions: deleting a row signs that browser out immediately.
    session: { strategy: "database", maxAge: 30 * 24 * 60 * 60, updateAge: 24 * 60 * 60 },
    providers: [
      Resend({
        apiKey: process.env.RESEND_API_KEY,
        from: getMailFrom(),
        async sendVerificationRequest({ identifier, url }) {
          await sendMail(db, renderSignInEmail(identifier, url, new URL(url).host));
        },
      }),
      ...(oidc ? [oidc] : []),
    ],
    pages: { signIn: "/sign-in", verifyRequest: "/sign-in/check-email", error: "/sign-in" },
    callbacks: {
      session({ session, user }) {
        session.user.id = user.id;
        return session;
      },
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => buildAuthConfig());
