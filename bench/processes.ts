// Child processes of the benchmark: each in its own process group, so that killing the group
// also ends what it started (npx → next → workers).
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

export type Child = { name: string; process: ChildProcess; output: () => string; stop: () => Promise<void> };

const children = new Set<Child>();

export function startChild(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const child = spawn(command, args, { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  const handle: Child = {
    name,
    process: child,
    output: () => output,
    stop: async () => {
      children.delete(handle);
      if (process.env.BENCH_SHOW_SERVER_LOG === "1") console.error(`--- ${name} output (tail) ---\n${output.slice(-4000)}\n--- end of ${name} output ---`);
      if (child.pid === undefined) return;
      signalGroup(child.pid, "SIGTERM");
      const timedOut = await Promise.race([exited.then(() => false), sleep(5000).then(() => true)]);
      // Workers may outlive their parent: always sweep the group.
      if (timedOut) console.warn(`bench: ${name} ignored SIGTERM for 5 s; killing its group`);
      signalGroup(child.pid, "SIGKILL");
    },
  };
  children.add(handle);
  return handle;
}

function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Synchronous last resort (process "exit"): kill every group still running. */
export function killAllChildrenSync() {
  for (const child of children) if (child.process.pid !== undefined) signalGroup(child.process.pid, "SIGKILL");
  children.clear();
}

export async function stopAllChildren() {
  await Promise.all([...children].map((child) => child.stop()));
}

export function sleep(ms: number) {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Waits until `probe` answers true, the child dies, or `timeoutMs` passes. */
export async function waitUntilReady(child: Child, probe: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null || child.process.signalCode !== null) {
      throw new Error(`${child.name} exited (${child.process.exitCode ?? child.process.signalCode}) before it was ready:\n${child.output()}`);
    }
    if (await probe().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`${child.name} not ready after ${timeoutMs} ms:\n${child.output()}`);
}
