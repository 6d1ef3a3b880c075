import type { AuditChange } from "@/server/db/schema/audit";
import { isSecretPath, maskSecrets } from "./mask-secrets";

/*
 * The field-level diff of an audit entry. Objects are walked and each leaf named by its dotted
 * path (`conditions.minSeverity`); arrays are leaves compared as values (a changed list of
 * triggers is one change, before → after, not one per index). A field missing on one side is
 * null there, so a creation lists every field as null → value and a deletion value → null.
 */

export type Snapshot = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Snapshots as they will be stored: JSON (dates as ISO strings, undefined dropped). */
export function toJsonSnapshot(snapshot: Snapshot | null): Snapshot | null {
  return snapshot === null ? null : (JSON.parse(JSON.stringify(snapshot)) as Snapshot);
}

/** Deep equality of JSON values, key order ignored. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => sameJson(a[key] ?? null, b[key] ?? null));
  }
  return false;
}

function walk(before: unknown, after: unknown, path: string, changes: AuditChange[]) {
  if (isPlainObject(before) || isPlainObject(after)) {
    // An object on one side only (or an empty one) is compared as a whole below the same path.
    if (isPlainObject(before) && isPlainObject(after) && (Object.keys(before).length > 0 || Object.keys(after).length > 0)) {
      const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
      for (const key of keys) walk(before[key] ?? null, after[key] ?? null, path ? `${path}.${key}` : key, changes);
      return;
    }
    if ((before === null || isPlainObject(before)) && (after === null || isPlainObject(after))) {
      // Created or removed object: list its leaves against null.
      const present = (before ?? after) as Record<string, unknown>;
      if (Object.keys(present).length > 0) {
        for (const key of Object.keys(present).sort()) {
          walk(before === null ? null : present[key] ?? null, after === null ? null : present[key] ?? null, path ? `${path}.${key}` : key, changes);
        }
        return;
      }
    }
  }
  if (!sameJson(before, after)) changes.push({ path, before, after });
}

/**
 * What changed between two snapshots (null: the object did not exist), secrets masked: a secret
 * that changed is listed, as masked → masked, but neither value is.
 */
export function diffSnapshots(before: Snapshot | null, after: Snapshot | null): AuditChange[] {
  const changes: AuditChange[] = [];
  walk(toJsonSnapshot(before), toJsonSnapshot(after), "", changes);
  return changes.map((change) => {
    const secret = isSecretPath(change.path);
    return { path: change.path, before: maskSecrets(change.before, secret), after: maskSecrets(change.after, secret) };
  });
}
