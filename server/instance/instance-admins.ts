/**
 * Instance administrators: the people whose email is listed in TOCSIN_ADMIN_EMAILS
 * (comma-separated). They run the whole Tocsin instance — its sender address and where its own
 * exceptions are reported — which is not any workspace's business, so no workspace role grants it.
 */
export function listInstanceAdminEmails(): string[] {
  return (process.env.TOCSIN_ADMIN_EMAILS ?? "")
    .split(",")
    .map((email) => email.trim().toLowerCase())
    .filter(Boolean);
}

export function isInstanceAdmin(email: string | null | undefined): boolean {
  if (!email) return false;
  return listInstanceAdminEmails().includes(email.trim().toLowerCase());
}
