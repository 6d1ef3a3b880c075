import type { Db } from "@/server/db/client";
import { countUnreadIfMember, type InboxOwner } from "./notifications";
import { getInboxRealtime } from "./realtime";

/**
 * The unread count of one member's inbox, now and after every change: subscribes to the inbox
 * signal first, then counts, so that no change falls between the two. Bursts of signals are
 * coalesced into one count; a count equal to the last one sent is not sent again. Ends when
 * `signal` aborts (the client went away) or the user is no longer a member.
 */
export async function* watchUnreadCount(db: Db, owner: InboxOwner, signal?: AbortSignal): AsyncGenerator<number, void, unknown> {
  const realtime = getInboxRealtime(db);
  let pending = true;
  let wake: (() => void) | null = null;
  const unsubscribe = realtime.subscribe(owner, () => {
    pending = true;
    wake?.();
  });
  const onAbort = () => wake?.();
  signal?.addEventListener("abort", onAbort);
  try {
    await realtime.ready;
    let last: number | null = null;
    while (!signal?.aborted) {
      if (!pending) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (pending || signal?.aborted) resolve();
        });
        wake = null;
        if (signal?.aborted) break;
      }
      pending = false;
      const unread = await countUnreadIfMember(db, owner);
      if (unread === null) return;
      if (unread !== last) {
        last = unread;
        yield unread;
      }
    }
  } finally {
    unsubscribe();
    signal?.removeEventListener("abort", onAbort);
  }
}
