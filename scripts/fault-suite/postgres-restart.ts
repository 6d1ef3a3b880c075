// Restarts the machine's PostgreSQL cluster (Debian's pg_ctlcluster; the suite runs as root, as
// CI does): every connection of the app is cut, and the server refuses new ones for a moment.
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Resolves with the seconds the restart took. */
export async function restartPostgres(log: (line: string) => void): Promise<number> {
  const versions = readdirSync("/etc/postgresql");
  if (versions.length !== 1) throw new Error(`expected one PostgreSQL version under /etc/postgresql, found ${versions.join(", ") || "none"}`);
  log(`restarting PostgreSQL ${versions[0]}`);
  const started = performance.now();
  await run("pg_ctlcluster", ["--skip-systemctl-redirect", versions[0]!, "main", "restart"]);
  const seconds = (performance.now() - started) / 1000;
  log(`PostgreSQL restarted in ${seconds.toFixed(1)} s`);
  return seconds;
}
