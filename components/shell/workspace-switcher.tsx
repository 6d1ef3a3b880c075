"use client";

import { DropdownMenu } from "radix-ui";
import Link from "next/link";
import type { Role } from "@/server/members/roles";

type WorkspaceItem = { slug: string; name: string; role: Role };

export function WorkspaceSwitcher({ current, workspaces }: { current: WorkspaceItem; workspaces: WorkspaceItem[] }) {
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger
        className="inline-flex items-center gap-2 rounded-md border border-zinc-200 bg-white px-3 py-1.5 text-sm font-medium hover:bg-zinc-50"
        aria-label="Switch workspace"
        data-testid="workspace-switcher"
      >
        {current.name}
        <span aria-hidden className="text-zinc-400">
          ▾
        </span>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content align="start" sideOffset={6} className="z-50 min-w-56 rounded-md border border-zinc-200 bg-white p-1 shadow-lg">
          <DropdownMenu.Label className="px-2 py-1.5 text-xs font-medium text-zinc-500">Workspaces</DropdownMenu.Label>
          {workspaces.map((workspace) => (
            <DropdownMenu.Item key={workspace.slug} asChild>
              <Link
                href={`/w/${workspace.slug}`}
                className="flex items-center justify-between gap-4 rounded px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-zinc-100"
              >
                <span className={workspace.slug === current.slug ? "font-semibold" : undefined}>{workspace.name}</span>
                <span className="text-xs text-zinc-500">{workspace.role}</span>
              </Link>
            </DropdownMenu.Item>
          ))}
          <DropdownMenu.Separator className="my-1 h-px bg-zinc-100" />
          <DropdownMenu.Item asChild>
            <Link href="/workspaces/new" className="block rounded px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-zinc-100">
              + Create workspace
            </Link>
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
