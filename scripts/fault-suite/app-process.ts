// The production server (`npm start`: server/http/start-server.ts, without npm's own process in
// between, so that `kill -9` reaches the server itself) as the fault suite drives it: started,
// killed with SIGKILL in the middle of its work, and started again on the same database and port.
import { createWriteStream } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { sleep, startChild, waitUntilReady, type Child } from "../../bench/processes";
import { startServerNodeArgs } from "@/server/http/start-server-args";

export type AppProcess = {
  url: string;
  /** Starts the server and resolves with the seconds it took to answer /api/health. */
  start(): Promise<number>;
  /** SIGKILL to the server's process group: no shutdown hook runs, nothing is flushed. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
};

/** Each start's whole output goes to `<logDir>/app-<n>.log`. */
export function createAppProcess(env: NodeJS.ProcessEnv, port: number, logDir: string): AppProcess {
  const url = `http://127.0.0.1:${port}`;
  let child: Child | null = null;
  let starts = 0;
  const healthy = async () => {
    const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5000) });
    await response.arrayBuffer();
    return response.ok;
  };
  return {
    url,
    async start() {
      const started = performance.now();
      child = startChild(`tocsin (npm start #${++starts})`, process.execPath, startServerNodeArgs(path.resolve("server/http/start-server.ts")), { ...env, PORT: String(port) });
      const file = createWriteStream(path.join(logDir, `app-${starts}.log`));
      child.process.stdout?.pipe(file);
      child.process.stderr?.pipe(file);
      await waitUntilReady(child, healthy, 120_000);
      return (performance.now() - started) / 1000;
    },
    async kill9() {
      const running = child;
      if (!running?.process.pid) throw new Error("the app is not running");
      const exited = new Promise<void>((resolve) => {
        if (running.process.exitCode !== null || running.process.signalCode !== null) resolve();
        else running.process.once("exit", () => resolve());
      });
      process.kill(-running.process.pid, "SIGKILL");
      await Promise.race([exited, sleep(10_000)]);
      // Its handle is done with: stop() only sweeps the (now empty) group.
      await running.stop();
      child = null;
    },
    async stop() {
      await child?.stop();
      child = null;
    },
  };
}
