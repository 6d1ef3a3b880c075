import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// resolveAuthSecret caches per process, so each case imports a fresh copy of the module.
async function loadSecretModule() {
  vi.resetModules();
  return import("./secret");
}

describe("resolveAuthSecret", () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), "tocsin-secret-"));
    vi.stubEnv("TOCSIN_DATA_DIR", dataDir);
    vi.stubEnv("AUTH_SECRET", "");
    vi.stubEnv("DATABASE_URL", "");
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("generates a secret once into the data directory in embedded mode, readable by the owner only", async () => {
    const first = (await loadSecretModule()).resolveAuthSecret();
    const file = path.join(dataDir, "auth-secret");
    expect(first.length).toBeGreaterThanOrEqual(40);
    expect(readFileSync(file, "utf8").trim()).toBe(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // A restart (a fresh module) reads the same secret instead of making a new one.
    expect((await loadSecretModule()).resolveAuthSecret()).toBe(first);
  });

  it("uses AUTH_SECRET when it is set, and writes nothing", async () => {
    vi.stubEnv("AUTH_SECRET", "from-the-environment");
    expect((await loadSecretModule()).resolveAuthSecret()).toBe("from-the-environment");
    expect(() => statSync(path.join(dataDir, "auth-secret"))).toThrow();
  });

  it("refuses to start in server mode without AUTH_SECRET, saying what to do", async () => {
    vi.stubEnv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/whatever");
    const { resolveAuthSecret, MissingAuthSecretError } = await loadSecretModule();
    expect(() => resolveAuthSecret()).toThrow(MissingAuthSecretError);
    expect(() => resolveAuthSecret()).toThrow(/AUTH_SECRET is not set.*openssl rand/);
  });
});
