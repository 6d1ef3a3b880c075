import { randomBytes } from "node:crypto";
import path from "node:path";
import { getDataDir, getRuntimeMode } from "@/server/config/runtime";
import { readOrCreateSecretFile } from "@/server/config/secret-file";

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
  cached ??= readOrCreateSecretFile(path.join(getDataDir(), "auth-secret"), () => randomBytes(33).toString("base64url"));
  return cached;
}
