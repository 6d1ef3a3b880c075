import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lockDataDir } from "./data-dir-lock";

describe("lockDataDir", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "tocsin-lock-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("records this process and releases the directory again", () => {
    const release = lockDataDir(dir);
    expect(readFileSync(path.join(dir, "tocsin.lock"), "utf8")).toBe(String(process.pid));
    release();
    expect(existsSync(path.join(dir, "tocsin.lock"))).toBe(false);
  });

  it("refuses a directory another running process holds, naming it", () => {
    // The parent of this test process is alive for as long as the test runs.
    writeFileSync(path.join(dir, "tocsin.lock"), String(process.ppid));
    expect(() => lockDataDir(dir)).toThrow(new RegExp(`in use by another Tocsin process \\(pid ${process.ppid}\\)`));
  });

  it("takes over a lock left by a process that is gone", () => {
    const gone = spawnSync(process.execPath, ["-e", "console.log(process.pid)"]).stdout.toString().trim();
    writeFileSync(path.join(dir, "tocsin.lock"), gone);
    const release = lockDataDir(dir);
    expect(readFileSync(path.join(dir, "tocsin.lock"), "utf8")).toBe(String(process.pid));
    release();
  });
});
