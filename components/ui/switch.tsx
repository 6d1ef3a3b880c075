import type { ButtonHTMLAttributes } from "react";
import { cn } from "@/lib/utils";

/** An on/off switch (role="switch"); `checked` is what it shows, `onClick` asks for the change. */
export function Switch({ checked, className, ...props }: Omit<ButtonHTMLAttributes<HTMLButtonElement>, "role" | "type"> & { checked: boolean }) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      className={cn(
        "relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900 disabled:cursor-wait disabled:opacity-70",
        checked ? "bg-emerald-600" : "bg-zinc-300",
        className,
      )}
      {...props}
    >
      <span className={cn("inline-block h-5 w-5 rounded-full bg-white shadow transition-transform", checked ? "translate-x-5" : "translate-x-0.5")} />
    </button>
  );
}
