import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { isSealedWithOldKey, MissingEncryptionKeyError, openSecrets, resolveEncryptionKeys, sealSecrets, SecretBoxError } from "./secret-box";

const binding = { workspaceId: "0190c3a0-0000-7000-8000-000000000001", channelId: "0190c3a0-0000-7000-8000-000000000002" };
const secrets = { kind: "webhook", url: "https://93.184.216.34/hook/s3cr3t-päth", bearerToken: "tok_🔑", signingSecret: "whsec_abc" };

const newKey = () => randomBytes(32);
const useKeys = (...keys: string[]) => vi.stubEnv("TOCSIN_ENCRYPTION_KEY", keys.join(","));

/** Replaces one base64url character of the `index`th dot-separated part of a sealed value. */
function tamper(sealed: string, index: number): string {
  const parts = sealed.split(".");
  const part = parts[index]!;
  parts[index] = `${part[0] === "A" ? "B" : "A"}${part.slice(1)}`;
  return parts.join(".");
}

describe("secret box", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("opens what it sealed, for the same row, with a fresh nonce every time", () => {
    const first = sealSecrets(secrets, binding);
    const second = sealSecrets(secrets, binding);
    expect(openSecrets(first, binding)).toEqual(secrets);
    expect(openSecrets(second, binding)).toEqual(secrets);
    expect(first.secrets).not.toBe(second.secrets);
    expect(first.secretsKeyId).toMatch(/^[0-9a-f]{12}$/);
    for (const value of Object.values(secrets)) expect(first.secrets).not.toContain(value);
  });

  it("binds a sealed value to its workspace and channel: copied onto another row it does not open", () => {
    const sealed = sealSecrets(secrets, binding);
    for (const other of [
      { ...binding, channelId: "0190c3a0-0000-7000-8000-000000000003" },
      { ...binding, workspaceId: "0190c3a0-0000-7000-8000-000000000004" },
      { workspaceId: binding.channelId, channelId: binding.workspaceId },
    ]) {
      expect(() => openSecrets(sealed, other)).toThrow(SecretBoxError);
    }
  });

  it.each([
    ["the nonce", 1],
    ["the ciphertext", 2],
    ["the authentication tag", 3],
  ])("detects tampering with %s", (_label, index) => {
    const sealed = sealSecrets(secrets, binding);
    expect(() => openSecrets({ ...sealed, secrets: tamper(sealed.secrets, index) }, binding)).toThrow(
      "Channel secrets could not be decrypted: wrong key, another row's value, or tampered with",
    );
  });

  it.each([
    ["an unknown version", (s: string) => s.replace(/^v1\./, "v9.")],
    ["a missing part", (s: string) => s.split(".").slice(0, 3).join(".")],
    ["no envelope at all", () => "plain text"],
  ])("refuses %s as a format it cannot read", (_label, change) => {
    const sealed = sealSecrets(secrets, binding);
    expect(() => openSecrets({ ...sealed, secrets: change(sealed.secrets) }, binding)).toThrow("Channel secrets are not in a format this version can read");
  });

  it("rotates keys: the first key seals, every key opens, and old seals are recognised", () => {
    const oldKey = newKey().toString("base64");
    const freshKey = newKey().toString("hex");
    useKeys(oldKey);
    const sealedOld = sealSecrets(secrets, binding);
    expect(isSealedWithOldKey(sealedOld)).toBe(false);

    useKeys(freshKey, oldKey);
    expect(openSecrets(sealedOld, binding)).toEqual(secrets);
    expect(isSealedWithOldKey(sealedOld)).toBe(true);
    const sealedNew = sealSecrets(secrets, binding);
    expect(sealedNew.secretsKeyId).not.toBe(sealedOld.secretsKeyId);
    expect(isSealedWithOldKey(sealedNew)).toBe(false);
    expect(resolveEncryptionKeys().map((k) => k.id)).toEqual([sealedNew.secretsKeyId, sealedOld.secretsKeyId]);

    // Once the old key is removed, what it sealed no longer opens, and the error names only its id.
    useKeys(freshKey);
    expect(openSecrets(sealedNew, binding)).toEqual(secrets);
    const error = (() => {
      try {
        openSecrets(sealedOld, binding);
      } catch (caught) {
        return caught as Error;
      }
      throw new Error("expected openSecrets to throw");
    })();
    expect(error).toBeInstanceOf(SecretBoxError);
    expect(error.message).toBe(`The key that encrypted this channel's secrets (${sealedOld.secretsKeyId}) is not in TOCSIN_ENCRYPTION_KEY`);
    expect(error.message).not.toContain(oldKey);
  });

  it("refuses a sealed value naming an unknown key id", () => {
    const sealed = sealSecrets(secrets, binding);
    expect(() => openSecrets({ ...sealed, secretsKeyId: "000000000000" }, binding)).toThrow("(000000000000) is not in TOCSIN_ENCRYPTION_KEY");
  });

  it("reads a key as base64, base64url or hex, and names it by the same id in every form", () => {
    const key = newKey();
    const ids = [key.toString("base64"), key.toString("base64url"), key.toString("hex"), ` ${key.toString("hex").toUpperCase()} `].map((text) => {
      useKeys(text);
      return resolveEncryptionKeys()[0]!.id;
    });
    expect(new Set(ids).size).toBe(1);
    useKeys(key.toString("base64url"));
    const sealed = sealSecrets(secrets, binding);
    useKeys(key.toString("hex"));
    expect(openSecrets(sealed, binding)).toEqual(secrets);
  });

  it("ignores empty entries between commas", () => {
    const [first, second] = [newKey().toString("base64"), newKey().toString("base64")];
    useKeys(` ${first}`, "", ` ${second} `, "");
    expect(resolveEncryptionKeys()).toHaveLength(2);
  });

  it.each([
    ["a key of 16 bytes", () => randomBytes(16).toString("base64"), 1],
    ["a key of 33 bytes", () => randomBytes(33).toString("base64"), 1],
    ["63 hex digits", () => randomBytes(32).toString("hex").slice(1), 1],
    ["a second key that is not a key", () => `${newKey().toString("base64")},not-a-key`, 2],
  ])("refuses %s, naming which key, without echoing it", (_label, value, position) => {
    const text = value();
    useKeys(text);
    const call = () => sealSecrets(secrets, binding);
    expect(call).toThrow(SecretBoxError);
    expect(call).toThrow(`TOCSIN_ENCRYPTION_KEY: key ${position} is not 32 bytes`);
    try {
      call();
    } catch (error) {
      for (const part of text.split(",")) expect((error as Error).message).not.toContain(part);
    }
  });

  it("refuses a value made of commas only", () => {
    useKeys(",", " ,");
    expect(() => resolveEncryptionKeys()).toThrow(MissingEncryptionKeyError);
  });

  it("in server mode, refuses to work without a key, saying how to make one", () => {
    vi.stubEnv("DATABASE_URL", "postgres://tocsin@127.0.0.1:5432/tocsin");
    vi.stubEnv("TOCSIN_ENCRYPTION_KEY", "");
    expect(() => sealSecrets(secrets, binding)).toThrow(MissingEncryptionKeyError);
    expect(() => sealSecrets(secrets, binding)).toThrow("openssl rand -base64 32");
  });

  it("in embedded mode without a key, generates one into the data directory (mode 0600) and keeps using it", () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "tocsin-secret-box-"));
    try {
      vi.stubEnv("DATABASE_URL", "");
      vi.stubEnv("TOCSIN_ENCRYPTION_KEY", "");
      vi.stubEnv("TOCSIN_DATA_DIR", dataDir);
      const sealed = sealSecrets(secrets, binding);
      const file = path.join(dataDir, "encryption-key");
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(Buffer.from(readFileSync(file, "utf8").trim(), "base64")).toHaveLength(32);
      expect(openSecrets(sealed, binding)).toEqual(secrets);

      // The same key, given through the variable, opens what the generated file sealed.
      useKeys(readFileSync(file, "utf8").trim());
      expect(openSecrets(sealed, binding)).toEqual(secrets);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
