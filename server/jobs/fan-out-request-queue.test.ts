import { describe, expect, it } from "vitest";
import type { Db } from "@/server/db/client";
import { MAX_EVENT_IDS_PER_JOB_EVENT } from "./client";
import { FanOutRequestQueue } from "./fan-out-request-queue";

const db = {} as Db;
const otherDb = {} as Db;

function recordingQueue(delayMs = 5) {
  const calls: { db: Db; workspaceId: string; ids: string[] }[] = [];
  const queue = new FanOutRequestQueue(async (db, workspaceId, ids) => {
    calls.push({ db, workspaceId, ids: [...ids] });
    return true;
  }, delayMs);
  return { queue, calls };
}

describe("FanOutRequestQueue", () => {
  it("coalesces the requests of many ingest requests into one per workspace and database", async () => {
    const { queue, calls } = recordingQueue();
    queue.add(db, "w1", ["a", "b"]);
    queue.add(db, "w2", ["c"]);
    queue.add(db, "w1", ["d"]);
    queue.add(otherDb, "w1", ["e"]);
    expect(calls).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(calls).toEqual([
      { db, workspaceId: "w1", ids: ["a", "b", "d"] },
      { db, workspaceId: "w2", ids: ["c"] },
      { db: otherDb, workspaceId: "w1", ids: ["e"] },
    ]);
  });

  it("requests at once when a job event's worth of ids is waiting", async () => {
    const { queue, calls } = recordingQueue(60_000);
    const ids = Array.from({ length: MAX_EVENT_IDS_PER_JOB_EVENT }, (_, i) => `id-${i}`);
    queue.add(db, "w1", ids);
    await queue.flush();
    expect(calls).toEqual([{ db, workspaceId: "w1", ids }]);
  });

  it("flush waits for every request so far, and ignores empty adds", async () => {
    const { queue, calls } = recordingQueue(60_000);
    queue.add(db, "w1", []);
    queue.add(db, "w1", ["a"]);
    await queue.flush();
    await queue.flush();
    expect(calls).toEqual([{ db, workspaceId: "w1", ids: ["a"] }]);
  });
});
