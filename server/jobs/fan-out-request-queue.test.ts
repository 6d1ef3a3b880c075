import { describe, expect, it } from "vitest";
import { captureLogs } from "@/server/observability/capture-logs";
import { MAX_EVENT_IDS_PER_JOB_EVENT } from "./client";
import { FanOutRequestQueue } from "./fan-out-request-queue";


function recordingQueue(delayMs = 5) {
  const calls: { workspaceId: string; ids: string[] }[] = [];
  const queue = new FanOutRequestQueue(async (workspaceId, ids) => {
    calls.push({ workspaceId, ids: [...ids] });
    return true;
  }, delayMs);
  return { queue, calls };
}

describe("FanOutRequestQueue", () => {
  it("coalesces the requests of many ingest requests into one per workspace", async () => {
    const { queue, calls } = recordingQueue();
    queue.add("w1", ["a", "b"]);
    queue.add("w2", ["c"]);
    queue.add("w1", ["d"]);
    expect(calls).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(calls).toEqual([
      { workspaceId: "w1", ids: ["a", "b", "d"] },
      { workspaceId: "w2", ids: ["c"] },
    ]);
  });

  it("requests at once when a job event's worth of ids is waiting", async () => {
    const { queue, calls } = recordingQueue(60_000);
    const ids = Array.from({ length: MAX_EVENT_IDS_PER_JOB_EVENT }, (_, i) => `id-${i}`);
    queue.add("w1", ids);
    await queue.flush();
    expect(calls).toEqual([{ workspaceId: "w1", ids }]);
  });

  it("flush waits for every request so far, and ignores empty adds", async () => {
    const { queue, calls } = recordingQueue(60_000);
    queue.add("w1", []);
    queue.add("w1", ["a"]);
    await queue.flush();
    await queue.flush();
    expect(calls).toEqual([{ workspaceId: "w1", ids: ["a"] }]);
  });
});

describe("FanOutRequestQueue's bound", () => {
  it("holds at most its limit of ids, waiting or being requested; beyond it leaves them to the sweeper, and takes more once requests finish", async () => {
    const calls: string[][] = [];
    let finishRequests!: () => void;
    const requestsDone = new Promise<void>((resolve) => (finishRequests = resolve));
    // Requests that hang until told: a runner or database that does not keep up.
    const queue = new FanOutRequestQueue(
      async (_workspaceId, ids) => {
        calls.push([...ids]);
        await requestsDone;
        return true;
      },
      60_000,
      3,
    );
    const logs = captureLogs("warn");
    expect(queue.add("w1", ["a", "b"])).toBe(true);
    void queue.flush();
    expect(queue.size).toBe(2);
    expect(queue.add("w1", ["c"])).toBe(true);
    expect(queue.add("w1", ["d"])).toBe(false);
    expect(queue.add("w2", ["e", "f"])).toBe(false);
    logs.stop();
    expect(queue.size).toBe(3);
    expect(queue.leftToSweeperCount).toBe(3);
    // Said once, not once per refused add.
    expect(logs.lines.filter((line) => line.msg?.includes("left to the fan-out sweeper"))).toHaveLength(1);

    finishRequests();
    await queue.flush();
    expect(queue.size).toBe(0);
    expect(calls).toEqual([["a", "b"], ["c"]]);
    expect(queue.add("w1", ["g", "h", "i"])).toBe(true);
    await queue.flush();
    expect(calls.at(-1)).toEqual(["g", "h", "i"]);
  });

  it("frees the ids of a request that failed", async () => {
    const queue = new FanOutRequestQueue(() => Promise.reject(new Error("down")), 60_000, 2);
    queue.add("w1", ["a", "b"]);
    await expect(queue.flush()).rejects.toThrow("down");
    expect(queue.size).toBe(0);
    expect(queue.add("w1", ["c", "d"])).toBe(true);
  });
});
