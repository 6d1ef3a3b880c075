import type { ReactNode } from "react";

/** The centred card of the signed-out pages (sign-in, check email, outbox, invitation). */
export function AuthCard({ title, children, wide }: { title: string; children: ReactNode; wide?: boolean }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className={wide ? "w-full max-w-3xl" : "w-full max-w-sm"}>
        <p className="mb-6 text-center text-2xl font-bold tracking-tight text-brand">Tocsin</p>
        <div className="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
          <h1 className="mb-4 text-lg font-semibold">{title}</h1>
          {children}
        </div>
      </div>
    </main>
  );
}
