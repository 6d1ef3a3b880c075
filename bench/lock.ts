// The checkout lock of scripts/run-e2e.ts and the benchmarks: one build or browser run
// at a time per checkout, so none rebuilds .next under another. Held until this process exits.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

export const checkoutLockDir = path.resolve(".e2e.lock");

export async function acquireCheckoutLock(lockDir = checkoutLockDir, log: (line: string) => void = () => {}): Promise<() => void> {
  const started = Date.now();
  let told = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(path.join(lockDir, "pid"), String(process.pid));
      break;
    } catch {
      const holder = Number(readFileSafe(path.join(lockDir, "pid")));
      if (!holder || !isAlive(holder)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (!told) log(`waiting for ${lockDir} (held by process ${holder})`);
      told = true;
      if (Date.now() - started > 20 * 60_000) throw new Error(`bench: ${lockDir} is held by process ${holder} for 20 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    if (readFileSafe(path.join(lockDir, "pid")) === String(process.pid)) rmSync(lockDir, { recursive: true, force: true });
  };
  process.on("exit", release);
  return release;
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
