import { createHash, randomBytes } from "node:crypto";

// Token layout: "tcn_" + 40 base62 characters of randomness (~238 bits) + 6 base62 characters of
// CRC-32 over the random part. The prefix makes leaked tokens recognisable to secret scanners;
// the checksum lets the ingest route turn away typos and garbage without a database lookup.
const PREFIX = "tcn_";
const BODY_LENGTH = 40;
const CHECKSUM_LENGTH = 6;
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const TOKEN_PATTERN = new RegExp(`^${PREFIX}[0-9A-Za-z]{${BODY_LENGTH + CHECKSUM_LENGTH}}$`);

export type SourceToken = { token: string; hash: string; displayPrefix: string };

export function generateSourceToken(): SourceToken {
  let body = "";
  // Rejection sampling keeps every character equally likely (256 is not a multiple of 62).
  while (body.length < BODY_LENGTH) {
    for (const byte of randomBytes(64)) {
      if (byte < 248 && body.length < BODY_LENGTH) body += ALPHABET[byte % 62];
    }
  }
  const token = `${PREFIX}${body}${checksumOf(body)}`;
  return { token, hash: hashSourceToken(token), displayPrefix: token.slice(0, PREFIX.length + 6) };
}

/** True when `value` has the shape and checksum of a Tocsin source token. */
export function isWellFormedSourceToken(value: string): boolean {
  if (!TOKEN_PATTERN.test(value)) return false;
  const body = value.slice(PREFIX.length, PREFIX.length + BODY_LENGTH);
  return value.slice(PREFIX.length + BODY_LENGTH) === checksumOf(body);
}

export function hashSourceToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function checksumOf(body: string): string {
  let n = crc32(body);
  let out = "";
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = ALPHABET[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, i) => {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) crc = CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
