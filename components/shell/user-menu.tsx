import { signOutAction } from "@/app/sign-in/actions";

export function UserMenu({ email }: { email: string }) {
  return (
    <div className="flex items-center gap-3 text-sm">
      <span className="hidden text-zinc-600 sm:inline" data-testid="current-user">
        {email}
      </span>
      <form action={signOutAction}>
        <button type="submit" className="rounded-md px-2 py-1 text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900">
          Sign out
        </button>
      </form>
    </div>
  );
}
