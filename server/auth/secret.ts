import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { getDataDir, getRuntimeMode } from "@/server/config/runtime";

export class MissingAuthSecretError extends Error {
  constructor() {
    super(
      "AUTH_SECRET is not set. In server mode (DATABASE_URL is set) every instance must share one secret: " +
        "generate it with `openssl rand -base64 33` and set AUTH_SECRET in the environment.",
    );
    this.name = "MissingAuthSecretError";
  }
}

let cached: string | undefined;

/**
 * AUTH_SECRET from the environment; in embedded mode, when it is missing, a secret generated
 * once into <data dir>/auth-secret (mode 0600) so sessions survive restarts with zero config.
 */
export function resolveAuthSecret(): string {
  if (process.env.AUTH_SECRET) return process.env.AUTH_SECRET;
  if (getRuntimeMode() === "server") throw new MissingAuthSecretError();
  cached ??= readOrCreateSecretFile(path.join(getDataDir(), "auth-secret"));
  return cached;
}

function readOrCreateSecretFile(file: string): string {
  const existing = readSecretFile(file);
  if (existing) return existing;
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(33).toString("base64url");
  try {
    // "wx": if two processes race, exactly one creates the file and both use its content.
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
