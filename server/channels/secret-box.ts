import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import path from "node:path";
import { getDataDir, getRuntimeMode } from "@/server/config/runtime";
import { readOrCreateSecretFile } from "@/server/config/secret-file";

/*
 * Channel secrets at rest: AES-256-GCM with a random 96-bit nonce, the row's workspace and id as
 * additional authenticated data (a sealed value copied onto another row does not open), and the
 * id of the key that sealed it stored beside it. Keys come from TOCSIN_ENCRYPTION_KEY — one or
 * more comma-separated 32-byte keys (base64, base64url or 64 hex digits); the first seals, every
 * one opens, so a key is rotated by putting a new one first. In embedded mode, without the
 * variable, a key is generated once into <data dir>/encryption-key (mode 0600).
 */

export class MissingEncryptionKeyError extends Error {
  constructor() {
    super(
      "TOCSIN_ENCRYPTION_KEY is not set. In server mode (DATABASE_URL is set) every instance must share the key " +
        "that encrypts channel secrets: generate one with `openssl rand -base64 32` and set TOCSIN_ENCRYPTION_KEY.",
    );
    this.name = "MissingEncryptionKeyError";
  }
}

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretBoxError";
  }
}

type Key = { id: string; bytes: Buffer };
export type SealedSecrets = { secrets: string; secretsKeyId: string };
/** What a sealed value is bound to: opening it for another row fails. */
export type SecretBinding = { workspaceId: string; channelId: string };

const VERSION = "v1";

function parseKey(text: string, index: number): Key {
  const trimmed = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  if (bytes.length !== 32) {
    throw new SecretBoxError(`TOCSIN_ENCRYPTION_KEY: key ${index + 1} is not 32 bytes (base64, base64url or 64 hex digits); generate one with \`openssl rand -base64 32\``);
  }
  // The id names the key without revealing it: the first 12 hex digits of its SHA-256.
  return { id: createHash("sha256").update(bytes).digest("hex").slice(0, 12), bytes };
}

let cached: { source: string; keys: Key[] } | undefined;

/** The keys, sealing key first. Throws MissingEncryptionKeyError in server mode without a key. */
export function resolveEncryptionKeys(): Key[] {
  const fromEnv = process.env.TOCSIN_ENCRYPTION_KEY?.trim();
  let source: string;
  if (fromEnv) source = fromEnv;
  else if (getRuntimeMode() === "server") throw new MissingEncryptionKeyError();
  else source = readOrCreateSecretFile(path.join(getDataDir(), "encryption-key"), () => randomBytes(32).toString("base64"));
  if (cached?.source !== source) {
    const keys = source.split(",").filter((part) => part.trim()).map(parseKey);
    if (keys.length === 0) throw new MissingEncryptionKeyError();
    cached = { source, keys };
  }
  return cached.keys;
}

function aad(binding: SecretBinding): Buffer {
  return Buffer.from(`tocsin/channel-secrets/${binding.workspaceId}/${binding.channelId}`);
}

/** Seals a JSON-serialisable value for one channel row. */
export function sealSecrets(value: unknown, binding: SecretBinding): SealedSecrets {
  const key = resolveEncryptionKeys()[0]!;
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key.bytes, nonce);
  cipher.setAAD(aad(binding));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return { secrets: [VERSION, nonce.toString("base64url"), ciphertext.toString("base64url"), tag.toString("base64url")].join("."), secretsKeyId: key.id };
}

/** Opens what sealSecrets sealed for the same row; throws SecretBoxError if the key is gone or the value was tampered with. */
export function openSecrets<T = unknown>(sealed: SealedSecrets, binding: SecretBinding): T {
  const key = resolveEncryptionKeys().find((candidate) => candidate.id === sealed.secretsKeyId);
  if (!key) throw new SecretBoxError(`The key that encrypted this channel's secrets (${sealed.secretsKeyId}) is not in TOCSIN_ENCRYPTION_KEY`);
  const [version, nonce, ciphertext, tag] = sealed.secrets.split(".");
  if (version !== VERSION || !nonce || ciphertext === undefined || !tag) throw new SecretBoxError("Channel secrets are not in a format this version can read");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.bytes, Buffer.from(nonce, "base64url"));
    decipher.setAAD(aad(binding));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]);
    return JSON.parse(plain.toString("utf8")) as T;
  } catch {
    throw new SecretBoxError("Channel secrets could not be decrypted: wrong key, another row's value, or tampered with");
  }
}

/** Whether a sealed value should be sealed again under the current sealing key. */
export function isSealedWithOldKey(sealed: Pick<SealedSecrets, "secretsKeyId">): boolean {
  return resolveEncryptionKeys()[0]!.id !== sealed.secretsKeyId;
}
