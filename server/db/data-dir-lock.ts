import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * PGlite has no server to arbitrate between processes: two opening one data directory would
 * corrupt it. So the first process to open it leaves its pid in a lock file, and another is
 * told plainly which process holds it. A lock whose process is gone is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  const lockFile = path.join(dataDir, "tocsin.lock");
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: "wx" });
      const release = () => rmSync(lockFile, { force: true });
      process.once("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(readLock(lockFile));
      if (holder === process.pid) return () => rmSync(lockFile, { force: true });
      if (holder && isRunning(holder)) {
        throw new Error(
          `${dataDir} is in use by another Tocsin process (pid ${holder}). Embedded mode (PGlite) allows one process per data directory: stop that process first, or set DATABASE_URL to use PostgreSQL.`,
        );
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}

function readLock(file: string): string {
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    return "";
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
