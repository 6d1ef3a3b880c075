"use client";

import { useSyncExternalStore } from "react";
import { formatAbsolute, formatRelative } from "./time-format";

// One clock for every timestamp on the page, ticking every 30 s while any is shown.
let now = 0;
let timer: ReturnType<typeof setInterval> | null = null;
let tickQueued = false;
const listeners = new Set<() => void>();

function tick() {
  tickQueued = false;
  now = Date.now();
  for (const notify of listeners) notify();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  // A timestamp that appears (a new row, a dialog) moves every clock on the page to now.
  if (!tickQueued) {
    tickQueued = true;
    queueMicrotask(tick);
  }
  timer ??= setInterval(tick, 30_000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
      now = 0;
    }
  };
}

function getNow() {
  if (now === 0) now = Date.now();
  return now;
}

/**
 * The current time, refreshed every 30 s; null while rendering on the server and hydrating,
 * so the server's HTML and the browser's first render agree.
 */
export function useNow(): number | null {
  return useSyncExternalStore(subscribe, getNow, () => null);
}

/**
 * "5 minutes ago" or "in 59 minutes", with the exact time in the workspace's timezone as
 * tooltip. `past` marks a time that has happened (the last event): the server's clock, or a
 * clock that has not ticked yet, never makes it read "in a moment".
 */
export function RelativeTime({ date, timeZone, past = false, className }: { date: Date; timeZone: string; past?: boolean; className?: string }) {
  const current = useNow();
  const absolute = formatAbsolute(date, timeZone);
  const shown = current !== null && past && date.getTime() > current ? new Date(current) : date;
  return (
    <time dateTime={date.toISOString()} title={absolute} className={className} suppressHydrationWarning>
      {current === null ? absolute : formatRelative(shown, current)}
    </time>
  );
}
