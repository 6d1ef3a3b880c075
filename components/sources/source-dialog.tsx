"use client";

import { Dialog as DialogPrimitive } from "radix-ui";
import type { ReactNode } from "react";
import { cn } from "@/lib/utils";

/**
 * The dialog of components/ui/dialog.tsx, wide enough for URLs and `curl` commands, scrolling
 * when taller than the window. With `dismissable={false}` neither a click outside nor Escape
 * closes it: a token shown once must not vanish by accident.
 */
export function SourceDialog(props: {
  onClose: () => void;
  title: string;
  description?: ReactNode;
  wide?: boolean;
  dismissable?: boolean;
  children: ReactNode;
}) {
  const { onClose, title, description, wide = false, dismissable = true, children } = props;
  const keepOpen = (event: Event) => {
    if (!dismissable) event.preventDefault();
  };
  return (
    <DialogPrimitive.Root open onOpenChange={(open) => !open && onClose()}>
      <DialogPrimitive.Portal>
        <DialogPrimitive.Overlay className="fixed inset-0 z-40 bg-black/40" />
        <DialogPrimitive.Content
          // Without a description, say so, rather than point at one that does not exist.
          {...(description ? {} : { "aria-describedby": undefined })}
          onPointerDownOutside={keepOpen}
          onEscapeKeyDown={keepOpen}
          className={cn(
            "fixed left-1/2 top-1/2 z-50 max-h-[92vh] -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-lg bg-white p-6 shadow-xl focus:outline-none",
            wide ? "w-[min(94vw,46rem)]" : "w-[min(92vw,28rem)]",
          )}
        >
          <DialogPrimitive.Title className="text-lg font-semibold text-zinc-900">{title}</DialogPrimitive.Title>
          {description ? <DialogPrimitive.Description className="mt-1 text-sm text-zinc-600">{description}</DialogPrimitive.Description> : null}
          <div className="mt-4">{children}</div>
        </DialogPrimitive.Content>
      </DialogPrimitive.Portal>
    </DialogPrimitive.Root>
  );
}
