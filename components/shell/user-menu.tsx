import Link from "next/link";
import { signOutAction } from "@/app/sign-in/actions";
import { isInstanceAdmin } from "@/server/instance/instance-admins";

export function UserMenu({ email }: { email: string }) {
  return (
    <div className="flex items-center gap-3 text-sm">
      <span className="hidden text-zinc-600 sm:inline" data-testid="current-user">
        {email}
      </span>
      {/* Rendered on the server: only instance administrators (TOCSIN_ADMIN_EMAILS) see the link. */}
      {isInstanceAdmin(email) ? (
        <Link href="/admin" className="rounded-md px-2 py-1 text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900">
          Instance
        </Link>
      ) : null}
      <form action={signOutAction}>
        <button type="submit" className="rounded-md px-2 py-1 text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900">
          Sign out
        </button>
      </form>
    </div>
  );
}
