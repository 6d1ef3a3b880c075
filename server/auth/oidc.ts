import type { Provider } from "next-auth/providers";

/**
 * Single sign-on through any OpenID Connect provider (authentik, Okta, Entra ID, Keycloak…),
 * enabled when its three variables are set.
 */
export function getOidcProvider(): Provider | null {
  const issuer = process.env.AUTH_OIDC_ISSUER;
  const clientId = process.env.AUTH_OIDC_ID;
  const clientSecret = process.env.AUTH_OIDC_SECRET;
  if (!issuer || !clientId || !clientSecret) return null;
  return {
    id: "oidc",
    name: process.env.AUTH_OIDC_NAME || "Single sign-on",
    type: "oidc",
    issuer,
    clientId,
    clientSecret,
    // The identity provider is the operator's own and verifies addresses, so a user who first
    // signed in by magic link keeps the same account when they switch to SSO.
    allowDangerousEmailAccountLinking: true,
  };
}

export function isOidcEnabled(): boolean {
  return getOidcProvider() !== null;
}
