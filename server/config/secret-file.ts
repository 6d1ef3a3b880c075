import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * The secret kept in `file` (embedded mode's generated secrets under the data directory), created
 * with `generate()` (mode 0600) the first time. If two processes race, exactly one creates the
 * file and both use its content.
 */
export function readOrCreateSecretFile(file: string, generate: () => string): string {
  const existing = readSecretFile(file);
  if (existing) return existing;
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = generate();
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const written = readSecretFile(file);
    if (!written) throw new Error(`${file} exists but is empty; delete it and restart`);
    return written;
  }
}

function readSecretFile(file: string): string | null {
  try {
    return readFileSync(file, "utf8").trim() || null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}
