"use client";

import { DropdownMenu } from "radix-ui";
import { useState } from "react";
import { LatestNotifications } from "@/components/inbox/latest-notifications";
import { useUnreadCount } from "@/components/inbox/use-unread-count";
import { cn } from "@/lib/utils";

/** "9+" beyond nine keeps the badge round; the exact count is in the label. */
const badgeText = (count: number) => (count > 99 ? "99+" : String(count));

/** The header's bell: the live unread count, and the latest ten in a dropdown. */
type Props = { workspaceSlug: string; timeZone: string; showCommunity: boolean };

export function NotificationBell({ workspaceSlug, timeZone, showCommunity }: Props) {
  const [open, setOpen] = useState(false);
  const count = useUnreadCount(workspaceSlug);
  const unread = count ?? 0;
  const label = count === null ? "Notifications" : `Notifications: ${unread} unread`;

  return (
    <DropdownMenu.Root open={open} onOpenChange={setOpen} modal={false}>
      <DropdownMenu.Trigger
        aria-label={label}
        data-testid="notification-bell"
        className="relative inline-flex size-9 items-center justify-center rounded-md text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-zinc-900 data-[state=open]:bg-zinc-100"
      >
        <BellIcon />
        <span
          data-testid="unread-count"
          aria-hidden
          className={cn(
            "absolute -top-0.5 -right-0.5 min-w-5 rounded-full bg-brand px-1 text-center text-[11px] leading-5 font-semibold text-white tabular-nums",
            unread === 0 && "hidden",
          )}
        >
          {badgeText(unread)}
        </span>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          align="end"
          sideOffset={6}
          className="z-50 w-[min(92vw,24rem)] rounded-md border border-zinc-200 bg-white shadow-lg"
          data-testid="notification-dropdown"
        >
          {open ? <LatestNotifications workspaceSlug={workspaceSlug} timeZone={timeZone} showCommunity={showCommunity} unread={unread} onNavigate={() => setOpen(false)} /> : null}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

function BellIcon() {
  return (
    <svg aria-hidden viewBox="0 0 24 24" className="size-5" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round">
      <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
    </svg>
  );
}
